import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { digestOf } from "../../../node/cli/file-digest.js";

describe("node/cli/file-digest: what the gateway records of a file the CLI keeps", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), "caseledger-digest-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("streams the file once: SHA-256, size, and the media type by its extension (any case) in the command's table", async () => {
    const bytes = Buffer.alloc(200_000, 7);
    const file = join(dir, "voucher.PNG");
    await writeFile(file, bytes);
    expect(await digestOf(file, { ".png": "image/png" })).to.deep.equal({ contentSha256: createHash("sha256").update(bytes).digest("hex"), contentSize: 200_000, mediaType: "image/png" });
  });

  it("calls an extension the table lacks application/octet-stream, and an empty file has the empty hash", async () => {
    const file = join(dir, "note.jpeg");
    await writeFile(file, "");
    expect(await digestOf(file, { ".jpg": "image/jpeg" })).to.deep.equal({ contentSha256: createHash("sha256").digest("hex"), contentSize: 0, mediaType: "application/octet-stream" });
  });
});
