/** CaseRegistry: batch policy (sizes, duplicates, all-or-nothing). Synthetic keys only. */
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { CaseStatus, DAY, ethers, key, keys, loadFixture, NO_TERMS, now } from "../fixtures.js";
import {
  MAX_BATCH,
  MANDATE,
  type Tx,
  world,
  freshWorld,
  debtorOf,
  debtorsOf,
  stateOf,
  statesOf,
  NONE,
  eventsOf,
} from "./fixtures.js";

describe("CaseRegistry", () => {
  describe("batches", () => {
    const NEW = keys("b/new", 5);
    const BR = keys("b/reg", 5);
    const BA = keys("b/asg", 5);
    const BC = keys("b/acc", 5);
    const X2 = key("b/agency2");
    const RET = key("b/returned");
    const L2K = key("b/lender2", 0, 2);
    const LATE = key("b/late");
    const SET = key("b/settled");
    const UNKNOWN = key("b/unknown");

    /** Cases in every state a batch test needs, all created in one fixture. */
    async function batchCases() {
      const w = await freshWorld();
      const until = (await now()) + MANDATE;
      const lateUntil = until + 20 * DAY;
      await w.L.register([...BR, SET], debtorsOf([...BR, SET]));
      await w.L.settle([SET], [0n], NO_TERMS);
      await w.L.registerAndAssign(w.ids.agency, until, [...BA, ...BC, RET], debtorsOf([...BA, ...BC, RET]));
      await w.A.accept([...BC, RET]);
      await w.A.returnCases([RET]);
      await w.L.registerAndAssign(w.ids.agency2, until, [X2], [debtorOf(X2)]);
      await w.L.registerAndAssign(w.ids.agency, lateUntil, [LATE], [debtorOf(LATE)]);
      await w.L2.registerAndAssign(w.ids.agency, until, [L2K], [debtorOf(L2K)]);
      return { w, until, lateUntil, assignUntil: until + DAY, extendUntil: until + 10 * DAY };
    }
    type BatchCtx = Awaited<ReturnType<typeof batchCases>>;

    interface BatchFn {
      send(c: BatchCtx, ks: string[]): Tx;
      /** Keys in a state where the function succeeds. */
      valid: readonly string[];
      /** The event (and args) for a one-item batch of `k`. */
      one(c: BatchCtx, k: string): [string, unknown[]];
      /** An invalid item and the error it gives at index `i`. */
      bad(c: BatchCtx): { key: string; error: string; args: (i: number) => unknown[] };
      /** The error of the second occurrence of `k`, at index `i`. */
      duplicate(c: BatchCtx, k: string, i: number): [string, unknown[]];
    }

    const FNS: Record<string, BatchFn> = {
      register: {
        send: (c, ks) => c.w.L.register(ks, debtorsOf(ks)),
        valid: NEW,
        one: (_c, k) => ["CaseRegistered", [k, debtorOf(k), 1]],
        bad: () => ({ key: BA[0]!, error: "AlreadyRegistered", args: (i) => [i, BA[0]] }),
        duplicate: (_c, k, i) => ["AlreadyRegistered", [i, k]],
      },
      registerAndAssign: {
        send: (c, ks) => c.w.L.registerAndAssign(c.w.ids.agency, c.assignUntil, ks, ks.map((k) => (k === ZeroHash ? key("d0") : debtorOf(k)))),
        valid: NEW,
        one: (c, k) => ["CasesAssigned", [1, 3, c.assignUntil, [k]]],
        bad: () => ({ key: ZeroHash, error: "ZeroKey", args: (i) => [i] }),
        duplicate: (_c, k, i) => ["AlreadyRegistered", [i, k]],
      },
      assign: {
        send: (c, ks) => c.w.L.assign(c.w.ids.agency, c.assignUntil, ks),
        valid: BR,
        one: (c, k) => ["CasesAssigned", [1, 3, c.assignUntil, [k]]],
        bad: (c) => ({ key: X2, error: "MandateActive", args: (i) => [i, X2, 4, c.until] }),
        duplicate: (c, k, i) => ["MandateActive", [i, k, 3, c.assignUntil]],
      },
      accept: {
        send: (c, ks) => c.w.A.accept(ks),
        valid: BA,
        one: (_c, k) => ["CaseAccepted", [k, 3]],
        bad: () => ({ key: X2, error: "NotAgency", args: (i) => [i, X2, 3] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Accepted]],
      },
      returnCases: {
        send: (c, ks) => c.w.A.returnCases(ks),
        valid: BC,
        one: (_c, k) => ["CaseReturned", [k, 3]],
        bad: () => ({ key: RET, error: "InvalidTransition", args: (i) => [i, RET, CaseStatus.Returned] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Returned]],
      },
      recall: {
        send: (c, ks) => c.w.L.recall(ks),
        valid: BA,
        one: (_c, k) => ["CaseRecalled", [k, 3]],
        bad: () => ({ key: L2K, error: "NotCreditor", args: (i) => [i, L2K, 1] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Recalled]],
      },
      extend: {
        send: (c, ks) => c.w.L.extend(ks, c.extendUntil),
        valid: BC,
        one: (c, k) => ["CaseMandateExtended", [k, 3, c.until, c.extendUntil]],
        bad: (c) => ({ key: LATE, error: "UntilNotLater", args: (i) => [i, LATE, c.lateUntil, c.extendUntil] }),
        duplicate: (c, k, i) => ["UntilNotLater", [i, k, c.extendUntil, c.extendUntil]],
      },
      settle: {
        send: (c, ks) => c.w.L.settle(ks, ks.map(() => 0n), NO_TERMS),
        valid: BA,
        one: (_c, k) => ["CaseSettled", [k, 1, 0, NO_TERMS]],
        bad: () => ({ key: SET, error: "InvalidTransition", args: (i) => [i, SET, CaseStatus.Settled] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Settled]],
      },
      close: {
        send: (c, ks) => c.w.L.close(ks),
        valid: BC,
        one: (_c, k) => ["CaseClosed", [k, 1]],
        bad: () => ({ key: UNKNOWN, error: "UnknownCase", args: (i) => [i, UNKNOWN] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Closed]],
      },
      transferCreditor: {
        send: (c, ks) => c.w.L.transferCreditor(ks, c.w.ids.lender2),
        valid: BR,
        one: (_c, k) => ["CaseCreditorTransferred", [k, 1, 2]],
        bad: (c) => ({ key: BA[0]!, error: "MandateActive", args: (i) => [i, BA[0], 3, c.until] }),
        // The second occurrence already belongs to lender2.
        duplicate: (_c, k, i) => ["NotCreditor", [i, k, 1]],
      },
    };

    for (const [name, fn] of Object.entries(FNS)) {
      describe(name, () => {
        it("EmptyBatch for no item", async () => {
          const c = await loadFixture(batchCases);
          await expect(fn.send(c, [])).to.be.revertedWithCustomError(c.w.cr, "CaseRegistryEmptyBatch").withArgs();
        });

        it(`BatchTooLarge for ${MAX_BATCH + 1} items`, async () => {
          const c = await loadFixture(batchCases);
          const big = keys("b/big", MAX_BATCH + 1);
          await expect(fn.send(c, big))
            .to.be.revertedWithCustomError(c.w.cr, "CaseRegistryBatchTooLarge")
            .withArgs(MAX_BATCH + 1, MAX_BATCH);
        });

        it("one item", async () => {
          const c = await loadFixture(batchCases);
          const k = fn.valid[0]!;
          const [event, args] = fn.one(c, k);
          await expect(fn.send(c, [k]))
            .to.emit(c.w.cr, event)
            .withArgs(...args);
        });

        it("a duplicate inside the batch fails at its second occurrence; nothing written", async () => {
          const c = await loadFixture(batchCases);
          const [k0, k1] = fn.valid as [string, string];
          const before = await statesOf(c.w, [k0, k1]);
          const [error, args] = fn.duplicate(c, k0, 2);
          await expect(fn.send(c, [k0, k1, k0]))
            .to.be.revertedWithCustomError(c.w.cr, `CaseRegistry${error}`)
            .withArgs(...args);
          expect(await statesOf(c.w, [k0, k1])).to.deep.equal(before);
        });

        for (const [where, index] of [
          ["first", 0],
          ["middle", 2],
          ["last", 4],
        ] as const) {
          it(`one invalid item in ${where} position reverts the whole batch with index ${index}; nothing written`, async () => {
            const c = await loadFixture(batchCases);
            const bad = fn.bad(c);
            const batch = fn.valid.slice(0, 4);
            batch.splice(index, 0, bad.key);
            expect(batch).to.have.length(5);
            const touched = [...fn.valid.slice(0, 4), bad.key];
            const before = await statesOf(c.w, touched);
            await expect(fn.send(c, batch))
              .to.be.revertedWithCustomError(c.w.cr, `CaseRegistry${bad.error}`)
              .withArgs(...bad.args(index));
            expect(await statesOf(c.w, touched)).to.deep.equal(before);
            // Without the bad item, the same batch goes through.
            await expect(fn.send(c, fn.valid.slice(0, 4))).not.to.revert(ethers);
          });
        }
      });
    }

    it("EmptyBatch before LengthMismatch; BatchTooLarge before LengthMismatch", async () => {
      const c = await loadFixture(batchCases);
      await expect(c.w.L.register([], [key("d")])).to.be.revertedWithCustomError(c.w.cr, "CaseRegistryEmptyBatch");
      await expect(c.w.L.register(keys("b/big", MAX_BATCH + 1), []))
        .to.be.revertedWithCustomError(c.w.cr, "CaseRegistryBatchTooLarge")
        .withArgs(MAX_BATCH + 1, MAX_BATCH);
    });

    it(`the largest batch: ${MAX_BATCH} items of registerAndAssign, then accepted in one batch`, async () => {
      const w = await world();
      const ks = keys("b/max", MAX_BATCH);
      const until = (await now()) + MANDATE;
      const tx = w.L.registerAndAssign(w.ids.agency, until, ks, debtorsOf(ks));
      await expect(tx).to.emit(w.cr, "CasesAssigned").withArgs(1, 3, until, ks);
      const receipt = await (await tx).wait();
      // The contract's stated budget: under the 16,777,216 per-transaction gas cap of EIP-7825.
      expect(receipt!.gasUsed).to.be.lessThan(16_777_216n);
      expect(await eventsOf(w, tx, "CaseRegistered")).to.have.length(MAX_BATCH);
      const assignedAt = await now();
      const states = await statesOf(w, ks);
      expect(states).to.have.length(MAX_BATCH);
      for (const s of states) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Assigned", expired: false });
      }
      await expect(w.A.accept(ks)).to.emit(w.cr, "CaseAccepted").withArgs(ks[MAX_BATCH - 1], 3);
      expect((await stateOf(w, ks[MAX_BATCH - 1]!)).status).to.equal("Accepted");
    });

    it(`${MAX_BATCH + 1} items of registerAndAssign give BatchTooLarge and write nothing`, async () => {
      const w = await world();
      const ks = keys("b/max", MAX_BATCH + 1);
      const until = (await now()) + MANDATE;
      await expect(w.L.registerAndAssign(w.ids.agency, until, ks, debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryBatchTooLarge")
        .withArgs(MAX_BATCH + 1, MAX_BATCH);
      expect(await statesOf(w, [ks[0]!, ks[MAX_BATCH]!])).to.deep.equal([NONE, NONE]);
    });

    it("registerAndAssign with a bad item in the middle of a large batch writes nothing", async () => {
      const w = await world();
      const ks = keys("b/large", 300);
      const taken = key("b/taken");
      await w.L.register([taken], [debtorOf(taken)]);
      const batch = [...ks.slice(0, 150), taken, ...ks.slice(150)];
      const until = (await now()) + MANDATE;
      await expect(w.L.registerAndAssign(w.ids.agency, until, batch, debtorsOf(batch)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(150, taken);
      for (const s of await statesOf(w, ks)) expect(s).to.deep.equal(NONE);
    });
  });
});
