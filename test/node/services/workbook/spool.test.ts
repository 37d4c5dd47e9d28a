import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { cleanSpoolDir, EncryptedSpool, SPOOL_DIR_NAME, workbookSpoolDir } from "../../../../node/services/workbook/spool.js";

describe("node/services/workbook/spool", () => {
  let root = "";
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "caseledger-spool-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("lives under the data directory", () => {
    expect(workbookSpoolDir("/data/member")).to.equal(join("/data/member", SPOOL_DIR_NAME));
  });

  it("holds ciphertext on disk and reads back any byte range in clear, across counter blocks and chunks", async () => {
    const dir = join(root, "spool");
    const spool = await EncryptedSpool.create(dir);
    const clear = Buffer.concat([Buffer.from("测试专用姓名 13800000000 ".repeat(200)), randomBytes(5_000)]);
    for (let at = 0; at < clear.length; at += 777) await spool.append(clear.subarray(at, at + 777));
    expect(spool.size).to.equal(clear.length);
    const onDisk = await readFile(spool.path);
    expect(onDisk.length).to.equal(clear.length);
    expect(onDisk.includes(Buffer.from("测试专用姓名"))).to.equal(false);
    expect(onDisk.includes(Buffer.from("13800000000"))).to.equal(false);
    for (const [offset, length] of [[0, 16], [1, 15], [15, 2], [16, 33], [4_095, 4_100], [clear.length - 5, 10], [clear.length, 4]] as const) {
      expect((await spool.read(offset, length)).equals(clear.subarray(offset, offset + length)), `${offset}+${length}`).to.equal(true);
    }
    // Owner only: the directory and the file.
    expect((await stat(dir)).mode & 0o777).to.equal(0o700);
    expect((await stat(spool.path)).mode & 0o777).to.equal(0o600);
    await spool.remove();
    await spool.remove();
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it("uses a new key for every spool: the same bytes spool to different ciphertext", async () => {
    const a = await EncryptedSpool.create(root);
    const b = await EncryptedSpool.create(root);
    const clear = Buffer.alloc(64, 1);
    await a.append(clear);
    await b.append(clear);
    expect((await readFile(a.path)).equals(await readFile(b.path))).to.equal(false);
    await a.remove();
    await b.remove();
  });

  it("removes the spools a crash left behind, and makes the directory owner-only", async () => {
    const dir = join(root, "spool");
    await mkdir(dir, { mode: 0o755 });
    await writeFile(join(dir, "left-by-a-crash.spool"), randomBytes(100));
    await writeFile(join(dir, "README"), "not a spool");
    expect(await cleanSpoolDir(dir)).to.equal(1);
    expect(await readdir(dir)).to.deep.equal(["README"]);
    expect((await stat(dir)).mode & 0o777).to.equal(0o700);
    // A directory not made yet is made.
    await cleanSpoolDir(join(root, "new"));
    expect((await stat(join(root, "new"))).isDirectory()).to.equal(true);
  });
});
