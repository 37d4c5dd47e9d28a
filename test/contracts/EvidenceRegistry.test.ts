import { expect } from "chai";
import { deployConsortium, ethers, loadFixture, MemberStatus, Role, time } from "./fixtures.js";
import {
  consistencyProof,
  type Hash,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  toBytes32,
} from "../../node/domain/merkle/index.js";

/**
 * A member's evidence log as its gateway keeps it, with synthetic records: the leaves, and the heads and
 * proofs of the TypeScript RFC 6962 reference, as bytes32 hex for the contract.
 */
class EvidenceLog {
  readonly records: Uint8Array[];
  readonly leaves: Hash[];

  constructor(
    readonly label: string,
    count: number,
  ) {
    this.records = Array.from({ length: count }, (_, i) =>
      ethers.toUtf8Bytes(
        JSON.stringify({ log: label, seq: i, kind: ["handover", "call", "letter", "receipt"][i % 4] }),
      ),
    );
    this.leaves = this.records.map((r) => leafHash(r));
  }

  /** The same log with record `index` replaced: a rewritten history. */
  rewritten(index: number): EvidenceLog {
    const copy = new EvidenceLog(this.label, this.records.length);
    const record = ethers.toUtf8Bytes(`rewritten ${this.label} ${index}`);
    copy.records[index] = record;
    copy.leaves[index] = leafHash(record);
    return copy;
  }

  root(size: number): string {
    return toBytes32(rootOf(this.leaves, size));
  }

  leaf(index: number): string {
    return toBytes32(this.leaves[index] as Hash);
  }

  record(index: number): Uint8Array {
    return this.records[index] as Uint8Array;
  }

  consistency(oldSize: number, newSize: number): string[] {
    return consistencyProof(this.leaves, oldSize, newSize).map(toBytes32);
  }

  inclusion(index: number, size: number): string[] {
    return inclusionProof(this.leaves, index, size).map(toBytes32);
  }
}

const ZERO = ethers.ZeroHash;

/** The fields of a Checkpoint struct as returned by the contract. */
function fields(cp: { root: string; treeSize: bigint; anchoredAt: bigint; blockNumber: bigint }) {
  return { root: cp.root, treeSize: cp.treeSize, anchoredAt: cp.anchoredAt, blockNumber: cp.blockNumber };
}

const EMPTY = { root: ZERO, treeSize: 0n, anchoredAt: 0n, blockNumber: 0n };

/** A bytes32 that is no leaf or node of any log here. */
const junk = (i: number) => ethers.keccak256(ethers.toUtf8Bytes(`junk ${i}`));

/** The lender's log of 13 records, anchored at size 5 then 8; the court's own log anchored at 3. */
async function anchoredFixture() {
  const c = await deployConsortium();
  const log = new EvidenceLog("lender", 13);
  const courtLog = new EvidenceLog("court", 6);
  const er = c.evidenceRegistry;
  await er.connect(c.lender).anchor(5, log.root(5), []);
  await er.connect(c.lender).anchor(8, log.root(8), log.consistency(5, 8));
  await er.connect(c.court).anchor(3, courtLog.root(3), []);
  return { ...c, log, courtLog };
}

describe("EvidenceRegistry", () => {
  it("memberRegistry() is the registry it was deployed with", async () => {
    const c = await loadFixture(deployConsortium);
    expect(await c.evidenceRegistry.memberRegistry()).to.equal(await c.memberRegistry.getAddress());
  });

  it("knows no checkpoint before any anchor", async () => {
    const c = await loadFixture(deployConsortium);
    for (const id of [0, c.ids.lender, c.ids.court, 99]) {
      expect(fields(await c.evidenceRegistry.latestCheckpoint(id))).to.deep.equal(EMPTY);
      expect(await c.evidenceRegistry.rootAt(id, 1)).to.equal(ZERO);
      expect(await c.evidenceRegistry.rootAt(id, 0)).to.equal(ZERO);
    }
  });

  describe("anchor", () => {
    it("anchors a first checkpoint without a proof, with root, size, block time and block number", async () => {
      const c = await loadFixture(deployConsortium);
      const log = new EvidenceLog("lender", 5);
      const at = (await time.latest()) + 1000;
      await time.setNextBlockTimestamp(at);
      const tx = await c.evidenceRegistry.connect(c.lender).anchor(5, log.root(5), []);
      await expect(tx).to.emit(c.evidenceRegistry, "CheckpointAnchored").withArgs(c.ids.lender, 5, log.root(5), 0);
      const receipt = await tx.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      expect(block!.timestamp).to.equal(at);
      const expected = {
        root: log.root(5),
        treeSize: 5n,
        anchoredAt: BigInt(at),
        blockNumber: BigInt(receipt!.blockNumber),
      };
      expect(fields(await c.evidenceRegistry.latestCheckpoint(c.ids.lender))).to.deep.equal(expected);
      expect(await c.evidenceRegistry.rootAt(c.ids.lender, 5)).to.equal(log.root(5));
      // Nothing at the sizes it skipped.
      for (const s of [0, 1, 4, 6]) expect(await c.evidenceRegistry.rootAt(c.ids.lender, s)).to.equal(ZERO);
    });

    it("anchors a first checkpoint of one record (root = its leaf hash)", async () => {
      const c = await loadFixture(deployConsortium);
      const log = new EvidenceLog("agency", 1);
      expect(log.root(1)).to.equal(log.leaf(0));
      await expect(c.evidenceRegistry.connect(c.agency).anchor(1, log.root(1), []))
        .to.emit(c.evidenceRegistry, "CheckpointAnchored")
        .withArgs(c.ids.agency, 1, log.leaf(0), 0);
      expect((await c.evidenceRegistry.latestCheckpoint(c.ids.agency)).treeSize).to.equal(1n);
    });

    it("rejects a proof on the first checkpoint: EvidenceRegistryUnexpectedProof", async () => {
      const c = await loadFixture(deployConsortium);
      const log = new EvidenceLog("lender", 8);
      const er = c.evidenceRegistry.connect(c.lender);
      await expect(er.anchor(8, log.root(8), log.consistency(2, 8)))
        .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryUnexpectedProof")
        .withArgs(c.ids.lender, 2);
      await expect(er.anchor(8, log.root(8), [log.root(8)]))
        .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryUnexpectedProof")
        .withArgs(c.ids.lender, 1);
      await expect(er.anchor(1, log.root(1), [ZERO, ZERO, ZERO]))
        .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryUnexpectedProof")
        .withArgs(c.ids.lender, 3);
      expect(fields(await c.evidenceRegistry.latestCheckpoint(c.ids.lender))).to.deep.equal(EMPTY);
    });

    it("anchors later checkpoints with consistency proofs from the reference, each naming the previous size", async () => {
      const c = await loadFixture(deployConsortium);
      const log = new EvidenceLog("lender", 100);
      const er = c.evidenceRegistry.connect(c.lender);
      // Complete and incomplete old trees, steps of one and of many.
      const sizes = [1, 2, 3, 4, 8, 13, 16, 17, 31, 32, 64, 65, 100];
      let previous = 0;
      for (const size of sizes) {
        const proof = previous === 0 ? [] : log.consistency(previous, size);
        await time.increase(3600);
        const tx = await er.anchor(size, log.root(size), proof);
        await expect(tx)
          .to.emit(c.evidenceRegistry, "CheckpointAnchored")
          .withArgs(c.ids.lender, size, log.root(size), previous);
        const receipt = await tx.wait();
        const block = await ethers.provider.getBlock(receipt!.blockNumber);
        // The latest checkpoint is the new one, with its own time and block.
        expect(fields(await c.evidenceRegistry.latestCheckpoint(c.ids.lender))).to.deep.equal({
          root: log.root(size),
          treeSize: BigInt(size),
          anchoredAt: BigInt(block!.timestamp),
          blockNumber: BigInt(receipt!.blockNumber),
        });
        expect(await c.evidenceRegistry.rootAt(c.ids.lender, size)).to.equal(log.root(size));
        previous = size;
      }
    });

    it("rejects a checkpoint that does not grow: EvidenceRegistryStaleCheckpoint", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry.connect(c.lender);
      const { log } = c;
      // The same size, even with the same root and the empty proof of equal trees.
      await expect(er.anchor(8, log.root(8), []))
        .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryStaleCheckpoint")
        .withArgs(c.ids.lender, 8, 8);
      // Smaller sizes: the previous checkpoint, and ones never anchored.
      for (const size of [7, 5, 2, 1]) {
        await expect(er.anchor(size, log.root(size), []))
          .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryStaleCheckpoint")
          .withArgs(c.ids.lender, size, 8);
      }
      await expect(er.anchor(5, log.root(5), log.consistency(5, 8)))
        .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryStaleCheckpoint")
        .withArgs(c.ids.lender, 5, 8);
      expect((await c.evidenceRegistry.latestCheckpoint(c.ids.lender)).treeSize).to.equal(8n);
    });

    it("rejects a rewritten log: EvidenceRegistryInconsistentCheckpoint", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry.connect(c.lender);
      for (const changed of [0, 3, 7]) {
        // Record `changed` (already anchored at size 8) replaced, then the log extended to 12.
        const forged = c.log.rewritten(changed);
        expect(forged.root(12)).to.not.equal(c.log.root(12));
        // The forger's own proof, and the honest proof, both fail against the anchored head at 8.
        for (const proof of [forged.consistency(8, 12), c.log.consistency(8, 12)]) {
          await expect(er.anchor(12, forged.root(12), proof))
            .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryInconsistentCheckpoint")
            .withArgs(c.ids.lender, 8, 12);
        }
      }
      // A fork: a different record appended at 8 (not yet anchored) is fine, it is the log's future.
      const fork = c.log.rewritten(8);
      await expect(er.anchor(12, fork.root(12), fork.consistency(8, 12)))
        .to.emit(c.evidenceRegistry, "CheckpointAnchored")
        .withArgs(c.ids.lender, 12, fork.root(12), 8);
    });

    it("rejects wrong consistency proofs: EvidenceRegistryInconsistentCheckpoint", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry.connect(c.lender);
      const { log } = c;
      // From 11, a tree that is not a power of two, the proof to 13 has five hashes.
      await er.anchor(11, log.root(11), log.consistency(8, 11));
      const proof = log.consistency(11, 13);
      expect(proof.length).to.equal(5);
      const wrongProofs: [string, string[]][] = [
        ["empty", []],
        ["truncated", proof.slice(0, -1)],
        ["first hash dropped", proof.slice(1)],
        ["extended", [...proof, junk(1)]],
        ["prepended", [junk(1), ...proof]],
        ["reversed", [...proof].reverse()],
        ["from the previous checkpoint 8", log.consistency(8, 13)],
        ["from an older size 4", log.consistency(4, 13)],
        ["from 10", log.consistency(10, 13)],
        ["to another size 12", log.consistency(11, 12)],
        ["65 hashes", Array.from({ length: 65 }, (_, i) => junk(i))],
      ];
      for (let i = 0; i < proof.length; i++) {
        const flipped = [...proof];
        flipped[i] = ethers.toBeHex(BigInt(proof[i] as string) ^ (1n << BigInt(8 * i)), 32);
        wrongProofs.push([`hash ${i} with a byte flipped`, flipped]);
      }
      for (const [what, p] of wrongProofs) {
        await expect(er.anchor(13, log.root(13), p), what)
          .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryInconsistentCheckpoint")
          .withArgs(c.ids.lender, 11, 13);
      }
      // The right proof with a wrong root: another size's, or random.
      for (const root of [log.root(12), log.root(11), junk(2)]) {
        await expect(er.anchor(13, root, proof))
          .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryInconsistentCheckpoint")
          .withArgs(c.ids.lender, 11, 13);
      }
      expect(await c.evidenceRegistry.rootAt(c.ids.lender, 13)).to.equal(ZERO);
      expect((await c.evidenceRegistry.latestCheckpoint(c.ids.lender)).treeSize).to.equal(11n);
      // And the right proof still goes through after all those failures.
      await expect(er.anchor(13, log.root(13), proof))
        .to.emit(c.evidenceRegistry, "CheckpointAnchored")
        .withArgs(c.ids.lender, 13, log.root(13), 11);
    });

    it("rejects an empty checkpoint (size 0 or zero root): EvidenceRegistryEmptyCheckpoint, before anything else", async () => {
      const c = await loadFixture(anchoredFixture);
      const { log } = c;
      // A member with nothing anchored yet (checked before UnexpectedProof)…
      const fresh = c.evidenceRegistry.connect(c.agency);
      for (const [size, root, proof] of [
        [0, log.root(5), []],
        [5, ZERO, []],
        [0, ZERO, []],
        [0, log.root(5), [junk(0)]],
        [5, ZERO, [junk(0)]],
      ] as [number, string, string[]][]) {
        await expect(fresh.anchor(size, root, proof)).to.be.revertedWithCustomError(
          c.evidenceRegistry,
          "EvidenceRegistryEmptyCheckpoint",
        );
      }
      // …and one with checkpoints (checked before StaleCheckpoint and the proof).
      const er = c.evidenceRegistry.connect(c.lender);
      await expect(er.anchor(0, log.root(8), [])).to.be.revertedWithCustomError(
        c.evidenceRegistry,
        "EvidenceRegistryEmptyCheckpoint",
      );
      await expect(er.anchor(13, ZERO, log.consistency(8, 13))).to.be.revertedWithCustomError(
        c.evidenceRegistry,
        "EvidenceRegistryEmptyCheckpoint",
      );
      await expect(er.anchor(0, ZERO, [])).to.be.revertedWithCustomError(
        c.evidenceRegistry,
        "EvidenceRegistryEmptyCheckpoint",
      );
      expect(fields(await c.evidenceRegistry.latestCheckpoint(c.ids.agency))).to.deep.equal(EMPTY);
      expect((await c.evidenceRegistry.latestCheckpoint(c.ids.lender)).treeSize).to.equal(8n);
      expect(await c.evidenceRegistry.rootAt(c.ids.lender, 13)).to.equal(ZERO);
    });

    it("is open to every active member whatever its roles, and to nobody else", async () => {
      const c = await loadFixture(deployConsortium);
      const log = new EvidenceLog("any", 3);
      for (const [who, id] of [
        [c.lender, c.ids.lender],
        [c.agency, c.ids.agency],
        [c.court, c.ids.court],
        [c.amc, c.ids.amc],
      ] as const) {
        await expect(c.evidenceRegistry.connect(who).anchor(3, log.root(3), []))
          .to.emit(c.evidenceRegistry, "CheckpointAnchored")
          .withArgs(id, 3, log.root(3), 0);
      }
      // The operator account is not a member.
      await expect(c.evidenceRegistry.connect(c.operator).anchor(3, log.root(3), []))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryUnknownSigner")
        .withArgs(c.operator.address);
      await expect(c.evidenceRegistry.connect(c.stranger).anchor(3, log.root(3), []))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryUnknownSigner")
        .withArgs(c.stranger.address);
      // Membership is checked first, even for an empty checkpoint.
      await expect(c.evidenceRegistry.connect(c.stranger).anchor(0, ZERO, []))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryUnknownSigner")
        .withArgs(c.stranger.address);
    });

    it("refuses a suspended member, and accepts it again once reinstated", async () => {
      const c = await loadFixture(anchoredFixture);
      await c.memberRegistry.suspend(c.ids.lender);
      const er = c.evidenceRegistry.connect(c.lender);
      await expect(er.anchor(13, c.log.root(13), c.log.consistency(8, 13)))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryMemberNotActive")
        .withArgs(c.ids.lender, MemberStatus.Suspended);
      // Its anchored checkpoints stay readable and verifiable meanwhile.
      expect(
        await c.evidenceRegistry.verifyInclusion(c.ids.lender, 8, 2, c.log.leaf(2), c.log.inclusion(2, 8)),
      ).to.equal(true);
      await c.memberRegistry.reinstate(c.ids.lender);
      await expect(er.anchor(13, c.log.root(13), c.log.consistency(8, 13)))
        .to.emit(c.evidenceRegistry, "CheckpointAnchored")
        .withArgs(c.ids.lender, 13, c.log.root(13), 8);
    });

    it("keeps a member's log across a signer rotation; the retired key can no longer anchor", async () => {
      const c = await loadFixture(anchoredFixture);
      await c.memberRegistry.connect(c.lender).rotateSigner(c.ids.lender, c.spare1.address);
      await expect(c.evidenceRegistry.connect(c.lender).anchor(13, c.log.root(13), c.log.consistency(8, 13)))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryRetiredSigner")
        .withArgs(c.lender.address, c.ids.lender);
      // The new key continues the same log: its next anchor must be consistent with size 8.
      await expect(c.evidenceRegistry.connect(c.spare1).anchor(13, c.log.root(13), []))
        .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryInconsistentCheckpoint")
        .withArgs(c.ids.lender, 8, 13);
      await expect(c.evidenceRegistry.connect(c.spare1).anchor(13, c.log.root(13), c.log.consistency(8, 13)))
        .to.emit(c.evidenceRegistry, "CheckpointAnchored")
        .withArgs(c.ids.lender, 13, c.log.root(13), 8);
    });

    it("keeps members' logs independent of each other", async () => {
      const c = await loadFixture(deployConsortium);
      const a = new EvidenceLog("lender", 20);
      const b = new EvidenceLog("agency", 20);
      const er = c.evidenceRegistry;
      await er.connect(c.lender).anchor(10, a.root(10), []);
      // The agency starts its own log: a first anchor, smaller than the lender's, no proof.
      await expect(er.connect(c.agency).anchor(4, b.root(4), []))
        .to.emit(er, "CheckpointAnchored")
        .withArgs(c.ids.agency, 4, b.root(4), 0);
      // The same size in two logs: two checkpoints.
      await er.connect(c.agency).anchor(10, b.root(10), b.consistency(4, 10));
      expect(await er.rootAt(c.ids.lender, 10)).to.equal(a.root(10));
      expect(await er.rootAt(c.ids.agency, 10)).to.equal(b.root(10));
      expect(await er.rootAt(c.ids.agency, 4)).to.equal(b.root(4));
      expect(await er.rootAt(c.ids.lender, 4)).to.equal(ZERO);
      // One member's proof does not extend another member's log, even for the same sizes.
      await expect(er.connect(c.agency).anchor(20, a.root(20), a.consistency(10, 20)))
        .to.be.revertedWithCustomError(er, "EvidenceRegistryInconsistentCheckpoint")
        .withArgs(c.ids.agency, 10, 20);
      await expect(er.connect(c.lender).anchor(20, b.root(20), b.consistency(10, 20)))
        .to.be.revertedWithCustomError(er, "EvidenceRegistryInconsistentCheckpoint")
        .withArgs(c.ids.lender, 10, 20);
      // Staleness is per member.
      await expect(er.connect(c.court).anchor(2, a.root(2), []))
        .to.emit(er, "CheckpointAnchored")
        .withArgs(c.ids.court, 2, a.root(2), 0);
      await expect(er.connect(c.lender).anchor(20, a.root(20), a.consistency(10, 20)))
        .to.emit(er, "CheckpointAnchored")
        .withArgs(c.ids.lender, 20, a.root(20), 10);
      expect((await er.latestCheckpoint(c.ids.lender)).treeSize).to.equal(20n);
      expect((await er.latestCheckpoint(c.ids.agency)).treeSize).to.equal(10n);
      expect((await er.latestCheckpoint(c.ids.court)).treeSize).to.equal(2n);
      // Inclusion is checked against the member's own checkpoint.
      expect(await er.verifyInclusion(c.ids.lender, 10, 3, a.leaf(3), a.inclusion(3, 10))).to.equal(true);
      expect(await er.verifyInclusion(c.ids.agency, 10, 3, a.leaf(3), a.inclusion(3, 10))).to.equal(false);
    });

    it("keeps every anchored checkpoint queryable and verifiable after many later anchors", async () => {
      const c = await loadFixture(deployConsortium);
      const log = new EvidenceLog("lender", 300);
      const er = c.evidenceRegistry.connect(c.lender);
      const anchored: { size: number; anchoredAt: bigint; blockNumber: bigint }[] = [];
      let size = 0;
      for (let k = 0; k < 30; k++) {
        const next = size + 1 + ((k * 7) % 17);
        await time.increase(60 + k);
        const tx = await er.anchor(next, log.root(next), size === 0 ? [] : log.consistency(size, next));
        const receipt = await tx.wait();
        const block = await ethers.provider.getBlock(receipt!.blockNumber);
        anchored.push({ size: next, anchoredAt: BigInt(block!.timestamp), blockNumber: BigInt(receipt!.blockNumber) });
        size = next;
      }
      const er0 = c.evidenceRegistry;
      for (const [k, a] of anchored.entries()) {
        expect(await er0.rootAt(c.ids.lender, a.size)).to.equal(log.root(a.size));
        // Time and block of an older checkpoint: in its CheckpointAnchored event, found by (member, size).
        const events = await er0.queryFilter(er0.filters.CheckpointAnchored(c.ids.lender, a.size));
        expect(events.length).to.equal(1);
        const event = events[0]!;
        expect(BigInt(event.blockNumber)).to.equal(a.blockNumber);
        expect(BigInt((await event.getBlock()).timestamp)).to.equal(a.anchoredAt);
        expect(event.args.root).to.equal(log.root(a.size));
        expect(event.args.previousTreeSize).to.equal(BigInt(k === 0 ? 0 : anchored[k - 1]!.size));
        // The first, the last and a middle record of each checkpoint still verify against it.
        for (const i of [0, a.size - 1, (k * 5) % a.size]) {
          expect(
            await c.evidenceRegistry.verifyInclusion(c.ids.lender, a.size, i, log.leaf(i), log.inclusion(i, a.size)),
            `${i}/${a.size}`,
          ).to.equal(true);
          expect(
            await c.evidenceRegistry.verifyRecord(c.ids.lender, a.size, i, log.record(i), log.inclusion(i, a.size)),
          ).to.equal(true);
        }
        // Sizes in between were never anchored.
        if (k > 0 && (anchored[k - 1]?.size ?? 0) + 1 < a.size) {
          await expect(
            c.evidenceRegistry.verifyInclusion(c.ids.lender, a.size - 1, 0, log.leaf(0), log.inclusion(0, a.size - 1)),
          )
            .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryUnknownCheckpoint")
            .withArgs(c.ids.lender, a.size - 1);
        }
      }
      const last = anchored[anchored.length - 1]!;
      expect(fields(await c.evidenceRegistry.latestCheckpoint(c.ids.lender))).to.deep.equal({
        root: log.root(last.size),
        treeSize: BigInt(last.size),
        anchoredAt: last.anchoredAt,
        blockNumber: last.blockNumber,
      });
      // Block times grow with the anchors.
      for (let k = 1; k < anchored.length; k++)
        expect(anchored[k]!.anchoredAt > anchored[k - 1]!.anchoredAt).to.equal(true);
    });

    // RFC 9162 limitation, documented on IEvidenceRegistry.recordVerification: a consistency proof binds the old
    // size but not the new one, so `anchor` accepts a tree size that is not the size of the tree whose root it
    // stores. Here the lender anchors its 1-record head, then the head of a 4-record log under tree size 3 with
    // the 1 → 4 proof. An interior node (h(2,3)) then passes verifyInclusion as "leaf 2", but no record hashes
    // to it, so neither verifyRecord nor a court's recordVerification (which hashes the record) can be fooled.
    it("accepts a checkpoint whose tree size is not its root's, but no record verifies through it falsely", async () => {
      const c = await loadFixture(deployConsortium);
      const log = new EvidenceLog("lender", 4);
      const er = c.evidenceRegistry;
      await er.connect(c.lender).anchor(1, log.root(1), []);
      await expect(er.connect(c.lender).anchor(3, log.root(4), log.consistency(1, 4)))
        .to.emit(er, "CheckpointAnchored")
        .withArgs(c.ids.lender, 3, log.root(4), 1);
      const h01 = toBytes32(nodeHash(log.leaves[0] as Hash, log.leaves[1] as Hash));
      const h23 = toBytes32(nodeHash(log.leaves[2] as Hash, log.leaves[3] as Hash));
      expect(await er.verifyInclusion(c.ids.lender, 3, 2, h23, [h01])).to.equal(true);
      await expect(er.connect(c.court).recordVerification(c.ids.lender, 3, 2, log.record(2), [h01]))
        .to.be.revertedWithCustomError(er, "EvidenceRegistryInvalidInclusionProof")
        .withArgs(c.ids.lender, 3, 2);
      await expect(er.connect(c.court).recordVerification(c.ids.lender, 3, 2, ethers.getBytes(h23), [h01]))
        .to.be.revertedWithCustomError(er, "EvidenceRegistryInvalidInclusionProof")
        .withArgs(c.ids.lender, 3, 2);
      // No record hashes to an interior node, so verifyRecord cannot be fooled the same way.
      expect(await er.verifyRecord(c.ids.lender, 3, 2, log.record(2), [h01])).to.equal(false);
    });
  });

  describe("verifyInclusion and verifyRecord", () => {
    it("verifies every record of every anchored checkpoint, by leaf hash and by record bytes", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry;
      for (const size of [5, 8]) {
        for (let i = 0; i < size; i++) {
          const proof = c.log.inclusion(i, size);
          expect(await er.verifyInclusion(c.ids.lender, size, i, c.log.leaf(i), proof), `${i}/${size}`).to.equal(true);
          expect(await er.verifyRecord(c.ids.lender, size, i, c.log.record(i), proof), `${i}/${size}`).to.equal(true);
        }
      }
      for (let i = 0; i < 3; i++) {
        const proof = c.courtLog.inclusion(i, 3);
        expect(await er.verifyRecord(c.ids.court, 3, i, c.courtLog.record(i), proof)).to.equal(true);
      }
    });

    it("returns false (no revert) for a wrong record, leaf, index or proof against an anchored checkpoint", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry;
      const { log } = c;
      const proof = log.inclusion(3, 8);
      const id = c.ids.lender;
      expect(await er.verifyInclusion(id, 8, 3, log.leaf(4), proof)).to.equal(false);
      expect(await er.verifyInclusion(id, 8, 3, junk(0), proof)).to.equal(false);
      expect(await er.verifyInclusion(id, 8, 2, log.leaf(3), proof)).to.equal(false);
      expect(await er.verifyInclusion(id, 8, 8, log.leaf(3), proof)).to.equal(false);
      expect(await er.verifyInclusion(id, 8, 3, log.leaf(3), proof.slice(1))).to.equal(false);
      expect(await er.verifyInclusion(id, 8, 3, log.leaf(3), [...proof, junk(1)])).to.equal(false);
      expect(await er.verifyInclusion(id, 8, 3, log.leaf(3), [])).to.equal(false);
      expect(
        await er.verifyInclusion(
          id,
          8,
          3,
          log.leaf(3),
          Array.from({ length: 65 }, (_, i) => junk(i)),
        ),
      ).to.equal(false);
      // A proof for another size, against this size's root.
      expect(await er.verifyInclusion(id, 8, 3, log.leaf(3), log.inclusion(3, 5))).to.equal(false);
      expect(await er.verifyInclusion(id, 5, 3, log.leaf(3), proof)).to.equal(false);
      // A record not anchored yet (it is in the log at 9, not in the checkpoint at 8).
      expect(await er.verifyRecord(id, 8, 7, log.record(8), log.inclusion(7, 8))).to.equal(false);
      // verifyRecord hashes the bytes it is given: the record must be the raw bytes, not their leaf hash.
      expect(await er.verifyRecord(id, 8, 3, log.record(3), proof)).to.equal(true);
      expect(await er.verifyRecord(id, 8, 3, log.leaf(3), proof)).to.equal(false);
      expect(await er.verifyRecord(id, 8, 3, log.record(4), proof)).to.equal(false);
      expect(await er.verifyRecord(id, 8, 3, new Uint8Array([...log.record(3), 0]), proof)).to.equal(false);
      expect(await er.verifyRecord(id, 8, 3, "0x", proof)).to.equal(false);
      // The interior-node/leaf separation: the two children of a node are no record.
      const n01 = ethers.concat([log.leaf(0), log.leaf(1)]);
      expect(await er.verifyRecord(id, 8, 0, n01, log.inclusion(0, 8).slice(1))).to.equal(false);
    });

    it("verifies an empty record and a large record by their bytes", async () => {
      const c = await loadFixture(deployConsortium);
      const records = [new Uint8Array(0), new Uint8Array(5000).fill(7)];
      const leaves = records.map((r) => leafHash(r));
      await c.evidenceRegistry.connect(c.lender).anchor(2, toBytes32(rootOf(leaves)), []);
      for (const i of [0, 1]) {
        const proof = inclusionProof(leaves, i).map(toBytes32);
        expect(await c.evidenceRegistry.verifyRecord(c.ids.lender, 2, i, records[i]!, proof)).to.equal(true);
      }
    });

    it("reverts with EvidenceRegistryUnknownCheckpoint for a checkpoint never anchored", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry;
      const { log } = c;
      const cases: [number, number | bigint][] = [
        [c.ids.lender, 0],
        [c.ids.lender, 1],
        [c.ids.lender, 6],
        [c.ids.lender, 13],
        [c.ids.lender, 2n ** 64n - 1n],
        [c.ids.agency, 8], // a member with no checkpoint at all
        [c.ids.court, 8], // a member whose checkpoints are at other sizes
        [99, 5], // no such member
        [0, 0],
      ];
      for (const [id, size] of cases) {
        await expect(er.verifyInclusion(id, size, 0, log.leaf(0), []))
          .to.be.revertedWithCustomError(er, "EvidenceRegistryUnknownCheckpoint")
          .withArgs(id, size);
        await expect(er.verifyRecord(id, size, 0, log.record(0), []))
          .to.be.revertedWithCustomError(er, "EvidenceRegistryUnknownCheckpoint")
          .withArgs(id, size);
      }
      // Even with the proof that would be valid, had the checkpoint been anchored.
      await expect(er.verifyInclusion(c.ids.lender, 6, 2, log.leaf(2), log.inclusion(2, 6)))
        .to.be.revertedWithCustomError(er, "EvidenceRegistryUnknownCheckpoint")
        .withArgs(c.ids.lender, 6);
    });
  });

  describe("recordVerification", () => {
    it("lets a court record a verified record: RecordVerified(courtId, memberId, leafHash, treeSize, leafIndex)", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry;
      const { log } = c;
      await expect(er.connect(c.court).recordVerification(c.ids.lender, 8, 6, log.record(6), log.inclusion(6, 8)))
        .to.emit(er, "RecordVerified")
        .withArgs(c.ids.court, c.ids.lender, log.leaf(6), 8, 6);
      // Against the older checkpoint too.
      await expect(er.connect(c.court).recordVerification(c.ids.lender, 5, 4, log.record(4), log.inclusion(4, 5)))
        .to.emit(er, "RecordVerified")
        .withArgs(c.ids.court, c.ids.lender, log.leaf(4), 5, 4);
      // A member holding COURT among other roles; and a court verifying its own log.
      await expect(er.connect(c.amc).recordVerification(c.ids.lender, 8, 0, log.record(0), log.inclusion(0, 8)))
        .to.emit(er, "RecordVerified")
        .withArgs(c.ids.amc, c.ids.lender, log.leaf(0), 8, 0);
      await expect(
        er.connect(c.court).recordVerification(c.ids.court, 3, 2, c.courtLog.record(2), c.courtLog.inclusion(2, 3)),
      )
        .to.emit(er, "RecordVerified")
        .withArgs(c.ids.court, c.ids.court, c.courtLog.leaf(2), 3, 2);
      // Recording the same verification twice is allowed (it stores nothing).
      await expect(er.connect(c.court).recordVerification(c.ids.lender, 8, 6, log.record(6), log.inclusion(6, 8)))
        .to.emit(er, "RecordVerified")
        .withArgs(c.ids.court, c.ids.lender, log.leaf(6), 8, 6);
    });

    it("reverts with EvidenceRegistryInvalidInclusionProof for a proof that does not verify", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry.connect(c.court);
      const { log } = c;
      const id = c.ids.lender;
      const proof = log.inclusion(6, 8);
      const bad: [number, Uint8Array, string[]][] = [
        [6, log.record(5), proof],
        [6, ethers.toUtf8Bytes("a record that was never logged"), proof],
        [6, ethers.getBytes(log.leaf(6)), proof], // the leaf hash itself is not the record
        [5, log.record(6), proof],
        [6, log.record(6), proof.slice(0, -1)],
        [6, log.record(6), [...proof, junk(4)]],
        [6, log.record(6), []],
        [8, log.record(8), log.inclusion(8, 9)], // not in the checkpoint at 8
        [2 ** 32, log.record(0), proof],
      ];
      for (const [index, leaf, p] of bad) {
        await expect(er.recordVerification(id, 8, index, leaf, p))
          .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryInvalidInclusionProof")
          .withArgs(id, 8, index);
      }
    });

    it("reverts with EvidenceRegistryUnknownCheckpoint for a checkpoint never anchored", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry.connect(c.court);
      const { log } = c;
      for (const [id, size] of [
        [c.ids.lender, 6],
        [c.ids.lender, 0],
        [c.ids.agency, 8],
        [99, 8],
      ] as [number, number][]) {
        await expect(er.recordVerification(id, size, 2, log.record(2), log.inclusion(2, 8)))
          .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryUnknownCheckpoint")
          .withArgs(id, size);
      }
    });

    it("is only for active COURT members, checked before the proof", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry;
      const { log } = c;
      const args = [c.ids.lender, 8, 6, log.record(6), log.inclusion(6, 8)] as const;
      const invalid = [c.ids.lender, 8, 6, ethers.toUtf8Bytes("junk"), [] as string[]] as const;
      const unknown = [c.ids.lender, 7, 6, log.record(6), log.inclusion(6, 8)] as const;
      for (const [who, id] of [
        [c.lender, c.ids.lender],
        [c.lender2, c.ids.lender2],
        [c.agency, c.ids.agency],
      ] as const) {
        for (const a of [args, invalid, unknown]) {
          await expect(er.connect(who).recordVerification(...a))
            .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryMissingRole")
            .withArgs(id, Role.COURT);
        }
      }
      for (const who of [c.stranger, c.operator]) {
        for (const a of [args, invalid]) {
          await expect(er.connect(who).recordVerification(...a))
            .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryUnknownSigner")
            .withArgs(who.address);
        }
      }
      // A suspended court; then reinstated.
      await c.memberRegistry.suspend(c.ids.court);
      await expect(er.connect(c.court).recordVerification(...args))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryMemberNotActive")
        .withArgs(c.ids.court, MemberStatus.Suspended);
      await c.memberRegistry.reinstate(c.ids.court);
      await expect(er.connect(c.court).recordVerification(...args))
        .to.emit(er, "RecordVerified")
        .withArgs(c.ids.court, c.ids.lender, log.leaf(6), 8, 6);
      // A court whose COURT role was withdrawn.
      await c.memberRegistry.setRoles(c.ids.court, Role.LENDER);
      await expect(er.connect(c.court).recordVerification(...args))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryMissingRole")
        .withArgs(c.ids.court, Role.COURT);
    });
  });

  describe("recordBundleVerification", () => {
    const caseKey = `0x${"ca".repeat(32)}`;
    const bundle = `0x${"b0".repeat(32)}`;
    const report = `0x${"e0".repeat(32)}`;
    const zero = ethers.ZeroHash;

    it("lets a court record its verification of a case bundle once: BundleVerified(courtId, caseKey, bundleHash, reportHash, verdict)", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry;
      await expect(er.connect(c.court).recordBundleVerification(caseKey, bundle, report, 1))
        .to.emit(er, "BundleVerified")
        .withArgs(c.ids.court, caseKey, bundle, report, 1);
      // Without a report, and an invalid verdict recorded as such.
      await expect(er.connect(c.amc).recordBundleVerification(caseKey, bundle, zero, 3))
        .to.emit(er, "BundleVerified")
        .withArgs(c.ids.amc, caseKey, bundle, zero, 3);
    });

    it("reverts for no case or no bundle, a verdict out of range, and a caller that is not an active court", async () => {
      const c = await loadFixture(anchoredFixture);
      const er = c.evidenceRegistry.connect(c.court);
      await expect(er.recordBundleVerification(zero, bundle, report, 1))
        .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryZeroBundle")
        .withArgs(zero, bundle);
      await expect(er.recordBundleVerification(caseKey, zero, report, 1))
        .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryZeroBundle")
        .withArgs(caseKey, zero);
      for (const verdict of [0, 4, 255]) {
        await expect(er.recordBundleVerification(caseKey, bundle, report, verdict))
          .to.be.revertedWithCustomError(c.evidenceRegistry, "EvidenceRegistryInvalidVerdict")
          .withArgs(verdict);
      }
      await expect(c.evidenceRegistry.connect(c.lender).recordBundleVerification(caseKey, bundle, report, 1))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryMissingRole")
        .withArgs(c.ids.lender, Role.COURT);
      await expect(c.evidenceRegistry.connect(c.stranger).recordBundleVerification(caseKey, bundle, report, 1))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryUnknownSigner")
        .withArgs(c.stranger.address);
      await c.memberRegistry.suspend(c.ids.court);
      await expect(er.recordBundleVerification(caseKey, bundle, report, 1))
        .to.be.revertedWithCustomError(c.memberRegistry, "MemberRegistryMemberNotActive")
        .withArgs(c.ids.court, MemberStatus.Suspended);
    });
  });
});
