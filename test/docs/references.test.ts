import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { posix } from "node:path";

/**
 * The repository documents itself: no file may lean on a document outside it, every relative Markdown link must
 * reach a file that is committed, and every `docs/design.md §N` a comment cites must exist. Only committed files
 * (git ls-files) are read, so a local scratch file never fails the suite.
 */

interface TextFile {
  path: string;
  text: string;
}

const DESIGN = "docs/design.md";
/** A design document named in upper case, with whatever path leads to it. */
const DESIGN_MENTION = /(?:\.{0,2}[\w@-]*\/)*DESIGN\.md/g;
/** The folder outside the repository that a checkout's sibling might hold. */
const SHARED_FOLDER = /\.\.\/shared\b/g;
/** `[text](target)` and `![alt](target)`, with an optional title. */
const MARKDOWN_LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
/** A target with a scheme (https:, mailto:) is not a file of the repository. */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const SECTION_CITATION = /design\.md\s*§\s*(\d+)/g;
const SECTION_HEADING = /^## §(\d+) /gm;

function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" }).split("\0").filter(Boolean);
}

/** The file's text, or undefined for a binary file (one with a NUL byte) or one missing from the working tree. */
function readText(path: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  return bytes.includes(0) ? undefined : bytes.toString("utf8");
}

/** A path as the repository sees it, or undefined when it leads outside the repository. */
function insideRepository(from: string, target: string): string | undefined {
  const base = target.startsWith("./") || target.startsWith("../") ? posix.dirname(from) : "";
  const resolved = posix.normalize(posix.join(base, target));
  return resolved === ".." || resolved.startsWith("../") || posix.isAbsolute(resolved) ? undefined : resolved;
}

/** Mentions of a design document or folder that the repository does not hold. */
function outsideReferences(file: TextFile, tracked: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  file.text.split("\n").forEach((line, i) => {
    const where = `${file.path}:${i + 1}`;
    for (const match of line.matchAll(SHARED_FOLDER)) problems.push(`${where}: ${match[0]} is outside the repository`);
    for (const match of line.matchAll(DESIGN_MENTION)) {
      const path = insideRepository(file.path, match[0]);
      if (path === undefined || !tracked.has(path)) problems.push(`${where}: ${match[0]} is not in the repository (${DESIGN})`);
    }
  });
  return problems;
}

/** Relative links of a Markdown file whose target is not a committed file or folder of the repository. */
function brokenLinks(file: TextFile, tracked: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  let fenced = false;
  file.text.split("\n").forEach((line, i) => {
    if (line.trimStart().startsWith("```")) fenced = !fenced;
    if (fenced) return;
    for (const match of line.matchAll(MARKDOWN_LINK)) {
      const raw = match[1] as string;
      if (HAS_SCHEME.test(raw) || raw.startsWith("#")) continue;
      const target = decodeURI(raw.replace(/[#?].*$/, ""));
      const path = insideRepository(file.path, target.startsWith("/") ? target.slice(1) : `./${target}`);
      const where = `${file.path}:${i + 1}: (${raw})`;
      if (path === undefined) problems.push(`${where} leads outside the repository`);
      else if (!tracked.has(path) && ![...tracked].some((f) => f.startsWith(`${path}/`))) problems.push(`${where} is missing`);
    }
  });
  return problems;
}

/** Citations of `design.md §N` whose section the design document does not have. */
function unknownSections(file: TextFile, sections: ReadonlySet<number>): string[] {
  const problems: string[] = [];
  file.text.split("\n").forEach((line, i) => {
    for (const match of line.matchAll(SECTION_CITATION)) {
      const n = Number(match[1]);
      if (!sections.has(n)) problems.push(`${file.path}:${i + 1}: ${DESIGN} has no §${n}`);
    }
  });
  return problems;
}

function designSections(text: string): Set<number> {
  return new Set([...text.matchAll(SECTION_HEADING)].map((m) => Number(m[1])));
}

describe("docs: the repository documents itself", () => {
  const paths = trackedFiles();
  const tracked = new Set(paths);
  const texts: TextFile[] = paths.flatMap((path) => {
    const text = readText(path);
    return text === undefined ? [] : [{ path, text }];
  });
  const sections = designSections(readFileSync(DESIGN, "utf8"));

  it("cites no design document or folder outside the repository, in any committed file", () => {
    expect(texts.flatMap((f) => outsideReferences(f, tracked))).to.deep.equal([]);
  });

  it("has no relative Markdown link to a missing file, nor one that leaves the repository", () => {
    const markdown = texts.filter((f) => f.path.endsWith(".md"));
    expect(markdown.map((f) => f.path)).to.include.members(["README.md", DESIGN]);
    expect(markdown.flatMap((f) => brokenLinks(f, tracked))).to.deep.equal([]);
  });

  it("cites only sections that docs/design.md has, numbered from §1 without gaps", () => {
    const numbers = [...sections].sort((a, b) => a - b);
    expect(numbers).to.deep.equal(numbers.map((_, i) => i + 1));
    expect(texts.flatMap((f) => unknownSections(f, sections))).to.deep.equal([]);
  });

  describe("the checks themselves", () => {
    const files = new Set(["README.md", "docs/api.md", "docs/screenshots/report.png", DESIGN]);
    const outside = ["..", "shared", "DESIGN" + ".md"].join("/");
    const cite = (n: number) => `see ${DESIGN} §${n}`;

    it("flag a design document outside the repository, and the shared folder", () => {
      expect(outsideReferences({ path: "node/a.ts", text: `// per ${outside}` }, files)).to.have.length(2);
      expect(outsideReferences({ path: "node/a.ts", text: `// per ${"DESIGN" + ".md"} "Case lists"` }, files)).to.have.length(1);
      expect(outsideReferences({ path: "node/a.ts", text: `// per ${DESIGN} §3 and docs/api.md` }, files)).to.deep.equal([]);
    });

    it("flag a relative link to a missing file or out of the repository, not links that resolve or leave for the web", () => {
      const check = (text: string) => brokenLinks({ path: "docs/api.md", text }, files);
      expect(check("[a](missing.md) and [b](../../etc/passwd)")).to.have.length(2);
      expect(check("[a](design.md#1-principles), [b](../README.md), ![c](screenshots/report.png), [d](screenshots)")).to.deep.equal([]);
      expect(check("[a](https://example.org/x.md), [b](#limits), [c](mailto:x@example.org)")).to.deep.equal([]);
      expect(check("```\n[a](missing.md)\n```")).to.deep.equal([]);
    });

    it("flag a cited section that does not exist", () => {
      const have = designSections("# x\n\n## §1 One\n\n## §2 Two\n");
      expect([...have]).to.deep.equal([1, 2]);
      expect(unknownSections({ path: "node/a.ts", text: `${cite(2)}; ${cite(3)}` }, have)).to.have.length(1);
    });
  });
});
