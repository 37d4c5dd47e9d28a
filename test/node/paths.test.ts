import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CODE_ROOT, PROJECT_ROOT } from "../../node/paths.js";

/** Run from the sources, the code's tree is the repository; built, it is dist/ (test/e2e/package.test.ts). */
describe("node/paths", () => {
  it("finds the project root by its package.json and, from the sources, the code's own files in the repository", () => {
    expect(existsSync(join(PROJECT_ROOT, "package.json"))).to.equal(true);
    expect(CODE_ROOT).to.equal(PROJECT_ROOT);
    expect(existsSync(join(CODE_ROOT, "node", "web", "index.html"))).to.equal(true);
  });
});
