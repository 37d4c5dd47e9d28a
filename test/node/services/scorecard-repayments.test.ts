import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { LedgerEntry } from "../../../node/domain/repayments/entries.js";
import { lenderScorecards, spellsOf } from "../../../node/domain/scorecards/index.js";
import { ledgerRepayments } from "../../../node/services/scorecard-repayments.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";

const DAY = 86_400;
const T0 = 1_750_000_000;
const iso = (day: number) => new Date((T0 + day * DAY) * 1000).toISOString();
const id = (n: number) => n.toString(16).padStart(32, "0");
const CASE = `0x01000000${"ab".repeat(28)}`;
const by = { tokenId: "t1", role: "lender" };

/** The creditor's repayment ledger (real LevelDB) as the scorecards read it: states after decisions and reversals. */
describe("node/services/scorecard-repayments (LevelDB on disk)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-scorecard-repayments-"));
    store = await openDatabase(dir);
    const repayment = (n: number, amountFen: string, day: number, agencyId: number | null): LedgerEntry => ({
      type: "repayment",
      id: id(n),
      caseKey: CASE,
      recordedAt: iso(day),
      amountFen,
      paidAt: iso(day),
      channel: "creditor-account",
      payer: "debtor",
      reportedBy: agencyId ?? 1,
      agencyId,
      voucher: null,
    });
    const decision = (n: number, of: number, d: "confirmed" | "disputed", day: number): LedgerEntry => ({
      type: "decision",
      id: id(n),
      caseKey: CASE,
      recordedAt: iso(day),
      repaymentId: id(of),
      decision: d,
      ...(d === "disputed" ? { reason: "NOT_RECEIVED" as const } : {}),
      by,
      evidence: { leafHash: `0x${"11".repeat(32)}` },
    });
    await store.repayments.append([
      repayment(1, "1000", 5, null), // the creditor's own record, before any agency
      decision(2, 1, "confirmed", 5),
      repayment(3, "20000", 40, 7),
      decision(4, 3, "confirmed", 41),
      repayment(5, "5000", 50, 7),
      decision(6, 5, "disputed", 51),
      repayment(7, "30000", 60, 7),
      decision(8, 7, "confirmed", 61),
      { type: "reversal", id: id(9), caseKey: CASE, recordedAt: iso(70), reverses: id(7), reason: "RETURNED", by },
      repayment(10, "700", 80, 7), // reported, not yet decided
    ]);
  });
  after(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("gives each repayment with its state now; the creditor's own as agency 0", async () => {
    const seen = await ledgerRepayments(store.repayments).ofCases([CASE, `0x01000000${"cd".repeat(28)}`]);
    expect(seen.map((r) => [r.agencyId, r.amountFen, (r.paidAt - T0) / DAY, r.state])).to.deep.equal([
      [0, 1_000n, 5, "confirmed"],
      [7, 20_000n, 40, "confirmed"],
      [7, 5_000n, 50, "disputed"],
      [7, 30_000n, 60, "reversed"],
      [7, 700n, 80, "reported"],
    ]);
  });

  it("and the scorecard counts them: only the confirmed 20,000 for agency 7, against 100,000 − 1,000 at assignment", async () => {
    const spells = spellsOf(CASE, [{ type: "CasesAssigned", time: T0 + 10 * DAY, creditorId: 1, agencyId: 7, until: T0 + 400 * DAY }]);
    const repayments = await ledgerRepayments(store.repayments).ofCases([CASE]);
    const [card] = lenderScorecards({ lenderId: 1, spells, repayments, outstandingFen: () => 100_000n, nowSeconds: T0 + 200 * DAY });
    expect(card!.recovery[1]).to.deep.equal({ days: 90, matured: 1, repaidFen: 20_000n, outstandingFen: 99_000n, rateBp: 2_020 });
    expect(card).to.deep.include({ reportedRepayments: 4, disputedBp: 2_500, firstRepaymentMedianSeconds: 30 * DAY });
  });
});
