import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { SecretFileError, parseHexKey, readSecretFile } from "../../../node/store/secret-file.js";

describe("node/store/secret-file", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-secret-"));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e instanceof SecretFileError ? e.code : String(e);
    }
    return "no error";
  };

  it("reads an owner-only file and refuses a missing or group/world-readable one", async () => {
    const file = join(dir, "store.key");
    await writeFile(file, `${"ab".repeat(32)}\n`, { mode: 0o600 });
    expect(await readSecretFile(file, "store key")).to.equal("ab".repeat(32));
    await chmod(file, 0o644);
    expect(await codeOf(readSecretFile(file, "store key"))).to.equal("SECRET_FILE_PERMISSIONS");
    await chmod(file, 0o640);
    expect(await codeOf(readSecretFile(file, "store key"))).to.equal("SECRET_FILE_PERMISSIONS");
    expect(await codeOf(readSecretFile(join(dir, "nope.key"), "store key"))).to.equal("SECRET_FILE_MISSING");
  });

  it("parses 32 hex bytes and never echoes a bad key in its message", () => {
    expect(parseHexKey(`0x${"0f".repeat(32)}`, "k")).to.deep.equal(Buffer.alloc(32, 0x0f));
    const bad = "zz".repeat(32);
    try {
      parseHexKey(bad, "store key");
      expect.fail("accepted a bad key");
    } catch (e) {
      expect((e as Error).message).to.not.include(bad);
      expect((e as SecretFileError).code).to.equal("SECRET_FILE_INVALID");
    }
    expect(() => parseHexKey("ab".repeat(31), "k")).to.throw(SecretFileError);
  });
});
