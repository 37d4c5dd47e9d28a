import { type CaseStatusName, isHeldStatus } from "../domain/consortium/index.js";
import { ChainError } from "./errors.js";

/** A case with its debtor, for the registering kinds. */
export interface DebtorCase {
  caseKey: string;
  debtorKey: string;
}

/** A case and what its creditor states it was settled for, in fen as a decimal string ("0" for a write-off). */
export interface SettledCase {
  caseKey: string;
  settledFen: string;
}

/**
 * Chain work the submitter does, one kind per CaseRegistry batch function. The creditor (for register,
 * assign, recall, extend, settle, close, transferCreditor) and the agency (accept, returnCases) is always
 * the gateway's own member: the signer's.
 */
export type CaseJobSpec =
  | { kind: "registerAndAssign"; agencyId: number; until: number; items: DebtorCase[] }
  | { kind: "register"; items: DebtorCase[] }
  | { kind: "assign"; agencyId: number; until: number; caseKeys: string[] }
  | { kind: "accept" | "returnCases" | "recall" | "close"; caseKeys: string[] }
  /** `termsHash`: SHA-256 of the settlement terms document (0x + 64 hex), absent when there is none. */
  | { kind: "settle"; settlements: SettledCase[]; termsHash?: string }
  | { kind: "extend"; until: number; caseKeys: string[] }
  | { kind: "transferCreditor"; toCreditorId: number; caseKeys: string[] };

export type CaseJobKind = CaseJobSpec["kind"];
export const CASE_JOB_KINDS: readonly CaseJobKind[] = [
  "registerAndAssign",
  "register",
  "assign",
  "accept",
  "returnCases",
  "recall",
  "extend",
  "settle",
  "close",
  "transferCreditor",
];

/** The parameters of a job other than its items. */
export interface CaseJobParams {
  agencyId?: number;
  until?: number;
  toCreditorId?: number;
  /** settle: SHA-256 of the terms document; absent when there is none (the zero hash goes on chain). */
  termsHash?: string;
}

/** One item as the outbox keeps it. */
export interface JobItem {
  caseKey: string;
  debtorKey?: string;
  /** settle: the amount in fen, a decimal string (uint64 on chain). */
  settledFen?: string;
}

/** The case as `casesOf` returns it, in numbers and names. */
export interface ChainCaseState {
  creditorId: number;
  agencyId: number;
  until: number;
  status: CaseStatusName;
}

const KEY = /^0x[0-9a-f]{64}$/;
const ZERO = `0x${"0".repeat(64)}`;
const MAX_UINT32 = 2 ** 32 - 1;
const MAX_UINT40 = 2 ** 40 - 1;
const MAX_UINT64 = 2n ** 64n - 1n;
const FEN = /^(0|[1-9][0-9]{0,19})$/;
const ZERO_HASH = ZERO;

/**
 * Checks a job before the outbox accepts it, and returns its params and items in canonical form (lowercase
 * keys). Rejects what the contract would reject for the whole job, and a key twice in one job (the second
 * occurrence could only ever fail, or — in a later transaction — look already done).
 */
export function normalizeJob(spec: CaseJobSpec): { kind: CaseJobKind; params: CaseJobParams; items: JobItem[] } {
  const problems: string[] = [];
  if (!CASE_JOB_KINDS.includes(spec?.kind)) throw new ChainError("JOB_INVALID", `unknown job kind ${String(spec?.kind)}`);
  const uint = (value: unknown, name: string, max: number) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1 || value > max) {
      problems.push(`${name} must be an integer from 1 to ${max}`);
    }
    return value as number;
  };
  const key = (value: unknown, where: string) => {
    const text = typeof value === "string" ? value.toLowerCase() : "";
    if (!KEY.test(text) || text === ZERO) problems.push(`${where} must be a non-zero 32-byte hex key`);
    return text;
  };

  const params: CaseJobParams = {};
  if ("agencyId" in spec) params.agencyId = uint(spec.agencyId, "agencyId", MAX_UINT32);
  if ("until" in spec) params.until = uint(spec.until, "until", MAX_UINT40);
  if ("toCreditorId" in spec) params.toCreditorId = uint(spec.toCreditorId, "toCreditorId", MAX_UINT32);
  if ("termsHash" in spec && spec.termsHash !== undefined) {
    const text = typeof spec.termsHash === "string" ? spec.termsHash.toLowerCase() : "";
    if (!KEY.test(text)) problems.push("termsHash must be a 32-byte hex hash");
    else if (text !== ZERO_HASH) params.termsHash = text;
  }
  const fen = (value: unknown, where: string) => {
    if (typeof value !== "string" || !FEN.test(value) || BigInt(value) > MAX_UINT64) {
      problems.push(`${where} must be a whole number of fen from 0 to ${MAX_UINT64}, as a decimal string`);
    }
    return String(value);
  };

  const raw: unknown[] = "items" in spec ? spec.items : "settlements" in spec ? spec.settlements : spec.caseKeys;
  if (!Array.isArray(raw) || raw.length === 0) throw new ChainError("JOB_INVALID", "a job needs at least one item");
  const seen = new Map<string, number>();
  const items = raw.map((entry, i): JobItem => {
    if ("items" in spec) {
      const { caseKey, debtorKey } = (entry ?? {}) as Partial<DebtorCase>;
      return { caseKey: key(caseKey, `items[${i}].caseKey`), debtorKey: key(debtorKey, `items[${i}].debtorKey`) };
    }
    if ("settlements" in spec) {
      const { caseKey, settledFen } = (entry ?? {}) as Partial<SettledCase>;
      return { caseKey: key(caseKey, `settlements[${i}].caseKey`), settledFen: fen(settledFen, `settlements[${i}].settledFen`) };
    }
    return { caseKey: key(entry, `caseKeys[${i}]`) };
  });
  items.forEach(({ caseKey }, i) => {
    const first = seen.get(caseKey);
    if (first !== undefined && problems.length < 20) problems.push(`item ${i} repeats the case of item ${first}`);
    else seen.set(caseKey, i);
  });
  if (problems.length > 0) {
    throw new ChainError("JOB_INVALID", `the job is invalid: ${problems.slice(0, 20).join("; ")}`);
  }
  return { kind: spec.kind, params, items };
}

/** The CaseRegistry function and its arguments for `items` of a job. */
export function jobCall(kind: CaseJobKind, params: CaseJobParams, items: JobItem[]): { method: string; args: unknown[] } {
  const keys = items.map((item) => item.caseKey);
  const debtors = () => items.map((item) => item.debtorKey as string);
  switch (kind) {
    case "registerAndAssign":
      return { method: "registerAndAssign", args: [params.agencyId, params.until, keys, debtors()] };
    case "register":
      return { method: "register", args: [keys, debtors()] };
    case "assign":
      return { method: "assign", args: [params.agencyId, params.until, keys] };
    case "extend":
      return { method: "extend", args: [keys, params.until] };
    case "transferCreditor":
      return { method: "transferCreditor", args: [keys, params.toCreditorId] };
    case "settle":
      return { method: "settle", args: [keys, items.map((item) => BigInt(item.settledFen ?? "0")), params.termsHash ?? ZERO_HASH] };
    default:
      return { method: kind, args: [keys] };
  }
}

/**
 * Whether a case already is where `kind` would take it, so that sending it again must not happen: the
 * check that makes a resend after a crash (transaction mined, outbox not yet updated) harmless. `memberId`
 * is the gateway's member (the creditor, or for accept/returnCases the agency).
 *
 * The states chosen can only arise from this very step (or an identical one): for an assignment, the same
 * creditor, agency and `until` to the second.
 */
export function reachedTarget(kind: CaseJobKind, params: CaseJobParams, state: ChainCaseState, memberId: number): boolean {
  const mine = state.creditorId === memberId && state.status !== "None";
  const assignedAsAsked = state.agencyId === params.agencyId && state.until === params.until;
  switch (kind) {
    case "registerAndAssign":
      // Registered-only by us is not this job (it assigns in the same transaction): let the chain say AlreadyRegistered.
      return mine && state.status !== "Registered" && assignedAsAsked;
    case "register":
      return mine;
    case "assign":
      return mine && isHeldStatus(state.status) && assignedAsAsked;
    case "accept":
      return state.agencyId === memberId && state.status === "Accepted";
    case "returnCases":
      return state.agencyId === memberId && state.status === "Returned";
    case "recall":
      return mine && state.status === "Recalled";
    case "extend":
      return mine && isHeldStatus(state.status) && state.until === params.until;
    case "settle":
      return mine && state.status === "Settled";
    case "close":
      return mine && state.status === "Closed";
    case "transferCreditor":
      return state.creditorId === params.toCreditorId && state.status !== "None";
  }
}
