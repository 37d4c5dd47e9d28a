import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Level } from "level";
import { AgencyRepository } from "./agency-repository.js";
import { AllocationRepository } from "./allocation-repository.js";
import { AuditEntries } from "./audit-entries.js";
import { AuthorizationLetterRepository } from "./authorization-letter-repository.js";
import { CaseListRepository } from "./case-list-repository.js";
import { ReportRowStore } from "./case-list-rows.js";
import { CaseRepository } from "./case-repository.js";
import { CaseStaging } from "./case-staging.js";
import { HandoverDeliveries } from "./handover-deliveries.js";
import { HandoverReceipts } from "./handover-receipts.js";
import type { KvStore } from "./kv-store.js";
import { LoanRefIndex } from "./loan-ref-index.js";
import { PeerOutboxStore } from "./peer-outbox.js";
import { FeeScheduleStore } from "./fee-schedule-store.js";
import { StatementStore } from "./statement-store.js";
import { RepaymentLedgerStore } from "./repayment-ledger.js";
import { RepaymentReports } from "./repayment-reports.js";
import { ContactLog } from "./contact-log.js";
import { ConductTally } from "./conduct-tally.js";
import { caseKeyEncoding, reportChunkEncoding, storedCaseEncoding } from "./record-encodings.js";
import { StaffTokenRepository } from "./staff-token-repository.js";
import { StoreBatch } from "./store-batch.js";
import { migrateStore } from "./store-migrations.js";
import { SeenNonces } from "./seen-nonces.js";
import { StoreProbe } from "./store-probe.js";
import { sublevelKv, withFastBatches } from "./sublevel-kv.js";
import type { Database, Sublevel } from "./sublevel.js";
import { Table } from "./table.js";
import { ComplaintStore, LexiconMarks, SupervisionReports } from "./complaint-store.js";
import { StatementPartStore } from "./statement-parts.js";
import { MediationStore } from "./mediation-store.js";
import { SUBLEVELS, type SublevelName } from "./sublevel-names.js";

/**
 * The sublevels an upload writes one entry per row to, in compact binary (node/store/record-encodings.ts); readers
 * get the same values as with JSON, and JSON values written before read as before.
 */
const VALUE_ENCODINGS: Partial<Record<SublevelName, object>> = {
  cases: storedCaseEncoding,
  staging: storedCaseEncoding,
  loanRefs: caseKeyEncoding,
  listRows: reportChunkEncoding,
};

/** LevelDB's write buffer: 4 MB by default; larger means fewer level-0 files to compact during a big upload. */
const WRITE_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * Sublevels of strings (their owners' own JSON), needing no other encoding: node/chain's index and outbox, and the
 * evidence log with its anchor state (node/store/evidence-log), whose batches go through the root database.
 */
export const KV_SUBLEVELS = ["chainIndex", "outbox", "evidence"] as const;
export type KvSublevelName = (typeof KV_SUBLEVELS)[number];

export interface GatewayDatabase {
  cases: CaseRepository;
  loanRefs: LoanRefIndex;
  caseLists: CaseListRepository;
  reportRows: ReportRowStore;
  staging: CaseStaging;
  tokens: StaffTokenRepository;
  agencies: AgencyRepository;
  allocations: AllocationRepository;
  audit: AuditEntries;
  authLetters: AuthorizationLetterRepository;
  handoverDeliveries: HandoverDeliveries;
  handoverReceipts: HandoverReceipts;
  handoverNonces: SeenNonces;
  /** caseledger-peer/1: envelope ids seen (receiver side) and messages that must arrive (sender side). */
  peerNonces: SeenNonces;
  peerOutbox: PeerOutboxStore;
  /** Fee schedules and monthly statements between lenders and agencies (docs/design.md §23). */
  feeSchedules: FeeScheduleStore;
  statements: StatementStore;
  statementParts: StatementPartStore;
  /** The repayment ledger (creditor side) and this member's own repayment reports (agency side). */
  repayments: RepaymentLedgerStore;
  repaymentReports: RepaymentReports;
  complaints: ComplaintStore;
  /** Mediation agreements (docs/design.md §28), at the creditor and at the mediator. */
  mediations: MediationStore;
  lexiconMarks: LexiconMarks;
  supervisionReports: SupervisionReports;
  /** Contacts (docs/design.md §25): this agency's contact log and permits, and the consortium-wide tally per debtor per day. */
  contacts: ContactLog;
  conductTally: ConductTally;
  probe: StoreProbe;
  kv: Record<KvSublevelName, KvStore>;
  /** A write to several repositories that lands whole or not at all. */
  batch(): StoreBatch;
  /** Compacts the whole LevelDB (benchmarks: a store that has settled after a bulk load). */
  compact(): Promise<void>;
  close(): Promise<void>;
}

function openSublevel(db: Database, name: SublevelName): Sublevel {
  return db.sublevel<string, unknown>(name, { valueEncoding: (VALUE_ENCODINGS[name] ?? "json") as "json" });
}

/** classic-level (Node's LevelDB binding) compacts; `level`'s types do not say so, as browsers' levels do not. */
function canCompact(db: object): db is { compactRange(from: string, to: string): Promise<void> } {
  return typeof (db as { compactRange?: unknown }).compactRange === "function";
}

/** Opens the member's store and brings a store written by an older gateway up to date ({@link migrateStore}). */
export async function openDatabase(dataDir: string): Promise<GatewayDatabase> {
  const dir = join(dataDir, "store");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const db = new Level<string, unknown>(dir, { valueEncoding: "json", writeBufferSize: WRITE_BUFFER_BYTES });
  await db.open();
  const sub = Object.fromEntries(SUBLEVELS.map((name) => [name, openSublevel(db, name)])) as Record<SublevelName, Sublevel>;
  await migrateStore(db, sub);
  const strings = (name: KvSublevelName) => db.sublevel<string, string>(name, { valueEncoding: "utf8" });
  const kv: Record<KvSublevelName, KvStore> = {
    chainIndex: sublevelKv(strings("chainIndex")),
    outbox: sublevelKv(strings("outbox")),
    evidence: withFastBatches(db, strings("evidence")),
  };
  return {
    cases: new CaseRepository(new Table(sub.cases)),
    loanRefs: new LoanRefIndex(new Table(sub.loanRefs)),
    caseLists: new CaseListRepository(new Table(sub.lists)),
    reportRows: new ReportRowStore(new Table(sub.listRows)),
    staging: new CaseStaging(new Table(sub.staging)),
    tokens: new StaffTokenRepository(new Table(sub.tokens)),
    agencies: new AgencyRepository(new Table(sub.agencies)),
    allocations: new AllocationRepository(new Table(sub.allocations)),
    audit: new AuditEntries(new Table(sub.audit)),
    authLetters: new AuthorizationLetterRepository(new Table(sub.authLetters)),
    handoverDeliveries: new HandoverDeliveries(new Table(sub.handoverDeliveries)),
    handoverReceipts: new HandoverReceipts(new Table(sub.handoverReceipts)),
    handoverNonces: new SeenNonces(new Table(sub.handoverNonces)),
    peerNonces: new SeenNonces(new Table(sub.peerNonces)),
    peerOutbox: new PeerOutboxStore(new Table(sub.peerOutbox), () => new StoreBatch(db)),
    feeSchedules: new FeeScheduleStore(new Table(sub.feeSchedules)),
    statements: new StatementStore(new Table(sub.statements)),
    statementParts: new StatementPartStore(new Table(sub.statementParts)),
    repayments: new RepaymentLedgerStore(new Table(sub.repayments), () => new StoreBatch(db)),
    repaymentReports: new RepaymentReports(new Table(sub.repaymentReports)),
    complaints: new ComplaintStore(new Table(sub.complaints)),
    mediations: new MediationStore(new Table(sub.mediations)),
    lexiconMarks: new LexiconMarks(new Table(sub.complaints)),
    supervisionReports: new SupervisionReports(new Table(sub.complaints)),
    contacts: new ContactLog(new Table(sub.contacts)),
    conductTally: new ConductTally(new Table(sub.conductTally)),
    probe: new StoreProbe(sub.health),
    kv,
    batch: () => new StoreBatch(db),
    compact: async () => {
      if (canCompact(db)) await db.compactRange("\u0000", "\uffff");
    },
    close: () => db.close(),
  };
}
