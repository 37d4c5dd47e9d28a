import { createHash } from "node:crypto";
import type { ApartLineJson, Statement, StatementBody, StatementLineJson, UsedSchedule } from "./statement.js";

/**
 * A statement as issued, per docs/design.md §23: the computed statement with money as decimal strings of fen, the
 * issue time and the statement it corrects (a correction is a new statement, never an edit). Its hash — "0x" +
 * SHA-256 of the canonical JSON (RFC 8785) — names it everywhere: the id, the signatures of both members and the
 * evidence records that notarize it.
 */

export const STATEMENT_FORMAT = "caseledger-statement/1";

export interface StatementDocument {
  readonly format: typeof STATEMENT_FORMAT;
  readonly creditorId: number;
  readonly agencyId: number;
  readonly month: string;
  readonly issuedAt: string;
  /** The statement this one corrects, or "". */
  readonly supersedes: string;
  readonly schedules: readonly UsedSchedule[];
  readonly lines: readonly StatementLineJson[];
  readonly apart: readonly ApartLineJson[];
  readonly totals: {
    readonly lines: number;
    readonly repaidFen: string;
    readonly commissionFen: string;
    readonly fixedFeeFen: string;
    readonly feeFen: string;
    readonly apartLines: number;
    readonly apartFen: string;
  };
}

/** The document of a statement computed with bigint lines (each line copied with its money as text). */
export function statementDocument(statement: Statement, issue: { issuedAt: string; supersedes?: string }): StatementDocument {
  return statementDocumentOf(
    {
      ...statement,
      lines: statement.lines.map((l) => ({ ...l, amountFen: l.amountFen.toString(), feeFen: l.feeFen.toString() })),
      apart: statement.apart.map((l) => ({ ...l, amountFen: l.amountFen.toString() })),
    },
    issue,
  );
}

/** The document of a statement whose lines are in their document form already: they are taken, not copied. */
export function statementDocumentOf(statement: StatementBody, issue: { issuedAt: string; supersedes?: string }): StatementDocument {
  const t = statement.totals;
  return {
    format: STATEMENT_FORMAT,
    creditorId: statement.creditorId,
    agencyId: statement.agencyId,
    month: statement.month,
    issuedAt: issue.issuedAt,
    supersedes: issue.supersedes ?? "",
    schedules: statement.schedules,
    lines: statement.lines,
    apart: statement.apart,
    totals: {
      lines: t.lines,
      repaidFen: t.repaidFen.toString(),
      commissionFen: t.commissionFen.toString(),
      fixedFeeFen: t.fixedFeeFen.toString(),
      feeFen: t.feeFen.toString(),
      apartLines: t.apartLines,
      apartFen: t.apartFen.toString(),
    },
  };
}

/** "0x" + SHA-256 of the document's canonical JSON, hashed in chunks (a statement can run to 100 MB of JSON). */
export function statementHash(doc: StatementDocument): string {
  const h = createHash("sha256");
  for (const chunk of canonicalStatementChunks(doc)) h.update(chunk);
  return `0x${h.digest("hex")}`;
}

const str = JSON.stringify;

/**
 * canonicalJson(doc), in chunks: the same bytes (RFC 8785: keys in code-unit order, written out below), without one
 * string of the whole statement or a sort of each line's keys. isStatementDocument admits no other keys, so nothing
 * the generic form would write is left out.
 */
export function* canonicalStatementChunks(doc: StatementDocument): Generator<string> {
  let chunk = `{"agencyId":${str(doc.agencyId)},"apart":[`;
  doc.apart.forEach((l, i) => {
    chunk += `${i === 0 ? "" : ","}{"amountFen":${str(l.amountFen)},"caseKey":${str(l.caseKey)},"entryId":${str(l.entryId)},"lineId":${str(l.lineId)},"paidAt":${str(l.paidAt)},"state":${str(l.state)}}`;
  });
  chunk += `],"creditorId":${str(doc.creditorId)},"format":${str(doc.format)},"issuedAt":${str(doc.issuedAt)},"lines":[`;
  for (let i = 0; i < doc.lines.length; i++) {
    const l = doc.lines[i]!;
    chunk +=
      `${i === 0 ? "" : ","}{"amountFen":${str(l.amountFen)},"at":${str(l.at)},"bp":${str(l.bp)},"bucket":${str(l.bucket)},"caseKey":${str(l.caseKey)},` +
      `"entryId":${str(l.entryId)},"feeFen":${str(l.feeFen)},"kind":${str(l.kind)},"lineId":${str(l.lineId)},"reverses":${str(l.reverses)},"scheduleVersion":${str(l.scheduleVersion)}}`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  chunk += `],"month":${str(doc.month)},"schedules":[`;
  doc.schedules.forEach((s, i) => {
    chunk += `${i === 0 ? "" : ","}{"effectiveFrom":${str(s.effectiveFrom)},"hash":${str(s.hash)},"kind":${str(s.kind)},"version":${str(s.version)}}`;
  });
  const t = doc.totals;
  chunk +=
    `],"supersedes":${str(doc.supersedes)},"totals":{"apartFen":${str(t.apartFen)},"apartLines":${str(t.apartLines)},"commissionFen":${str(t.commissionFen)},` +
    `"feeFen":${str(t.feeFen)},"fixedFeeFen":${str(t.fixedFeeFen)},"lines":${str(t.lines)},"repaidFen":${str(t.repaidFen)}}}`;
  yield chunk;
}

const LINE_KINDS = new Set<string>(["repayment", "reversal", "case-fee", "month-fee"]);
const APART_STATES = new Set<string>(["reported", "disputed", "unpriced"]);
const MODEL_KINDS = new Set<string>(["full-risk", "half-risk", "no-risk"]);
const FEN_TEXT = /^-?(?:0|[1-9]\d{0,17})$/;
const HASH = /^0x[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
const isText = (v: unknown, max = 200): v is string => typeof v === "string" && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isFen = (v: unknown): v is string => typeof v === "string" && FEN_TEXT.test(v);
/** Exactly `n` own keys: the named ones were checked, so there is no other (the hash covers the named ones only). */
const keys = (v: Record<string, unknown>, n: number) => Object.keys(v).length === n;

/** Whether a peer's value has a statement document's shape (checkStatement checks its arithmetic). */
export function isStatementDocument(raw: unknown): raw is StatementDocument {
  if (!isRecord(raw) || raw.format !== STATEMENT_FORMAT || !keys(raw, 10)) return false;
  const { creditorId, agencyId, month, issuedAt, supersedes, schedules, lines, apart, totals } = raw;
  if (!isInt(creditorId) || !isInt(agencyId) || !isText(month, 7) || !isText(issuedAt, 40) || !isText(supersedes, 66)) return false;
  if (!Array.isArray(schedules) || !Array.isArray(lines) || !Array.isArray(apart) || !isRecord(totals)) return false;
  const schedulesOk = schedules.every(
    (s: unknown) => isRecord(s) && keys(s, 4) && isInt(s.version) && isText(s.hash) && HASH.test(s.hash) && isText(s.effectiveFrom, 10) && isText(s.kind) && MODEL_KINDS.has(s.kind),
  );
  const linesOk = lines.every(
    (l: unknown) =>
      isRecord(l) && keys(l, 11) &&
      isText(l.lineId) && isText(l.kind) && LINE_KINDS.has(l.kind) && isText(l.caseKey) && isText(l.entryId) && isText(l.reverses) &&
      isText(l.at, 40) && isFen(l.amountFen) && isText(l.bucket, 20) && isInt(l.bp) && isInt(l.scheduleVersion) && isFen(l.feeFen),
  );
  const apartOk = apart.every(
    (l: unknown) =>
      isRecord(l) && keys(l, 6) && isText(l.lineId) && isText(l.caseKey) && isText(l.entryId) && isFen(l.amountFen) && isText(l.paidAt, 40) && isText(l.state) && APART_STATES.has(l.state),
  );
  const totalsOk =
    keys(totals, 7) &&
    isInt(totals.lines) && isFen(totals.repaidFen) && isFen(totals.commissionFen) && isFen(totals.fixedFeeFen) && isFen(totals.feeFen) && isInt(totals.apartLines) && isFen(totals.apartFen);
  return schedulesOk && linesOk && apartOk && totalsOk;
}
