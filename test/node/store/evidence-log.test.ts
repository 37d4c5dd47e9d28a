import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { expect } from "chai";
import { consistencyProof, inclusionProof, leafHash, rootOf, toHex, verifyConsistency, verifyInclusion } from "../../../node/domain/merkle/index.js";
import { BlobStore, BlobTooLargeError } from "../../../node/store/blob-store.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { AnchorStore } from "../../../node/store/evidence-log/anchor-store.js";
import { EvidenceLog, type RecordDraft } from "../../../node/store/evidence-log/evidence-log.js";
import { consistencyRanges, inclusionRanges, perfectParts } from "../../../node/store/evidence-log/subtrees.js";

const caseKey = (i: number) => `0x${createHash("sha256").update(`case-${i}`).digest("hex")}`;
const draft = (i: number, cases = 3): RecordDraft => ({
  caseKey: caseKey(i % cases),
  kind: "sms",
  contentSha256: createHash("sha256").update(`content ${i}`).digest("hex"),
  contentSize: i,
  mediaType: "text/plain",
  capturedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  kept: false,
  source: "hash",
});
const hexes = (hashes: Uint8Array[]) => hashes.map(toHex);

describe("node/store: the evidence log (RFC 6962 in LevelDB)", function () {
  this.timeout(60_000);
  let dir: string;
  let store: GatewayDatabase;

  const open = async () => {
    store = await openDatabase(dir);
    return EvidenceLog.open(store.kv.evidence, 7, Date.now);
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-evidence-log-"));
  });
  afterEach(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("decomposes ranges into perfect subtrees as RFC 6962 splits them", () => {
    expect(perfectParts({ lo: 0, hi: 11 })).to.deep.equal([{ level: 3, index: 0 }, { level: 1, index: 4 }, { level: 0, index: 10 }]);
    expect(() => perfectParts({ lo: 3, hi: 7 })).to.throw(RangeError);
    expect(inclusionRanges(5, 11)).to.deep.equal([{ lo: 4, hi: 5 }, { lo: 6, hi: 8 }, { lo: 0, hi: 4 }, { lo: 8, hi: 11 }]);
    expect(consistencyRanges(3, 7)).to.deep.equal([{ lo: 2, hi: 3 }, { lo: 3, hi: 4 }, { lo: 0, hi: 2 }, { lo: 4, hi: 7 }]);
  });

  it("gives the reference roots and proofs for every size up to 70, every index and every (m, n)", async () => {
    const log = await open();
    const leaves: Uint8Array[] = [];
    for (let n = 1; n <= 70; n++) {
      const [entry] = await log.append([draft(n)]);
      leaves.push(leafHash(Buffer.from(entry!.record)));
      expect(entry!.index).to.equal(n - 1);
      expect(entry!.leafHash).to.equal(`0x${toHex(leaves[n - 1]!)}`);
      expect(toHex(log.currentRoot())).to.equal(toHex(rootOf(leaves)));
    }
    for (let n = 1; n <= 70; n++) {
      expect(toHex(await log.root(n))).to.equal(toHex(rootOf(leaves, n)), `root ${n}`);
      for (let i = 0; i < n; i++) {
        const proof = await log.inclusionProof(i, n);
        expect(hexes(proof)).to.deep.equal(hexes(inclusionProof(leaves, i, n)), `inclusion ${i} of ${n}`);
        expect(verifyInclusion(leaves[i]!, i, n, proof, rootOf(leaves, n))).to.equal(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = await log.consistencyProof(m, n);
        expect(hexes(proof)).to.deep.equal(hexes(consistencyProof(leaves, m, n)), `consistency ${m}→${n}`);
        expect(verifyConsistency(m, n, rootOf(leaves, m), rootOf(leaves, n), proof)).to.equal(true);
      }
    }
    expect(String(await log.inclusionProof(0, 71).catch((e: Error) => e.message))).to.match(/outside/);
  });

  it("keeps what it acknowledged across a reopen, and goes on from there", async () => {
    let log = await open();
    await log.append(Array.from({ length: 100 }, (_, i) => draft(i)));
    const root = toHex(log.currentRoot());
    await store.close();
    log = await open();
    expect(log.size).to.equal(100);
    expect(toHex(log.currentRoot())).to.equal(root);
    await log.append([draft(100)]);
    const all = await log.entries(Array.from({ length: 101 }, (_, i) => i));
    const leaves = all.map((e) => leafHash(Buffer.from(e!.record)));
    expect(toHex(log.currentRoot())).to.equal(toHex(rootOf(leaves)));
  });

  it("shares one batch between concurrent appends and chains each case's records with prev", async () => {
    const log = await open();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append([draft(i, 2)])));
    expect(results.map((r) => r[0]!.index).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
    const ofCase = await log.entriesOfCase(caseKey(0));
    expect(ofCase).to.have.length(25);
    let prev: string | undefined;
    for (const entry of ofCase) {
      expect((JSON.parse(entry.record) as { prev?: string }).prev).to.equal(prev);
      prev = entry.leafHash;
    }
    expect(await log.countOfCase(caseKey(1))).to.equal(25);
    expect(await log.entriesOfCase(caseKey(9))).to.deep.equal([]);
  });

  it("lists a case past its chunks of 256 and pages with after/limit", async () => {
    const log = await open();
    await log.append(Array.from({ length: 600 }, (_, i) => draft(i, 1)));
    const all = await log.entriesOfCase(caseKey(0), { limit: 1_000 });
    expect(all.map((e) => e.index)).to.deep.equal(Array.from({ length: 600 }, (_, i) => i));
    expect((await log.entriesOfCase(caseKey(0), { after: 500, limit: 10 })).map((e) => e.index)).to.deep.equal(Array.from({ length: 10 }, (_, i) => 501 + i));
  });

  it("refuses an invalid record without writing anything", async () => {
    const log = await open();
    expect(String(await log.append([draft(1), { ...draft(2), mediaType: "not a type" }]).catch((e: Error) => e.message))).to.match(/invalid evidence record/);
    expect(log.size).to.equal(0);
    await log.append([draft(3)]);
    expect(log.size).to.equal(1);
  });

  it("keeps anchors by size and finds the first one covering a record", async () => {
    store = await openDatabase(dir);
    const anchors = new AnchorStore(store.kv.evidence);
    const anchor = (treeSize: number) => ({ treeSize, root: `0x${"1".repeat(64)}`, chainId: 1, contract: `0x${"2".repeat(40)}`, txHash: `0x${"3".repeat(64)}`, blockNumber: treeSize, blockTime: 1000 + treeSize });
    await anchors.setInflight({ treeSize: 10, root: "0x", txHash: "0x1", nonce: 0, previousTreeSize: 0, signedAt: "" });
    await anchors.recordAnchored(anchor(10));
    await anchors.recordAnchored(anchor(25));
    expect(await anchors.inflight()).to.equal(undefined);
    expect((await anchors.covering(9))?.treeSize).to.equal(10);
    expect((await anchors.covering(10))?.treeSize).to.equal(25);
    expect(await anchors.covering(25)).to.equal(undefined);
    expect((await anchors.latest())?.treeSize).to.equal(25);
    expect(await anchors.forgetAbove(10)).to.equal(1);
    expect((await anchors.latest())?.treeSize).to.equal(10);
  });
});

describe("node/store: the blob store", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-blobs-"));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("stores content under sha256/ab/cd/<hash> via a temporary file, once", async () => {
    const blobs = new BlobStore(dir);
    const data = Buffer.from("synthetic letter");
    const put = await blobs.put(Readable.from([data.subarray(0, 5), data.subarray(5)]), { keep: true, maxBytes: 1_000 });
    const sha = createHash("sha256").update(data).digest("hex");
    expect(put).to.deep.equal({ sha256: sha, size: data.length, kept: true });
    expect(blobs.pathOf(sha)).to.equal(join(dir, "blobs", "sha256", sha.slice(0, 2), sha.slice(2, 4), sha));
    expect((await readFile(blobs.pathOf(sha))).equals(data)).to.equal(true);
    await blobs.put(Readable.from([data]), { keep: true, maxBytes: 1_000 });
    expect(await readdir(join(dir, "blobs", "tmp"))).to.deep.equal([]);
    const empty = await blobs.put(Readable.from([]), { keep: true, maxBytes: 1_000 });
    expect(empty.size).to.equal(0);
    expect(await blobs.has(empty.sha256)).to.equal(true);
  });

  it("stops past the size limit and leaves nothing behind", async () => {
    const blobs = new BlobStore(dir);
    const error = await blobs.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { keep: true, maxBytes: 1_000 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BlobTooLargeError);
    expect(await readdir(join(dir, "blobs", "tmp"))).to.deep.equal([]);
    expect(await blobs.cleanTemporary()).to.equal(0);
  });
});
