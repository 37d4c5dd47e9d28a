import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { VERSION_INFO } from "../../../node/http/openapi-routes.js";
import { PROJECT_ROOT } from "../../../node/paths.js";
import { VERSION } from "../../../node/version.js";
import { CLI } from "../../support/cli.js";

const run = promisify(execFile);

describe("node/cli: caseledger --version", function () {
  this.timeout(60_000);

  it("prints package.json's version, the one the gateway's health and OpenAPI document give", async () => {
    const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
    const { stdout } = await run(process.execPath, [...CLI, "--version"]);
    expect(stdout.trim()).to.equal(version);
    expect(VERSION).to.equal(version);
    expect(VERSION_INFO.version).to.equal(version);
  });
});
