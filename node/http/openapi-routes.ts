import { VERSION } from "../version.js";

/**
 * Every route the gateway mounts, by hand: method, express path, who may call it, what it does. The OpenAPI
 * document (`GET /v1/openapi.json`) is generated from this list, and test/node/http/console-api.test.ts fails when
 * a mounted route is missing here (or a listed one is not mounted). Add a line with every new route.
 */
export interface DocumentedRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  /** "none", or the staff roles (comma-separated) that may call it; admin may call everything. */
  role: string;
  tag: string;
  summary: string;
  query?: string[];
  /** Request body media type. */
  body?: string;
  status?: number;
  produces?: string;
  /**
   * Whether a call goes to the audit log (node/http/audit.ts). Default: staff routes other than GET. `false` for
   * POSTs that change nothing, and for the ownership check, which writes its own entries (ownership-audit.ts: the
   * debtor key and the answer, which the middleware does not know); `true` for reads that open personal data.
   */
  audit?: boolean;
}

export const VERSION_INFO = {
  title: "CaseLedger gateway API",
  version: VERSION,
  description:
    "One gateway per member institution. Staff authenticate with `Authorization: Bearer <token>`. Errors: `{ error: { code, message, details } }`. 每个成员机构一个网关；错误格式统一。",
};

const J = "application/json";

export const DOCUMENTED_ROUTES: readonly DocumentedRoute[] = [
  // pages
  { method: "GET", path: "/", role: "none", tag: "pages", summary: "web console (staff log in with their token)", produces: "text/html" },
  { method: "GET", path: "/a/:token", role: "none", tag: "pages", summary: "public page behind an authorization letter's QR code", produces: "text/html" },
  { method: "GET", path: "/console/messages.json", role: "none", tag: "pages", summary: "the message catalog: every error and warning code with its Chinese and English words", produces: "application/json" },
  { method: "GET", path: "/console/:file", role: "none", tag: "pages", summary: "the console's scripts and styles", produces: "text/javascript" },
  { method: "GET", path: "/console/vendor/:file", role: "none", tag: "pages", summary: "chartist and qrcode-generator, from their npm packages", produces: "text/javascript" },
  // public API
  { method: "GET", path: "/metrics", role: "none", tag: "public", summary: "Prometheus metrics (text format): to loopback clients, else to admin tokens only (403)", produces: "text/plain" },
  { method: "GET", path: "/v1/health", role: "none", tag: "public", summary: "gateway, chain node, store, outbox and index status; 503 while the chain node is down or the store refuses writes" },
  { method: "GET", path: "/v1/openapi.json", role: "none", tag: "public", summary: "this document" },
  { method: "POST", path: "/v1/handover", role: "none", tag: "gateway-to-gateway", summary: "a lender's package of case details sealed to this member's encryption key (caseledger-handover/2; checked against MemberRegistry and the chain); answers a signed acknowledgement", body: J },
  { method: "POST", path: "/v1/peer", role: "none", tag: "gateway-to-gateway", summary: "a member-to-member message (caseledger-peer/1) signed by the sending member's key on chain; dispatched by kind, answered with this member's signed answer or signed refusal", body: J },
  { method: "GET", path: "/v1/public/authorizations/:token", role: "none", tag: "public", summary: "is the agency of this letter authorized for its case right now (masked data only; rate limited; 404 for any other token)" },
  { method: "GET", path: "/v1/console/directory", role: "none", tag: "public", summary: "the consortium's active members whose metadata matches the chain: names, roles, console URLs (where the console sends a token naming that member)" },
  { method: "POST", path: "/v1/public/complaints/:token", role: "none", tag: "public", summary: "the complaint form behind a letter's QR code { category, text, callback? }: carried to the case's creditor over the peer channel, 201 with a reference once its gateway answered signed (rate limited per address and per letter; 404 for any other token, 410 for a letter too old)", body: J, status: 201 },
  // session
  { method: "GET", path: "/v1/me", role: "admin,lender,agency,court,supervisor,mediator", tag: "session", summary: "the member and staff role behind the token" },
  { method: "GET", path: "/v1/members", role: "admin,lender,agency,court,supervisor,mediator", tag: "session", summary: "the member directory, each entry checked against MemberRegistry's metadataHash" },
  // case lists
  { method: "POST", path: "/v1/case-lists", role: "lender", tag: "case-lists", summary: "upload a case list (raw text/csv or .xlsx body, streamed; sheet: the workbook's sheet, default the first)", query: ["name", "sheet"], body: "text/csv|application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", status: 201 },
  { method: "GET", path: "/v1/case-lists", role: "lender", tag: "case-lists", summary: "the latest uploads" },
  { method: "GET", path: "/v1/case-lists/queue", role: "lender", tag: "case-lists", summary: "uploads being ingested and waiting: counts, limits, and the caller's own with their places in the queue" },
  { method: "GET", path: "/v1/case-lists/:id", role: "lender", tag: "case-lists", summary: "one upload's summary and totals" },
  { method: "GET", path: "/v1/case-lists/:id/report", role: "lender", tag: "case-lists", summary: "the validation report, paged by line", query: ["status", "code", "after", "limit"] },
  { method: "GET", path: "/v1/case-lists/:id/rejected.csv", role: "lender", tag: "case-lists", summary: "rejected and duplicate rows with field, code and message", produces: "text/csv" },
  { method: "POST", path: "/v1/case-lists/:id/allocation", role: "lender", tag: "allocations", summary: "preview an allocation: a decision with its reason for every case, totals per agency", status: 201 },
  { method: "GET", path: "/v1/allocations/:id", role: "lender", tag: "allocations", summary: "the preview, or once committed the progress of its chain jobs and handovers" },
  { method: "GET", path: "/v1/allocations/:id/decisions", role: "lender", tag: "allocations", summary: "the decisions of an allocation" },
  { method: "GET", path: "/v1/handovers", role: "lender", tag: "allocations", summary: "every handover delivery: pending (next attempt), delivered (signed acknowledgements), cancelled by the chain, dead-letter" },
  { method: "GET", path: "/v1/handovers/:jobId", role: "lender", tag: "allocations", summary: "one assignment job's handover delivery" },
  { method: "POST", path: "/v1/handovers/:jobId/retry", role: "lender", tag: "allocations", summary: "try a dead-lettered handover again now, with a fresh attempt count (the chain is read first)" },
  { method: "POST", path: "/v1/allocations/:id/commit", role: "lender", tag: "allocations", summary: "commit (202); a second commit is 409", body: J, status: 202 },
  // agencies
  { method: "GET", path: "/v1/agencies", role: "lender", tag: "agencies", summary: "the agencies this lender works with" },
  { method: "GET", path: "/v1/agencies/:id", role: "lender", tag: "agencies", summary: "one agency's profile" },
  { method: "PUT", path: "/v1/agencies/:id", role: "lender", tag: "agencies", summary: "add or change an agency: regions, ranges, capacity, gateway URL", body: J },
  { method: "DELETE", path: "/v1/agencies/:id", role: "lender", tag: "agencies", summary: "remove an agency from the list", status: 204 },
  { method: "GET", path: "/v1/profile", role: "agency", tag: "agencies", summary: "this agency's own profile" },
  { method: "PUT", path: "/v1/profile", role: "agency", tag: "agencies", summary: "set this agency's own profile", body: J },
  // cases
  { method: "GET", path: "/v1/cases", role: "lender,agency", tag: "cases", summary: "the member's cases from the chain index", query: ["loanRef", "limit", "after", "as"] },
  { method: "GET", path: "/v1/cases/:caseKey", role: "lender,agency", tag: "cases", summary: "one case: details (masked unless held), chain state, history", audit: true },
  { method: "POST", path: "/v1/cases/actions", role: "lender,agency", tag: "cases", summary: "recall, extend, settle, close, transferCreditor (lender); accept, returnCases (agency): a chain job", body: J, status: 202 },
  { method: "GET", path: "/v1/jobs/:id", role: "admin,lender,agency,court", tag: "cases", summary: "a job's progress and its failed items" },
  { method: "GET", path: "/v1/case-summaries", role: "lender,agency", tag: "cases", summary: "the member's cases with loan ref, masked name, outstanding, overdue days (the console's lists)", query: ["after", "limit", "as"] },
  { method: "GET", path: "/v1/portfolio", role: "lender", tag: "cases", summary: "cases by status, outstanding and recovery by agency, aging" },
  { method: "GET", path: "/v1/scorecards", role: "lender,agency", tag: "cases", summary: "agency scorecards: the lender's own view (default for a lender) or the consortium-wide one from the chain alone", query: ["view"] },
  { method: "POST", path: "/v1/cases/:caseKey/authorization-letter", role: "agency", tag: "cases", summary: "issue an authorization letter for a case held now: a random token for its QR code", status: 201 },
  // evidence (the evidence issue)
  { method: "GET", path: "/verify", role: "none", tag: "pages", summary: "the static verifier page (works saved to disk, offline)", produces: "text/html" },
  { method: "POST", path: "/v1/evidence", role: "lender,agency", tag: "evidence", summary: "record a file (raw body, streamed) as evidence for a case held now", query: ["caseKey", "kind", "keep", "sm3", "capturedAt", "mediaType"], body: "application/octet-stream", status: 201 },
  { method: "POST", path: "/v1/evidence/hash", role: "lender,agency", tag: "evidence", summary: "record a file's hash (the file kept elsewhere)", body: J, status: 201 },
  { method: "GET", path: "/v1/evidence", role: "lender,agency,court", tag: "evidence", summary: "a case's evidence records and timeline", query: ["caseKey", "after", "limit"] },
  { method: "GET", path: "/v1/evidence/status", role: "lender,agency,court", tag: "evidence", summary: "anchoring progress and lag" },
  { method: "GET", path: "/v1/evidence/:id", role: "lender,agency,court", tag: "evidence", summary: "one evidence record" },
  { method: "GET", path: "/v1/evidence/:id/content", role: "lender,agency,court", tag: "evidence", summary: "the file, when this gateway kept it", produces: "application/octet-stream", audit: true },
  { method: "GET", path: "/v1/evidence/:id/receipt", role: "lender,agency,court", tag: "evidence", summary: "the self-contained receipt (pending until anchored)", query: ["download"] },
  { method: "POST", path: "/v1/evidence/:leafHash/court-verification", role: "court", tag: "evidence", summary: "record on chain that this court verified a receipt", body: J, status: 201 },
  { method: "POST", path: "/v1/bundles", role: "lender", tag: "evidence", summary: "the case bundle of { caseKey } for a court (docs/case-bundle-format.md): every member's receipts of the case (asked over the peer channel), its history on chain, signed by this member as its creditor of record", body: J, status: 201 },
  { method: "POST", path: "/v1/bundles/verify", role: "admin,lender,agency,court,supervisor,mediator", tag: "evidence", summary: "verify a case bundle against this gateway's chain: signature, history, each receipt, custody and completeness, a verdict per item (JSON ≤ 1 MB, or the raw file under another Content-Type ≤ 64 MiB; 413 above)", body: J, audit: false },
  { method: "POST", path: "/v1/bundles/report", role: "court", tag: "evidence", summary: "a court member's report of a case bundle verified against this chain, as a PDF to attach to a filing: verdict, checks, holdings, the timeline with each item's verdict and anchor, a QR code to the public verifier (SHA-256 in X-Caseledger-Report-Sha256)", body: J, produces: "application/pdf", audit: false },
  { method: "POST", path: "/v1/bundles/court-verification", role: "court", tag: "evidence", summary: "a court member verifies a case bundle (body as for /v1/bundles/verify) and records it on chain once: EvidenceRegistry.recordBundleVerification(caseKey, bundleHash, reportHash, verdict); ?reportHash= the filed report PDF's SHA-256", query: ["reportHash"], body: J, status: 201 },
  { method: "POST", path: "/v1/verify", role: "admin,lender,agency,court,supervisor,mediator", tag: "evidence", summary: "verify a receipt against a file's hash (JSON) or the file itself (raw body, receipt in X-Caseledger-Receipt)", body: J, audit: false },
  // ownership
  { method: "GET", path: "/v1/ownership", role: "agency", tag: "ownership", summary: "does this agency hold the case now (by caseKey, or creditorId and loanRef), with the on-chain proof", query: ["caseKey", "creditorId", "loanRef"] },
  { method: "POST", path: "/v1/ownership", role: "agency", tag: "ownership", summary: "the debtor's cases this agency holds, by ID number in the body (never in a URL); limited per token", body: J, audit: false },
  // administration (this gateway's staff)
  { method: "GET", path: "/v1/staff-tokens", role: "admin", tag: "admin", summary: "this gateway's staff tokens: public id, role, name, created, expires, revoked (never the secrets)" },
  { method: "POST", path: "/v1/staff-tokens", role: "admin", tag: "admin", summary: "issue a staff token { role, name, ttlDays? (1–365, default 90) }; the secret is in this answer only", body: J, status: 201 },
  { method: "DELETE", path: "/v1/staff-tokens/:id", role: "admin", tag: "admin", summary: "revoke a staff token now (its cached verification is dropped at once)", status: 204 },
  { method: "GET", path: "/v1/member/pending-change", role: "admin", tag: "admin", summary: "the operator's proposal pending against this member on chain, or null: kind (signer, metadata, recovery), proposed signer, metadata hash or recovery key, executableAt; and the member's recovery key address; open while suspended" },
  { method: "POST", path: "/v1/member/pending-change/cancel", role: "admin", tag: "admin", summary: "cancel the pending operator proposal with this member's own key (MemberRegistry.cancelChange); answers once mined" },
  { method: "POST", path: "/v1/repayments", role: "lender,agency", tag: "repayments", summary: "an agency reports a repayment on a case it holds to the case's creditor, with its voucher (202, delivered through the peer outbox); the creditor records one to its own account (201, confirmed at once)", body: J, status: 202 },
  { method: "GET", path: "/v1/repayments", role: "agency", tag: "repayments", summary: "this agency's repayment reports (?caseKey=) and what the creditor made of them: sending, reported, confirmed, disputed, reversed, refused", query: ["caseKey"] },
  { method: "POST", path: "/v1/repayments/confirm", role: "lender", tag: "repayments", summary: "confirm many reported repayments at once: a result per id (its decision's evidence record, or why not)", body: J },
  { method: "POST", path: "/v1/repayments/:id/confirm", role: "lender", tag: "repayments", summary: "confirm a reported repayment: notarized, the outstanding reduced, the agency told", body: J },
  { method: "POST", path: "/v1/repayments/:id/dispute", role: "lender", tag: "repayments", summary: "dispute a reported repayment with a reason code: notarized, the agency told", body: J },
  { method: "POST", path: "/v1/repayments/:id/reverse", role: "lender", tag: "repayments", summary: "reverse a repayment or a waiver (at most once) with a reason code: a new entry, nothing deleted", body: J, status: 201 },
  { method: "GET", path: "/v1/cases/:caseKey/repayments", role: "lender", tag: "repayments", summary: "the creditor's repayment ledger of a case: every entry, each repayment's state, the outstanding and the waiver limit" },
  { method: "POST", path: "/v1/repayments/reconcile", role: "lender", tag: "repayments", summary: "reconcile against the bank's statement (CSV body: loan ref, amount, date columns): each line matched to a reported repayment of the same case, amount in fen and China-time day, the rest with a reason per line; a preview (confirm the matched ids at /v1/repayments/confirm)", body: "text/csv" },
  { method: "POST", path: "/v1/cases/:caseKey/repayments", role: "lender,agency", tag: "repayments", summary: "POST /v1/repayments with the case in the path: the agency holding the case reports a repayment (202), its creditor records one (201)", body: J, status: 202 },
  { method: "POST", path: "/v1/cases/:caseKey/waivers", role: "lender", tag: "repayments", summary: "a waiver (减免) of part of a case's debt, within the case's waiver limit", body: J, status: 201 },
  // contacts with debtors (docs/design.md §25)
  { method: "POST", path: "/v1/contacts/permits", role: "agency", tag: "contacts", summary: "a permit for a contact now ({ caseKey, channel, text? }): signed by this member's key, good for minutes; refused with a code when the case is not held, outside the hours, at the debtor's consortium-wide daily cap, on an open complaint or a promise not yet due, when another holder's tally may be stale, or when the text fails screening", body: J, status: 201 },
  { method: "POST", path: "/v1/contacts", role: "agency", tag: "contacts", summary: "log a contact (case, channel, party, start, duration, outcome, promise, collector's work number, permit, evidence): refused when malformed, in the future, on a case not held or overlapping the collector's other call; flagged when the permit is missing, reused, expired or for another case or channel, outside the hours, or a third party was told", body: J, status: 201 },
  { method: "GET", path: "/v1/contacts", role: "agency", tag: "contacts", summary: "this agency's contact log, newest first (?caseKey=)", query: ["caseKey"] },
  { method: "GET", path: "/v1/contacts/promises", role: "agency", tag: "contacts", summary: "the promises to pay on record (the latest of each case) by due date" },
  { method: "GET", path: "/v1/contacts/figures", role: "agency", tag: "contacts", summary: "this member's conduct figures over [from, to) per lender: contacts by channel and China hour, connected, permits refused by code, violations by kind — counts only", query: ["from", "to"] },
  { method: "GET", path: "/v1/audit", role: "admin", tag: "admin", summary: "the append-only audit log of staff actions, oldest first, paged by seq, optionally one action only", query: ["after", "limit", "action"] },
  { method: "GET", path: "/v1/audit/verify", role: "admin", tag: "admin", summary: "re-compute the audit log's hash chain: ok, or the first entry that does not fit" },
  // mediation agreements and the filing package (design §28)
  { method: "POST", path: "/v1/mediations", role: "lender", tag: "mediations", summary: "draft a mediation agreement (caseledger-mediation-agreement/1) for a case this member is the creditor of, naming an Active MEDIATOR member: field-level problems, Σ instalments = amount", body: J, status: 201 },
  { method: "GET", path: "/v1/mediations", role: "lender,mediator", tag: "mediations", summary: "this member's agreements, as creditor or as mediator (?caseKey=, ?state=draft|requested|received|signed|refused|effective)", query: ["caseKey", "state"] },
  { method: "GET", path: "/v1/mediations/:hash", role: "lender,mediator", tag: "mediations", summary: "one agreement: its signatures, the debtor's acceptance, its evidence record, and (creditor, in force) its schedule" },
  { method: "POST", path: "/v1/mediations/:hash/request", role: "lender", tag: "mediations", summary: "sign the agreement's hash with this member's key and ask the mediator's gateway for its signature (mediation.request over the peer channel)" },
  { method: "POST", path: "/v1/mediations/:hash/approve", role: "mediator", tag: "mediations", summary: "the mediator's staff approve: its key signs the hash, the creditor's gateway checks it against the chain; notarized in the mediator's log" },
  { method: "POST", path: "/v1/mediations/:hash/refuse", role: "mediator", tag: "mediations", summary: "the mediator's staff refuse with a reason code; the creditor's gateway is told", body: J },
  { method: "POST", path: "/v1/mediations/:hash/acceptance", role: "lender", tag: "mediations", summary: "the debtor's acceptance: method and the evidence record of its file in this gateway's log; with both signatures the agreement is in force and notarized", body: J },
  { method: "GET", path: "/v1/mediations/:hash/schedule", role: "lender", tag: "mediations", summary: "the instalments against the case's confirmed repayments: paid, due, overdue, defaulted" },
  { method: "POST", path: "/v1/mediations/:hash/filing", role: "lender", tag: "mediations", summary: "after a default: the filing package (起诉状 or 支付令申请书 from the staff's fields, the evidence list from the case bundle, the bundle, the notarized agreement, a manifest of SHA-256s) as a zip; carries personal data: never kept, audited", body: J, produces: "application/zip", audit: true },
  // fee schedules and monthly statements (docs/design.md §23)
  { method: "GET", path: "/v1/fee-schedules", role: "lender,agency", tag: "fees", summary: "this member's fee schedules with its agencies (lender) or creditors (agency): proposed, received, agreed", query: ["agencyId", "creditorId"] },
  { method: "GET", path: "/v1/fee-schedules/:hash", role: "lender,agency", tag: "fees", summary: "one fee schedule with both members' signed envelopes" },
  { method: "POST", path: "/v1/fee-schedules", role: "admin", tag: "fees", summary: "lender: propose a fee schedule to an agency (full-risk, half-risk, no-risk; fen as decimal strings); sent signed as fee-schedule.propose", body: J, status: 201 },
  { method: "POST", path: "/v1/fee-schedules/:hash/resend", role: "admin", tag: "fees", summary: "lender: propose a schedule the agency's gateway has not taken (a dead letter or a refusal) again" },
  { method: "POST", path: "/v1/fee-schedules/:hash/accept", role: "agency", tag: "fees", summary: "agency: accept a received fee schedule; sent signed as fee-schedule.accept, agreed once the lender's gateway answers" },
  { method: "GET", path: "/v1/statements", role: "lender,agency", tag: "fees", summary: "this member's monthly statements (without their lines)", query: ["agencyId", "creditorId", "month"] },
  { method: "GET", path: "/v1/statements/:hash", role: "lender,agency", tag: "fees", summary: "one statement: the document (lines, lines apart, totals), its state and the signed envelopes" },
  { method: "GET", path: "/v1/statements/:hash.csv", role: "lender,agency", tag: "fees", summary: "the statement as CSV (UTF-8 with BOM, formulas neutralized)", produces: "text/csv" },
  { method: "GET", path: "/v1/statements/:hash.pdf", role: "lender,agency", tag: "fees", summary: "the statement as PDF", produces: "application/pdf" },
  { method: "POST", path: "/v1/statements", role: "lender", tag: "fees", summary: "lender: compute and issue the statement of { agencyId, month }; stored for good and sent signed as statement.issue", body: J, status: 201 },
  { method: "POST", path: "/v1/statements/:hash/resend", role: "lender", tag: "fees", summary: "lender: send an issued statement the agency's gateway has not answered, again" },
  { method: "POST", path: "/v1/statements/:hash/accept", role: "agency", tag: "fees", summary: "agency: accept a statement (statement.accept); both members notarize it" },
  { method: "POST", path: "/v1/statements/:hash/dispute", role: "agency", tag: "fees", summary: "agency: dispute lines { lines: [{ lineId, reason }] } (statement.dispute)", body: J },
  // conduct: text screening, complaints (docs/design.md §26)
  { method: "POST", path: "/v1/conduct/screen", role: "lender,agency", tag: "conduct", summary: "screen a text or template { text, channel: sms|letter|app|email|template } against the lexicon: ok, or the rule, category and span [start, end) in code points", body: J, audit: false },
  { method: "GET", path: "/v1/conduct/lexicon", role: "lender,agency,supervisor", tag: "conduct", summary: "the lexicon in use: version, hash and the evidence record that notarized it" },
  { method: "GET", path: "/v1/complaints", role: "lender", tag: "conduct", summary: "the creditor's complaints without the debtor's words: category, agency, state, shared, resolution", query: ["state", "agencyId"] },
  { method: "GET", path: "/v1/complaints/:id", role: "lender", tag: "conduct", summary: "one complaint with the debtor's words and call-back number", audit: true },
  { method: "POST", path: "/v1/complaints/:id/share", role: "lender", tag: "conduct", summary: "share the complaint's words (never the call-back number) with the agency, signed over the peer channel" },
  { method: "POST", path: "/v1/complaints/:id/close", role: "lender", tag: "conduct", summary: "close with a resolution { resolution: AGENCY_WARNED|AGENCY_REPLACED|DEBT_CORRECTED|UNFOUNDED|WITHDRAWN }; the agency is told", body: J },
  { method: "GET", path: "/v1/complaint-notices", role: "agency", tag: "conduct", summary: "what the creditors said about complaints on this agency's cases: category, state, resolution, the words once shared" },
  { method: "POST", path: "/v1/supervision/reports", role: "supervisor", tag: "conduct", summary: "build the month's conduct report { month: YYYY-MM }: every member asked over the peer channel (conduct.stats, answered to SUPERVISOR members only), each signed answer kept whole, the report's hash notarized in this member's evidence log", body: J, status: 201 },
  { method: "GET", path: "/v1/supervision/reports", role: "supervisor", tag: "conduct", summary: "the conduct reports built here: month, hash, notarizing record, members asked and answered" },
  { method: "GET", path: "/v1/supervision/reports/:hash", role: "supervisor", tag: "conduct", summary: "one report: the signed statements, the totals per agency and lender (contacts, China hours, cap hits, violations, complaints) and each signature checked against the chain" },
  { method: "GET", path: "/v1/supervision/reports/:hash.pdf", role: "supervisor", tag: "conduct", summary: "the report as PDF", produces: "application/pdf" },
  { method: "GET", path: "/v1/agency-figures", role: "lender", tag: "conduct", summary: "its agencies' conduct figures about this lender's cases for a month (contacts by channel and China hour, connected, refusals incl. cap hits, violations), each from the agency's signed answer (conduct.lender-figures)", query: ["month"] },
];
