import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { CaseHistoryEntry, CaseRecord } from "../../../node/chain/case-events.js";
import type { ScorecardRepayment } from "../../../node/domain/scorecards/index.js";
import { maskName } from "../../../node/domain/identity/name.js";
import type { Pepper } from "../../../node/domain/pseudonyms.js";
import { ingestCaseList } from "../../../node/services/case-list-ingest.js";
import { PortfolioService } from "../../../node/services/portfolio.js";
import type { ServiceError } from "../../../node/services/service-error.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { PiiCipher } from "../../../node/store/pii-cipher.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const T0 = Date.UTC(2026, 0, 1);
const pepper: Pepper = { version: 1, secret: new Uint8Array(32).fill(3) };

describe("node/services/portfolio (LevelDB on disk, a fixed clock)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  let now: number;
  let keys: Record<string, string>;
  const cipher = new PiiCipher(randomBytes(32));
  const chain = new Map<string, CaseRecord>();
  const histories = new Map<string, CaseHistoryEntry[]>();
  let ledger: ScorecardRepayment[] = [];
  const settledEvent = (settledFen: string): CaseHistoryEntry => ({ type: "CaseSettled", time: T0 / 1000, creditorId: 1, settledFen, txHash: `0x${"2".repeat(64)}`, block: 2, logIndex: 0 });
  const paid = (caseKey: string, amountFen: bigint, state: ScorecardRepayment["state"], agencyId = 2): ScorecardRepayment => ({ caseKey, agencyId, amountFen, paidAt: T0 / 1000, state });
  const record = (caseKey: string, fields: Partial<CaseRecord>): CaseRecord => ({
    caseKey,
    debtorKey: `0x${"d".repeat(64)}`,
    creditorId: 1,
    agencyId: 2,
    status: "Assigned",
    assignedAt: T0 / 1000 - 10,
    until: T0 / 1000 + 3_600,
    registered: { txHash: `0x${"1".repeat(64)}`, block: 1 },
    lastChange: { txHash: `0x${"1".repeat(64)}`, block: 1, logIndex: 0 },
    ...fields,
  });
  const service = () =>
    new PortfolioService({
      store,
      cipher,
      memberId: 1,
      clock: () => now,
      nameOf: async (id) => `#${id}`,
      indexer: {
        caseOf: async (key) => chain.get(key),
        casesOfAgency: async (id) => ({ cases: [...chain.values()].filter((r) => r.agencyId === id), next: undefined }),
        casesOfCreditor: async (id) => ({ cases: [...chain.values()].filter((r) => r.creditorId === id), next: undefined }),
        history: async (key) => histories.get(key) ?? [],
      },
      repayments: { ofCases: async (caseKeys) => ledger.filter((r) => caseKeys.includes(r.caseKey)) },
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-portfolio-"));
    store = await openDatabase(dir);
    now = T0;
    chain.clear();
    histories.clear();
    ledger = [];
    const rows = [
      `H-1,测试甲,${syntheticId18("19800101", "101")},13900000001,1000,300,40`,
      `S-1,测试乙,${syntheticId18("19800101", "102")},13900000002,1000,100,200`,
      `N-1,测试丙,${syntheticId18("19800101", "103")},13900000003,1000,600,10`,
    ];
    const csv = `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\n${rows.join("\n")}\n`;
    const summary = await ingestCaseList({ store, cipher, pepper, memberId: 1, clock: () => now }, { file: "p.csv", chunks: [new TextEncoder().encode(csv)], uploadedBy: "s" });
    keys = {};
    for await (const row of store.reportRows.rows(summary.id)) keys[row.loanRef] = row.caseKey!;
    chain.set(keys["H-1"]!, record(keys["H-1"]!, {}));
    chain.set(keys["S-1"]!, record(keys["S-1"]!, { status: "Settled" }));
    // S-1 was settled on chain for 80 yuan (its outstanding was 100); H-1 has 50 yuan confirmed in the ledger, and
    // a report not yet confirmed, a disputed one and a reversed one that are no money received.
    histories.set(keys["S-1"]!, [settledEvent("8000")]);
    ledger = [paid(keys["H-1"]!, 5000n, "confirmed"), paid(keys["H-1"]!, 1000n, "reported"), paid(keys["H-1"]!, 900n, "disputed"), paid(keys["H-1"]!, 700n, "reversed")];
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("aggregates the lender's cases by status, agency recovery and aging; cached for 5 s by the clock", async () => {
    const portfolio = service();
    const body = await portfolio.portfolio();
    expect(body).to.deep.include({ memberId: 1, asOf: new Date(T0).toISOString(), totals: { cases: 3, outstandingFen: "100000" } });
    expect(body).to.have.deep.property("byAgency", [
      { agencyId: 2, name: "#2", activeCases: 1, outstandingFen: "30000", assignedCases: 2, assignedFen: "40000", settledCases: 1, recoveredFen: "13000", recoveryRate: 0.325 },
    ]);
    expect(body).to.have.deep.property("recovery", { assignedFen: "40000", recoveredFen: "13000", fromLedgerFen: "5000", fromChainFen: "8000", recoveryRate: 0.325 });
    expect(body).to.have.deep.property("aging").that.deep.includes({ bucket: "181-360", cases: 1, outstandingFen: "10000" });

    chain.delete(keys["S-1"]!);
    now = T0 + 4_999;
    expect(await portfolio.portfolio(), "within 5 s: the cached answer").to.deep.equal(body);
    now = T0 + 5_000;
    const fresh = await portfolio.portfolio();
    expect(fresh).to.have.deep.property("byStatus").that.deep.includes({ status: "NotOnChain", cases: 2, outstandingFen: "70000" });
  });

  it("counts a settled case by its confirmed repayments when the ledger has them, not by the amount on chain; each repayment to the agency that reported it", async () => {
    ledger.push(paid(keys["S-1"]!, 3000n, "confirmed"));
    // N-1 went to agency 3 and was recalled to agency 2 (the chain names its last agency): agency 3's report stays its own.
    chain.set(keys["N-1"]!, record(keys["N-1"]!, { agencyId: 2 }));
    ledger.push(paid(keys["N-1"]!, 6000n, "confirmed", 3));
    const body = (await service().portfolio()) as { byAgency: Array<{ agencyId: number; recoveredFen: string; assignedFen: string }>; recovery: unknown };
    expect(body.byAgency.map((a) => [a.agencyId, a.assignedFen, a.recoveredFen])).to.deep.equal([[2, "100000", "8000"], [3, "0", "6000"]]);
    expect(body.recovery).to.deep.equal({ assignedFen: "100000", recoveredFen: "14000", fromLedgerFen: "14000", fromChainFen: "0", recoveryRate: 0.14 });
  });

  it("lists summaries with masked names and shows a held case past its mandate as Expired", async () => {
    now = T0 + 3_601_000;
    const page = await service().summaries({ asAgency: false, limit: 10 });
    const held = page.cases.find((c) => c.loanRef === "H-1")!;
    expect(held).to.include({ debtor: maskName("测试甲"), status: "Expired", creditor: "#1", agency: "#2" });
    expect(page.cases.find((c) => c.loanRef === "S-1")!.status).to.equal("Settled");
    const bad = await service()
      .summaries({ asAgency: false, limit: 10, after: "x" })
      .catch((error: ServiceError) => error);
    expect((bad as ServiceError).code).to.equal("VALIDATION_FAILED");
  });
});
