import { expect } from "chai";
import { CaseStatus, type CaseStatusName, ethers, loadFixture } from "../fixtures.js";

/**
 * CaseSlotLib through CaseSlotHarness: the packing of a case into one word, least significant bit first —
 * creditorId 0..31, agencyId 32..63, assignedAt 64..103, until 104..143, status 144..151, zero above.
 */

const MAX32 = 2n ** 32n - 1n;
const MAX40 = 2n ** 40n - 1n;
const MAX8 = 2n ** 8n - 1n;
const MAX256 = 2n ** 256n - 1n;

const SHIFT = { creditorId: 0n, agencyId: 32n, assignedAt: 64n, until: 104n, status: 144n } as const;
const MASK = { creditorId: MAX32, agencyId: MAX32, assignedAt: MAX40, until: MAX40, status: MAX8 } as const;
type Field = keyof typeof SHIFT;
const FIELDS = Object.keys(SHIFT) as Field[];

/** Bits 152..255: reserved, zero in every packed slot. */
const RESERVED = MAX256 ^ ((1n << 152n) - 1n);

interface Slot {
  creditorId: bigint;
  agencyId: bigint;
  assignedAt: bigint;
  until: bigint;
  status: bigint;
}

const STATUSES = Object.entries(CaseStatus) as [CaseStatusName, bigint][];
const MAX_STATUS = CaseStatus.Closed;

/** The layout the library documents, computed here independently. */
function packed(s: Slot): bigint {
  return FIELDS.reduce((raw, f) => raw | (s[f] << SHIFT[f]), 0n);
}

const ZERO_SLOT: Slot = { creditorId: 0n, agencyId: 0n, assignedAt: 0n, until: 0n, status: 0n };
const MAX_SLOT: Slot = { creditorId: MAX32, agencyId: MAX32, assignedAt: MAX40, until: MAX40, status: MAX_STATUS };

async function deployHarness() {
  return { harness: await ethers.deployContract("CaseSlotHarness") };
}

type Harness = Awaited<ReturnType<typeof deployHarness>>["harness"];

async function pack(h: Harness, s: Slot): Promise<bigint> {
  return h.pack(s.creditorId, s.agencyId, s.assignedAt, s.until, s.status);
}

async function unpack(h: Harness, raw: bigint): Promise<Slot> {
  const [creditorId, agencyId, assignedAt, until, status] = await h.unpack(raw);
  return { creditorId, agencyId, assignedAt, until, status };
}

/** Whether the status holds a mandate (Assigned or Accepted). */
const assigned = (status: bigint) => status === CaseStatus.Assigned || status === CaseStatus.Accepted;

/** A deterministic mix of values for every field. */
function samples(): Slot[] {
  const values = {
    creditorId: [0n, 1n, 6n, 0x12345678n, MAX32 - 1n, MAX32],
    agencyId: [0n, 1n, 3n, 0x9abcdef0n, MAX32 - 1n, MAX32],
    assignedAt: [0n, 1n, 1_767_225_600n, 2n ** 32n, MAX40 - 1n, MAX40],
    until: [0n, 1n, 1_769_904_000n, 2n ** 39n, MAX40 - 1n, MAX40],
  };
  const out: Slot[] = [];
  for (let i = 0; i < 6; i++) {
    for (const [, status] of STATUSES) {
      out.push({
        creditorId: values.creditorId[i] as bigint,
        agencyId: values.agencyId[(i + 1) % 6] as bigint,
        assignedAt: values.assignedAt[(i + 2) % 6] as bigint,
        until: values.until[(i + 3) % 6] as bigint,
        status,
      });
    }
  }
  return out;
}

describe("CaseSlot", () => {
  describe("pack / unpack", () => {
    it("packs the documented layout and round-trips all-zero and all-max slots", async () => {
      const { harness } = await loadFixture(deployHarness);
      expect(await pack(harness, ZERO_SLOT)).to.equal(0n);
      expect(await unpack(harness, 0n)).to.deep.equal(ZERO_SLOT);
      const maxRaw = await pack(harness, MAX_SLOT);
      expect(maxRaw).to.equal(packed(MAX_SLOT));
      expect(maxRaw).to.equal(((1n << 144n) - 1n) | (MAX_STATUS << 144n));
      expect(maxRaw & RESERVED).to.equal(0n);
      expect(await unpack(harness, maxRaw)).to.deep.equal(MAX_SLOT);
    });

    it("round-trips 0, 1, max - 1 and max of each field alone, touching only that field's bits", async () => {
      const { harness } = await loadFixture(deployHarness);
      for (const f of FIELDS) {
        const max = f === "status" ? MAX_STATUS : MASK[f];
        for (const v of [0n, 1n, max - 1n, max]) {
          const slot = { ...ZERO_SLOT, [f]: v };
          const raw = await pack(harness, slot);
          expect(raw, `${f} = ${v}`).to.equal(v << SHIFT[f]);
          // No bit outside the field's range.
          expect(raw & ~(MASK[f] << SHIFT[f]), `${f} = ${v}`).to.equal(0n);
          expect(await unpack(harness, raw), `${f} = ${v}`).to.deep.equal(slot);
        }
      }
    });

    it("does not bleed: each field at max with every other at zero, and each at zero with every other at max", async () => {
      const { harness } = await loadFixture(deployHarness);
      for (const f of FIELDS) {
        const onlyThis = { ...ZERO_SLOT, [f]: MAX_SLOT[f] };
        const allButThis = { ...MAX_SLOT, [f]: 0n };
        for (const slot of [onlyThis, allButThis]) {
          const raw = await pack(harness, slot);
          expect(raw, f).to.equal(packed(slot));
          expect(await unpack(harness, raw), f).to.deep.equal(slot);
        }
      }
      // Field boundaries, bit by bit: the highest bit of one field and the lowest of the next.
      for (const [low, high] of [
        ["creditorId", "agencyId"],
        ["agencyId", "assignedAt"],
        ["assignedAt", "until"],
        ["until", "status"],
      ] as [Field, Field][]) {
        const topOfLow = 1n << (SHIFT[high] - 1n);
        const s = await unpack(harness, topOfLow);
        expect(s[low], `${low} top bit`).to.equal(MASK[low] ^ (MASK[low] >> 1n));
        expect(s[high], `${high} from ${low} top bit`).to.equal(0n);
        const bottomOfHigh = 1n << SHIFT[high];
        const t = await unpack(harness, bottomOfHigh);
        expect(t[high], `${high} bottom bit`).to.equal(1n);
        expect(t[low], `${low} from ${high} bottom bit`).to.equal(0n);
      }
    });

    it("round-trips a mix of values for every status", async () => {
      const { harness } = await loadFixture(deployHarness);
      const slots = samples();
      const raws = await Promise.all(slots.map((s) => pack(harness, s)));
      const back = await Promise.all(raws.map((r) => unpack(harness, r)));
      slots.forEach((s, i) => {
        expect(
          raws[i],
          JSON.stringify(s, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
        ).to.equal(packed(s));
        expect(back[i]).to.deep.equal(s);
      });
    });

    it("unpack ignores the reserved bits 152..255", async () => {
      const { harness } = await loadFixture(deployHarness);
      for (const s of [ZERO_SLOT, MAX_SLOT, ...samples().slice(0, 8)]) {
        expect(await unpack(harness, packed(s) | RESERVED)).to.deep.equal(s);
        expect(await unpack(harness, packed(s) | (1n << 152n))).to.deep.equal(s);
        expect(await unpack(harness, packed(s) | (1n << 255n))).to.deep.equal(s);
      }
    });

    it("reverts on a status outside the enum, in pack and in unpack", async () => {
      const { harness } = await loadFixture(deployHarness);
      // As an argument: the ABI decoder refuses it.
      await expect(harness.pack(1, 2, 3, 4, MAX_STATUS + 1n)).to.be.revertedWithoutReason(ethers);
      // In a raw slot: the enum conversion panics (0x21).
      for (const status of [MAX_STATUS + 1n, MAX8]) {
        await expect(harness.unpack(packed({ ...ZERO_SLOT, status }))).to.be.revertedWithPanic(0x21);
        await expect(harness.unpack(packed({ ...MAX_SLOT, status }))).to.be.revertedWithPanic(0x21);
      }
    });
  });

  describe("withStatus / withUntil", () => {
    it("withStatus changes the status only, from and to every status", async () => {
      const { harness } = await loadFixture(deployHarness);
      for (const base of [ZERO_SLOT, MAX_SLOT, ...samples().filter((_, i) => i % 7 === 0)]) {
        const raw = packed(base);
        const results = await Promise.all(STATUSES.map(([, status]) => harness.withStatus(raw, status)));
        STATUSES.forEach(([name, status], i) => {
          expect(results[i], name).to.equal(packed({ ...base, status }));
        });
      }
    });

    it("withStatus keeps the reserved bits as they are", async () => {
      const { harness } = await loadFixture(deployHarness);
      const raw = packed(MAX_SLOT) | RESERVED;
      expect(await harness.withStatus(raw, CaseStatus.Registered)).to.equal(
        packed({ ...MAX_SLOT, status: 1n }) | RESERVED,
      );
      // A corrupt status (0xff) is fully replaced, not or-ed.
      const corrupt = packed({ ...MAX_SLOT, status: MAX8 });
      expect(await harness.withStatus(corrupt, CaseStatus.Assigned)).to.equal(packed({ ...MAX_SLOT, status: 2n }));
      expect(await harness.withStatus(corrupt, CaseStatus.None)).to.equal(packed({ ...MAX_SLOT, status: 0n }));
    });

    it("withUntil changes the mandate end only, at 0, 1, max - 1 and max", async () => {
      const { harness } = await loadFixture(deployHarness);
      for (const base of [ZERO_SLOT, MAX_SLOT, ...samples().filter((_, i) => i % 5 === 0)]) {
        const raw = packed(base);
        for (const until of [0n, 1n, 1_769_904_000n, MAX40 - 1n, MAX40]) {
          const got = await harness.withUntil(raw, until);
          expect(got, `until ${until}`).to.equal(packed({ ...base, until }));
          expect(await unpack(harness, got)).to.deep.equal({ ...base, until });
        }
      }
      // Reserved bits kept.
      expect(await harness.withUntil(packed(MAX_SLOT) | RESERVED, 0n)).to.equal(
        packed({ ...MAX_SLOT, until: 0n }) | RESERVED,
      );
    });

    it("withUntil then withStatus (and the other way round) compose", async () => {
      const { harness } = await loadFixture(deployHarness);
      const base = samples()[9] as Slot;
      const a = await harness.withStatus(await harness.withUntil(packed(base), 42n), CaseStatus.Accepted);
      const b = await harness.withUntil(await harness.withStatus(packed(base), CaseStatus.Accepted), 42n);
      expect(a).to.equal(b);
      expect(await unpack(harness, a)).to.deep.equal({ ...base, until: 42n, status: CaseStatus.Accepted });
    });
  });

  describe("isExpiredAt / isHeldAt", () => {
    it("holds through `until` inclusive and expires after it, for Assigned and Accepted only", async () => {
      const { harness } = await loadFixture(deployHarness);
      const checks: Promise<void>[] = [];
      for (const until of [0n, 1n, 1_769_904_000n, MAX40 - 1n, MAX40]) {
        for (const [name, status] of STATUSES) {
          for (const other of [ZERO_SLOT, MAX_SLOT]) {
            const raw = packed({ ...other, until, status });
            for (const t of [until - 1n, until, until + 1n]) {
              if (t < 0n) continue;
              const isAssigned = assigned(status);
              const label = `${name}, until ${until}, at ${t}`;
              checks.push(
                (async () => {
                  const [expired, held] = await Promise.all([harness.isExpiredAt(raw, t), harness.isHeldAt(raw, t)]);
                  expect(expired, `expired: ${label}`).to.equal(isAssigned && t > until);
                  expect(held, `held: ${label}`).to.equal(isAssigned && t <= until);
                })(),
              );
            }
          }
        }
      }
      await Promise.all(checks);
    });

    it("handles extreme timestamps: 0 and 2^256 - 1", async () => {
      const { harness } = await loadFixture(deployHarness);
      for (const [name, status] of STATUSES) {
        const raw = packed({ ...MAX_SLOT, status });
        expect(await harness.isHeldAt(raw, 0n), name).to.equal(assigned(status));
        expect(await harness.isExpiredAt(raw, 0n), name).to.equal(false);
        expect(await harness.isHeldAt(raw, MAX256), name).to.equal(false);
        expect(await harness.isExpiredAt(raw, MAX256), name).to.equal(assigned(status));
      }
    });

    it("reads only the status and until fields (the others, and reserved bits, do not matter)", async () => {
      const { harness } = await loadFixture(deployHarness);
      const until = 1_769_904_000n;
      for (const status of [CaseStatus.Assigned, CaseStatus.Accepted, CaseStatus.Returned]) {
        const bare = packed({ ...ZERO_SLOT, until, status });
        const full = packed({ ...MAX_SLOT, until, status }) | RESERVED;
        for (const t of [until, until + 1n]) {
          expect(await harness.isHeldAt(full, t)).to.equal(await harness.isHeldAt(bare, t));
          expect(await harness.isExpiredAt(full, t)).to.equal(await harness.isExpiredAt(bare, t));
        }
      }
      // A status byte outside the enum (never written by pack) panics on the enum conversion.
      const corrupt = packed({ ...ZERO_SLOT, until, status: MAX8 });
      await expect(harness.isHeldAt(corrupt, until)).to.be.revertedWithPanic(0x21);
      await expect(harness.isExpiredAt(corrupt, until + 1n)).to.be.revertedWithPanic(0x21);
    });
  });
});
