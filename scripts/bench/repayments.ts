/**
 * `node --import tsx scripts/bench/repayments.ts` — the creditor's bulk confirmation (POST /v1/repayments/confirm):
 * lines a second for one request of BENCH_REPAYMENT_LINES reported repayments (default 20,000, one per case: the
 * worst case, every line its own case's ledger), through the real ledger store, the real evidence log (one
 * notarized record per decision, group-committed) and the real peer outbox (the decisions' messages to the agency,
 * whose sending is stubbed). Target ≥ 20,000 lines a second. Writes scripts/bench/results/repayments.json.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RepaymentEntry } from "../../node/domain/repayments/entries.js";
import { PeerOutbox } from "../../node/services/peer/outbox.js";
import { RepaymentLedger } from "../../node/services/repayments/ledger.js";
import type { StoredCase } from "../../node/store/case-records.js";
import { openDatabase } from "../../node/store/database.js";
import { EvidenceLog } from "../../node/store/evidence-log/evidence-log.js";
import { describeMachine, machine, writeResult } from "./report.js";

const LINES = Number(process.env.BENCH_REPAYMENT_LINES ?? 20_000);
const say = (line: string) => console.log(`[bench:repayments] ${line}`);
const hex = (s: string) => createHash("sha256").update(s).digest("hex");

const dir = await mkdtemp(join(tmpdir(), "caseledger-bench-repayments-"));
try {
  const store = await openDatabase(dir);
  const clock = Date.now;
  const evidenceLog = await EvidenceLog.open(store.kv.evidence, 1, clock);
  const keys = Array.from({ length: LINES }, (_, i) => `0x${hex(`case ${i}`)}`);
  // The lender's cases as the ledger reads them (its outstanding at registration and its creditor): a map, so that
  // only the ledger's own reads are timed.
  const cases = new Map(keys.map((caseKey) => [caseKey, { caseKey, creditorId: 1, outstandingFen: "1000000" } as StoredCase]));
  const outbox = new PeerOutbox({ store: store.peerOutbox, channel: { send: () => Promise.reject(new Error("not sent in the benchmark")) }, clock, retryMs: 60_000, maxAttempts: 1, log: () => {} });
  const ledger = new RepaymentLedger({
    ledger: store.repayments,
    cases: { get: (k) => Promise.resolve(cases.get(k)), getMany: (ks) => Promise.resolve(ks.map((k) => cases.get(k))) },
    casesOf: () => Promise.reject(new Error("no chain in the benchmark: decisions do not read it")),
    notarize: (drafts) => evidenceLog.append(drafts),
    deliver: (to, kind, body) => outbox.deliver(to, kind, body),
    memberId: 1,
    clock,
    waiverLimitPercent: 30,
  });
  const at = new Date().toISOString();
  const entries: RepaymentEntry[] = keys.map((caseKey, i) => ({ type: "repayment", id: hex(`r ${i}`).slice(0, 32), caseKey, recordedAt: at, amountFen: "12345", paidAt: at, channel: "agency-escrow", payer: "debtor", reportedBy: 2, agencyId: 2, voucher: { leafHash: `0x${hex(`v ${i}`)}` } }));
  await store.repayments.append(entries);
  say(`confirming ${LINES.toLocaleString("en")} reported repayments in one request…`);
  const t0 = performance.now();
  const results = await ledger.decide(entries.map((e) => e.id), "confirmed", undefined, { tokenId: "bench", role: "lender" });
  const seconds = (performance.now() - t0) / 1000;
  await outbox.idle();
  const confirmed = results.filter((r) => "state" in r).length;
  if (confirmed !== LINES) throw new Error(`${LINES - confirmed} lines not confirmed`);
  const linesPerSecond = Math.round(LINES / seconds);
  say(`${linesPerSecond.toLocaleString("en")} lines/s (${seconds.toFixed(2)} s; target 20,000) on ${describeMachine()}`);
  await writeResult("repayments", { lines: LINES, seconds: Number(seconds.toFixed(3)), linesPerSecond, target: 20_000, machine: machine(), at: new Date().toISOString() });
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
