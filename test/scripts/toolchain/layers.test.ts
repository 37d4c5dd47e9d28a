import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { cruise, type IViolation } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { PROJECT_ROOT } from "../../../node/paths.js";

const CONFIG = join(PROJECT_ROOT, ".dependency-cruiser.cjs");

/** A cycle is reported once, from whichever of its modules the cruise reached first: it is named by its modules. */
function violationName(v: IViolation): string {
  if (!v.cycle) return `${v.rule.name}: ${v.from} → ${v.to}`;
  const modules = new Set([v.from, ...v.cycle.map((step) => step.name)]);
  return `${v.rule.name}: ${[...modules].sort().join(", ")}`;
}

/**
 * The layering rules of .dependency-cruiser.cjs on a small made-up tree: each rule catches what it names and lets
 * through what it allows (type-only imports at the edges, node: builtins in the domain, the composition root).
 * A typo in a path pattern would otherwise make a rule pass vacuously.
 */
describe("scripts/toolchain: the layering rules (.dependency-cruiser.cjs)", () => {
  const tree: Record<string, string> = {
    "node/domain/pure.ts": 'import { readFile } from "node:fs/promises";\nimport { stored } from "../store/values.ts";\nexport const pure = [readFile, stored];\n',
    "node/domain/ping.ts": 'import { pong } from "./pong.ts";\nimport { msg } from "../messages/message.ts";\nexport const ping = () => [pong, msg];\n',
    "node/messages/message.ts": 'import { log } from "../log/log.ts";\nexport const msg = log;\n',
    "node/domain/pong.ts": 'import { ping } from "./ping.ts";\nexport const pong = () => ping;\n',
    "node/store/values.ts": 'import { rpc } from "../chain/rpc.ts";\nexport const stored = rpc;\n',
    "node/store/types.ts": "export type Row = { id: number };\n",
    "node/chain/rpc.ts": 'import { serve } from "../services/serve.ts";\nexport const rpc = serve;\n',
    "node/services/serve.ts": 'import { route } from "../http/route.ts";\nexport const serve = route;\n',
    "node/http/route.ts": 'import type { Row } from "../store/types.ts";\nimport { rpc } from "../chain/rpc.ts";\nexport const route = (r: Row) => [r, rpc];\n',
    "node/log/log.ts": 'import { route } from "../http/route.ts";\nexport const log = route;\n',
    "node/cli/main.ts": 'import { start } from "../gateway.ts";\nimport { fixture } from "../../test/fixture.ts";\nexport const cli = [start, fixture];\n',
    "test/fixture.ts": "export const fixture = 1;\n",
    "node/gateway.ts": 'import { route } from "./http/route.ts";\nexport const start = route;\n',
    "node/main.ts": 'import { start } from "./gateway.ts";\nexport const main = start;\n',
  };
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-layers-"));
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("flags each crossing of a layer, each cycle, and nothing the rules allow", async () => {
    const options = await extractDepcruiseOptions(CONFIG);
    // The made-up tree imports `.ts` files by name: no tsconfig needed to resolve them.
    delete options.tsConfig;
    const { output } = await cruise(["node"], { ...options, baseDir: dir, validate: true });
    if (typeof output === "string") throw new Error("expected a cruise result");
    const found = output.summary.violations.map(violationName).sort();
    expect(found).to.deep.equal(
      [
        "domain-is-pure: node/domain/pure.ts → node/store/values.ts",
        "edges-through-services: node/http/route.ts → node/chain/rpc.ts",
        "log-is-a-leaf: node/log/log.ts → node/http/route.ts",
        "messages-is-a-leaf: node/messages/message.ts → node/log/log.ts",
        "no-circular: node/chain/rpc.ts, node/http/route.ts, node/services/serve.ts",
        "no-circular: node/domain/ping.ts, node/domain/pong.ts",
        "only-the-root-composes: node/cli/main.ts → node/gateway.ts",
        "product-not-from-scripts-or-tests: node/cli/main.ts → test/fixture.ts",
        "services-not-edges: node/services/serve.ts → node/http/route.ts",
        "store-chain-below-services: node/chain/rpc.ts → node/services/serve.ts",
        "store-not-chain: node/store/values.ts → node/chain/rpc.ts",
      ].sort(),
    );
  });

  it("lists known violations only of rules that exist", async () => {
    const { forbidden = [] } = (await extractDepcruiseOptions(CONFIG)).ruleSet ?? {};
    const rules = new Set(forbidden.map((r) => r.name));
    const known = JSON.parse(await readFile(join(PROJECT_ROOT, ".dependency-cruiser-known-violations.json"), "utf8")) as { rule: { name: string } }[];
    expect(known.map((v) => v.rule.name).filter((name) => !rules.has(name))).to.deep.equal([]);
  });
});
