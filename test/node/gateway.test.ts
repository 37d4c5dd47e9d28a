import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parseConfig } from "../../node/config.js";
import { startGateway } from "../../node/gateway.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { SecretFileError } from "../../node/store/secret-file.js";

/**
 * The gateway refuses to start — before it opens its store or reaches for the chain — when a key file is missing
 * or readable by other users, and says which file without showing what is in it; `node/main.ts` exits with 4.
 */
describe("node/gateway: refuses to start without its key files, or with one others can read", function () {
  this.timeout(60_000);
  let dir: string;
  const signingKey = randomBytes(32).toString("hex");
  const storeKey = randomBytes(32).toString("hex");
  const pepper = randomBytes(32).toString("hex");
  const raw = () => ({
    memberId: 1,
    dataDir: "data",
    chain: { rpcUrl: "http://127.0.0.1:9", deploymentFile: "deployment.json" },
    secrets: { signingKeyFile: "keys/signing.key", pepperFile: "keys/pepper.json", storeKeyFile: "keys/store.key" },
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-gateway-keys-"));
    await mkdir(join(dir, "keys"), { mode: 0o700 });
    await writeFile(join(dir, "keys", "signing.key"), signingKey, { mode: 0o600 });
    await writeFile(join(dir, "keys", "store.key"), storeKey, { mode: 0o600 });
    await writeFile(join(dir, "keys", "pepper.json"), JSON.stringify({ version: 1, secret: pepper }), { mode: 0o600 });
    await writeFile(join(dir, "config.json"), JSON.stringify(raw()));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const refusal = async () => {
    try {
      await startGateway(parseConfig(raw(), dir), { log: () => {} });
    } catch (error) {
      return error as SecretFileError;
    }
    throw new Error("the gateway started");
  };

  it("refuses a world- or group-readable signing key, store key or pepper, naming the file but not its content", async () => {
    for (const file of ["signing.key", "store.key", "pepper.json"]) {
      for (const mode of [0o644, 0o640, 0o604]) {
        await chmod(join(dir, "keys", file), mode);
        const error = await refusal();
        expect(error, `${file} ${mode.toString(8)}`).to.be.instanceOf(SecretFileError);
        expect(error.code).to.equal("SECRET_FILE_PERMISSIONS");
        expect(error.message).to.include(file).and.to.include("chmod 600");
        for (const secret of [signingKey, storeKey, pepper]) expect(error.message).not.to.include(secret);
      }
      await chmod(join(dir, "keys", file), 0o600);
    }
  });

  it("refuses a missing key file, and a malformed one", async () => {
    await unlink(join(dir, "keys", "store.key"));
    expect((await refusal()).code).to.equal("SECRET_FILE_MISSING");
    await writeFile(join(dir, "keys", "store.key"), `${storeKey.slice(0, 60)}`, { mode: 0o600 });
    const malformed = await refusal();
    expect(malformed.code).to.equal("SECRET_FILE_INVALID");
    expect(malformed.message).not.to.include(storeKey.slice(0, 60));
  });

  it("as a process: exits with 4 and a message that names the file, with nothing written to the data directory", async () => {
    await chmod(join(dir, "keys", "signing.key"), 0o644);
    const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "node", "main.ts"), "--config", join(dir, "config.json")], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, output).to.equal(4);
    expect(output).to.include("signing.key").and.to.include("chmod 600");
    expect(output).not.to.include(signingKey);
    const { existsSync } = await import("node:fs");
    expect(existsSync(join(dir, "data"))).to.equal(false);
  });
});
