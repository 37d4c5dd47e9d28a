/**
 * The member's LevelDB, one sublevel per concern, each owned by one repository of node/store/ (its key layout and
 * value type). Values are JSON; keys are strings whose parts are joined with "/" after being made fixed-width or
 * escaped where order matters.
 */
export const SUBLEVELS = [
  "cases", // caseKey → StoredCase (PII sealed)
  "loanRefs", // originatorId/loanRef → caseKey
  "lists", // listId → CaseListSummary
  "listRows", // listId/chunk(10) → ReportRow[] (the report of a list, in file order, a chunk per write)
  "staging", // listId/caseKey → StoredCase: updates of known cases, applied when the list is complete
  "tokens", // sha256(token) → StaffToken
  "agencies", // agencyId → AgencyProfile (a lender's agency list; an agency's own profile under "self")
  "allocations", // allocationId → Allocation preview / commit state
  "audit", // seq(12) → AuditEntry: the append-only, hash-chained log of staff actions
  "authLetters", // sha256(token) → LetterRecord
  "handoverDeliveries", // jobId → HandoverDelivery (lender side)
  "handoverReceipts", // packageHash → receipt (agency side, kept for good)
  "handoverNonces", // creditorId/nonce → { keepUntil } (agency side, pruned)
  "health", // "probe" → the time of the last health check's synced write
  "peerNonces", // from/id → { keepUntil }: caseledger-peer/1 envelope ids seen (pruned)
  "peerOutbox", // pending/id | done/id → PeerOutboxItem: peer messages that must arrive, and their signed answers
  "feeSchedules", // schedule hash → StoredFeeSchedule (lender and agency side; never deleted)
  "statements", // statement hash → StoredStatement (lender and agency side; never deleted)
  "repayments", // s/seq | i/id | c/caseKey/seq: the repayment ledger at the creditor (append-only)
  "repaymentReports", // reportId → RepaymentReport: what this agency reported and what the creditor answered
  "contacts", // e/entryId | k/permitId | p/caseKey | c/collector/start(15)/entryId | r/at(15)/permitId: the agency's contact log, its permits, promises, refusals
  "conductTally", // day/debtorKey/agency/permitId → TallyMark: connected contacts and reservations per debtor per China day
  "statementParts", // h/hash | p/hash/index(4): a statement arriving in parts (agency side; parts removed once whole)
  "complaints", // conduct (§26): c/id → StoredComplaint (creditor, text sealed) | n/id → ComplaintNotice, k/caseKey/id (holder) | l/version → LexiconMark | r/hash → StoredConductReport (supervisor)
  "mediations", // agreement hash → StoredMediation (creditor and mediator side; never deleted, §28)
] as const;
export type SublevelName = (typeof SUBLEVELS)[number];
