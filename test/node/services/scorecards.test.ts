import { expect } from "chai";
import type { CaseHistoryEntry, CaseRecord } from "../../../node/chain/case-events.js";
import type { ScorecardRepayment } from "../../../node/domain/scorecards/index.js";
import { RECOVERY_MAX_AGE_MS, ScorecardService } from "../../../node/services/scorecards.js";
import { ServiceError } from "../../../node/services/service-error.js";

const DAY = 86_400;
const T0 = 1_750_000_000;
const NOW = T0 + 100 * DAY;
const key = (i: number) => `0x01000000${i.toString(16).padStart(56, "0")}`;
const at = { txHash: `0x${"1".repeat(64)}`, block: 1, logIndex: 0 };
const entry = (type: CaseHistoryEntry["type"], day: number, fields: Partial<CaseHistoryEntry> = {}): CaseHistoryEntry => ({ ...at, type, time: T0 + day * DAY, ...fields });

/**
 * The service that feeds the scorecards: the lender's own cases from the index (paged), their listed outstanding from
 * its store, repayments from the ledger; the consortium view from every case's history, no creditor named.
 */
describe("node/services/scorecards (maps for the index and the store, a fixed clock)", () => {
  // Lender 1: cases 1 and 2 with agency 7; lender 2: case 3 with agency 7, settled for 40,000 after 10 days.
  const histories = new Map<string, CaseHistoryEntry[]>([
    [key(1), [entry("CaseRegistered", 0, { creditorId: 1 }), entry("CasesAssigned", 0, { creditorId: 1, agencyId: 7, until: T0 + 300 * DAY }), entry("CaseAccepted", 0.5, { agencyId: 7 })]],
    [key(2), [entry("CaseRegistered", 0, { creditorId: 1 }), entry("CasesAssigned", 0, { creditorId: 1, agencyId: 7, until: T0 + 300 * DAY }), entry("CaseReturned", 20, { agencyId: 7 })]],
    [key(3), [entry("CaseRegistered", 0, { creditorId: 2 }), entry("CasesAssigned", 0, { creditorId: 2, agencyId: 7, until: T0 + 300 * DAY }), entry("CaseSettled", 10, { creditorId: 2, settledFen: "40000" })]],
  ]);
  const records = [1, 2].map((i) => ({ caseKey: key(i), creditorId: 1 }) as CaseRecord);
  const asked: string[][] = [];
  let clockMs = NOW * 1000;
  const repayments: ScorecardRepayment[] = [{ caseKey: key(1), agencyId: 7, amountFen: 30_000n, paidAt: T0 + 40 * DAY, state: "confirmed" }];
  const service = new ScorecardService({
    memberId: 1,
    clock: () => clockMs,
    indexer: {
      // One case a page: the service must follow `next`.
      casesOfCreditor: async (id, options) => {
        const mine = records.filter((r) => r.creditorId === id);
        const from = options?.after === undefined ? 0 : mine.findIndex((r) => r.caseKey === options.after) + 1;
        return { cases: mine.slice(from, from + 1), next: from + 1 < mine.length ? mine[from]!.caseKey : undefined };
      },
      histories: async function* () {
        for (const [caseKey, entries] of histories) yield { caseKey, entries };
      },
    },
    store: {
      cases: { get: async (caseKey) => ({ [key(1)]: { outstandingFen: "100000" }, [key(2)]: { outstandingFen: "50000" } })[caseKey] },
      agencies: { list: async () => [{ agencyId: 7, name: "测试催收" }] },
    },
    repayments: {
      ofCases: async (caseKeys) => {
        asked.push([...caseKeys]);
        return repayments.filter((r) => caseKeys.includes(r.caseKey));
      },
    },
  });

  it("a lender's view: its agencies by name, recovery against its listed outstanding, fen as decimal strings", async () => {
    const view = await service.lenderView("lender");
    expect(view).to.include({ view: "lender", asOf: new Date(NOW * 1000).toISOString() });
    expect(asked.at(-1)).to.deep.equal([key(1), key(2)]);
    const [card] = view.agencies;
    expect(card).to.deep.include({ agencyId: 7, name: "测试催收", assignments: 2, cases: 2, returnedBp: 5_000, acceptDelayMedianSeconds: DAY / 2, complaints: null });
    // 90 days: 30,000 of 150,000 = 2,000 bp; 30 days: nothing yet.
    expect(card!.recovery).to.deep.equal([
      { days: 30, matured: 2, repaidFen: "0", outstandingFen: "150000", rateBp: 0 },
      { days: 90, matured: 2, repaidFen: "30000", outstandingFen: "150000", rateBp: 2_000 },
      { days: 180, matured: 0, repaidFen: "0", outstandingFen: "0", rateBp: null },
    ]);
    expect([...(await service.recovery90())]).to.deep.equal([[7, 2_000]]);
  });

  it("matching's recovery figures are read again only after RECOVERY_MAX_AGE_MS", async () => {
    clockMs = NOW * 1000 + 1_000_000;
    await service.recovery90();
    const reads = asked.length;
    clockMs += RECOVERY_MAX_AGE_MS - 1;
    await service.recovery90();
    expect(asked).to.have.length(reads);
    clockMs += 1;
    await service.recovery90();
    expect(asked).to.have.length(reads + 1);
    clockMs = NOW * 1000;
  });

  it("the consortium view: every creditor's assignments from the chain, the settled amounts it carries, no creditor and no name", async () => {
    const view = await service.consortiumView();
    const [card] = view.agencies;
    expect(card).to.deep.include({ agencyId: 7, assignments: 3, cases: 3, returnedBp: 3_333 });
    expect(card!.settled[0]).to.deep.equal({ days: 30, matured: 3, settled: 1, settledFen: "40000", rateBp: 3_333 });
    expect(JSON.stringify(view)).to.not.match(/creditorId|测试催收|recovery/);
  });

  it("an agency has no lender view", async () => {
    const refused = await service.lenderView("agency").then(() => undefined, (e: unknown) => e);
    expect(refused).to.be.instanceOf(ServiceError).and.include({ status: 403, messageId: "scorecard.LENDER_VIEW_ONLY" });
  });
});
