import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Level } from "level";
import type { CaseChange } from "../../../../node/chain/case-events.js";
import { CaseIndexStore } from "../../../../node/chain/case-index-store.js";
import { standardBuckets } from "../../../../node/domain/fees/fee-schedule.js";
import { monthBounds } from "../../../../node/domain/fees/month.js";
import { computeStatement } from "../../../../node/domain/fees/statement.js";
import { chainAssignments, ledgerEntries } from "../../../../node/services/fees/statement-sources.js";
import { testKey } from "../../chain/consortium-fixture.js";
import { agreed } from "../../domain/fees/helpers.js";

describe("node/services/fees: where a statement's entries come from", function () {
  this.timeout(30_000);
  it("asks the repayment ledger for the pair's month as ISO instants, China Standard Time", async () => {
    const asked: unknown[] = [];
    const source = ledgerEntries({
      confirmedBetween: (...args) => {
        asked.push(args);
        return Promise.resolve({ confirmed: [], reversals: [], open: [] });
      },
    });
    const { start, end } = monthBounds("2026-11")!;
    await source.entries(1, 3, start, end);
    expect(asked).to.deep.equal([[1, 3, "2026-10-31T16:00:00.000Z", "2026-11-30T16:00:00.000Z"]]);
  });

  describe("assignments from the chain index's history (LevelDB on disk)", () => {
    let dir: string;
    let level: Level<string, string>;
    let index: CaseIndexStore;
    const key = (label: string) => testKey("fees/sources", label.charCodeAt(0));
    const [X, Y, Z, W] = ["x", "y", "z", "w"].map(key) as [string, string, string, string];
    const t = (iso: string) => Date.parse(iso) / 1000;
    const nov = monthBounds("2026-11")!;
    const overdue = { get: (caseKey: string) => Promise.resolve(caseKey === X ? { overdueDays: 30, updatedAt: "2026-11-01T00:00:00.000Z" } : undefined) };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "caseledger-fee-sources-"));
      level = new Level<string, string>(dir);
      index = new CaseIndexStore(level.sublevel<string, string>("index", {}));
      await index.reset("0x00000000000000000000000000000000000000aa", 1);
      let block = 2;
      const at = (iso: string, change: Omit<CaseChange, "block" | "logIndex" | "txHash" | "time">): CaseChange =>
        ({ ...change, block: block++, logIndex: 0, txHash: testKey("fees/tx", block), time: t(iso) });
      const assign = (iso: string, caseKey: string, agencyId: number, creditorId = 1) => at(iso, { type: "CasesAssigned", caseKey, creditorId, agencyId, until: t("2027-06-01T00:00:00Z") });
      const recall = (iso: string, caseKey: string, agencyId: number) => at(iso, { type: "CaseRecalled", caseKey, agencyId });
      const changes = [
        ...[X, Y, Z].map((caseKey) => at("2026-07-01T00:00:00Z", { type: "CaseRegistered", caseKey, debtorKey: testKey("fees/debtor", 1), creditorId: 1 })),
        at("2026-07-01T00:00:00Z", { type: "CaseRegistered", caseKey: W, debtorKey: testKey("fees/debtor", 2), creditorId: 2 }),
        assign("2026-08-03T00:00:00Z", Z, 3),
        recall("2026-08-30T00:00:00Z", Z, 3),
        assign("2026-09-02T00:00:00Z", Z, 4),
        assign("2026-09-10T00:00:00Z", Y, 3),
        assign("2026-09-11T00:00:00Z", W, 3, 2),
        // X: to agency 3, recalled and given to 4, recalled and given back to 3, all in November.
        assign("2026-11-05T00:00:00Z", X, 3),
        recall("2026-11-10T00:00:00Z", X, 3),
        assign("2026-11-12T00:00:00Z", X, 4),
        recall("2026-11-20T00:00:00Z", X, 4),
        assign("2026-11-25T00:00:00Z", X, 3),
      ];
      await index.applyPage(changes, { block, blockHash: "0x02" });
    });
    after(async () => {
      await level.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("gives every assignment to the agency of a case assigned in the month, even one that moved on, and the current one of the others", async () => {
      const source = chainAssignments(index, overdue);
      const of3 = await source.assignments(1, 3, { fromMs: nov.start, caseKeys: new Set() });
      const of4 = await source.assignments(1, 4, { fromMs: nov.start, caseKeys: new Set() });
      const show = (list: Array<{ caseKey: string; assignedAt: string; overdueDays: number }>) => list.map((a) => `${[X, Y, Z].indexOf(a.caseKey)} ${a.assignedAt} ${a.overdueDays}`).sort();
      expect(show(of3)).to.deep.equal(["0 2026-11-05T00:00:00.000Z 34", "0 2026-11-25T00:00:00.000Z 54", "1 2026-09-10T00:00:00.000Z 0"]);
      // Agency 4 held X from the 12th to the 20th: its own assignment, while it currently holds Z.
      expect(show(of4)).to.deep.equal(["0 2026-11-12T00:00:00.000Z 41", "2 2026-09-02T00:00:00.000Z 0"]);
      // A repayment of the month on Z by agency 3 (paid while it held Z in August) reads Z's history too.
      expect(show(await source.assignments(1, 3, { fromMs: nov.start, caseKeys: new Set([Z]) }))).to.include("2 2026-08-03T00:00:00.000Z 0");
    });

    it("makes one half-risk case fee for each agency that was given the case in the month, one however often it came back", async () => {
      const source = chainAssignments(index, overdue);
      const model = { kind: "half-risk" as const, caseFeeFen: 5000n, buckets: standardBuckets(1000, 2000, 3000) };
      const fees = async (agencyId: number) => {
        const schedule = agreed(1, "2026-01-01", model);
        const assignments = await source.assignments(1, agencyId, { fromMs: nov.start, caseKeys: new Set() });
        const statement = computeStatement({ creditorId: 1, agencyId, month: "2026-11", schedules: [{ ...schedule, schedule: { ...schedule.schedule, agencyId } }], assignments }, { confirmed: [] });
        return statement.lines.filter((l) => l.kind === "case-fee").map((l) => `${l.caseKey === X ? "X" : l.caseKey} ${l.at} ${l.feeFen}`);
      };
      expect(await fees(3)).to.deep.equal(["X 2026-11-05T00:00:00.000Z 5000"]);
      expect(await fees(4)).to.deep.equal(["X 2026-11-12T00:00:00.000Z 5000"]);
    });
  });
});
