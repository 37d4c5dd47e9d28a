import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { CATALOG } from "../../../node/messages/catalog.js";
import { bilingual, entryOf, fill, msg, render } from "../../../node/messages/message.js";
import { PROJECT_ROOT } from "../../../node/paths.js";

const NODE_DIR = join(PROJECT_ROOT, "node");
const CJK = /[\u4e00-\u9fff]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(entry.name) ? [path] : [];
  });
}

/** Every source file of the gateway, the CLI and the console, without the catalog itself; and the scripts (deploy…). */
const FILES = sources(NODE_DIR).filter((path) => !relative(NODE_DIR, path).startsWith("messages"));
const TEXT = [...FILES, ...sources(join(PROJECT_ROOT, "scripts"))].map((path) => readFileSync(path, "utf8")).join("\n");
const ENTRIES = Object.entries(CATALOG).flatMap(([section, codes]) =>
  Object.entries(codes as Record<string, { zh: string; en: string }>).map(([code, entry]) => ({ section, code, ...entry })),
);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

describe("message catalog", () => {
  it("has every message in Chinese and in English", () => {
    for (const { section, code, zh, en } of ENTRIES) {
      expect(zh, `${section}.${code} zh`).to.match(CJK);
      expect(en.trim(), `${section}.${code} en`).to.not.equal("");
      expect(en, `${section}.${code} en`).to.not.match(CJK);
      // A language-specific placeholder comes in pairs (kindsZh/kindsEn); any other one is in both languages.
      const shared = (names: (string | undefined)[]) => names.filter((n) => !/(Zh|En)$/.test(n ?? "")).sort();
      expect(shared(placeholders(zh)), `${section}.${code} placeholders`).to.deep.equal(shared(placeholders(en)));
    }
  });

  it("has no entry that no code raises: each id is named in the source, or its section is used by code and the code is", () => {
    const unused = ENTRIES.filter(({ section, code }) => {
      if (TEXT.includes(`"${section}.${code}"`)) return false;
      return !(TEXT.includes(`\`${section}.\${`) && TEXT.includes(`"${code}"`));
    }).map(({ section, code }) => `${section}.${code}`);
    expect(unused).to.deep.equal([]);
  });

  it("has an entry for every message id the source raises", () => {
    const ids = [...TEXT.matchAll(/\bmsg\(\s*"([\w-]+\.[\w-]+)"/g)].map((m) => m[1]!);
    expect(ids.length).to.be.greaterThan(50);
    expect(ids.filter((id) => !entryOf(id))).to.deep.equal([]);
    for (const section of new Set([...TEXT.matchAll(/\bmsg\(\s*`(\w+)\.\$\{/g)].map((m) => m[1]!))) {
      expect(CATALOG, section).to.have.property(section);
    }
  });

  it("keeps words out of domain code, services, the chain adapter, the store and the HTTP layer: no \"中文 / English\" literal there", () => {
    const inner = FILES.filter((path) => /^(domain|services|chain|store|http)\//.test(relative(NODE_DIR, path)));
    const offenders = inner.flatMap((path) =>
      readFileSync(path, "utf8")
        .split("\n")
        .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line) && /["`'][^"`'\n]*[\u4e00-\u9fff][^"`'\n]*\/ [A-Za-z]/.test(line))
        .map((line) => `${relative(NODE_DIR, path)}: ${line.trim().slice(0, 80)}`),
    );
    expect(offenders).to.deep.equal([]);
  });

  it("renders one language or both, filling parameters", () => {
    const text = msg("api.NO_SUCH_ENDPOINT", { method: "GET", path: "/v1/x" });
    expect(render(text, "zh")).to.equal("没有这个接口：GET /v1/x");
    expect(render(text, "en")).to.equal("no such endpoint: GET /v1/x");
    expect(bilingual(text)).to.equal("没有这个接口：GET /v1/x / no such endpoint: GET /v1/x");
    expect(fill("{a} and {b}", { a: 1 })).to.equal("1 and {b}");
    expect(entryOf("api.toString")).to.equal(undefined);
  });

  it("types each message's parameters from its placeholders (checked by tsc)", () => {
    // @ts-expect-error: api.CHAIN_REFUSED takes { reason }
    msg("api.CHAIN_REFUSED");
    // @ts-expect-error: the parameter is `reason`, not `why`
    msg("api.CHAIN_REFUSED", { why: "x" });
    // @ts-expect-error: no such message
    msg("api.NO_SUCH_MESSAGE");
    expect(bilingual(msg("api.CHAIN_REFUSED", { reason: "NotActive" }))).to.equal("链上拒绝：NotActive / the chain refused: NotActive");
  });
});
