import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { readKeyFile, registryFromDeployment } from "../../../node/services/member-keys.js";

/**
 * The key and deployment files `caseledger member` reads (test/node/cli/member-keys.test.ts runs the commands against
 * anvil): a key file others can read, or that is not a key, is refused without the key in the message. Synthetic keys.
 */
describe("node/services: member keys (the recovery key's files)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-member-keys-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a mode-600 key file (with or without 0x) as the wallet of that key", async () => {
    const key = Wallet.createRandom();
    for (const [name, text] of [["plain.key", key.privateKey.slice(2)], ["prefixed.key", `${key.privateKey}\n`]] as const) {
      await writeFile(join(dir, name), text, { mode: 0o600 });
      expect((await readKeyFile(join(dir, name))).address).to.equal(key.address);
    }
  });

  it("refuses a key file others can read, one that is not 32 bytes of hex, and a missing one — never echoing the key", async () => {
    const key = Wallet.createRandom().privateKey.slice(2);
    await writeFile(join(dir, "open.key"), key);
    await chmod(join(dir, "open.key"), 0o644);
    await writeFile(join(dir, "short.key"), key.slice(0, 40), { mode: 0o600 });
    for (const [name, code] of [["open.key", "SECRET_FILE_PERMISSIONS"], ["short.key", "SECRET_FILE_INVALID"], ["absent.key", "SECRET_FILE_MISSING"]] as const) {
      const error = await readKeyFile(join(dir, name)).then(() => undefined, (e: unknown) => e as { code: string; message: string });
      expect(error?.code, name).to.equal(code);
      expect(error?.message, name).not.to.include(key.slice(0, 40));
    }
  });

  it("a missing deployment file names no registry", async () => {
    expect(await registryFromDeployment(join(dir, "absent.json"))).to.equal(undefined);
  });
});
