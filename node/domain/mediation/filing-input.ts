/**
 * What the lender's staff fill in for a filing package (docs/design.md §28), read from untrusted JSON with a code and
 * a JSON path per problem (catalog section `filingInput`). The defendant's name and ID number are never taken from
 * here: they come from the lender's encrypted case record. Everything else the template writes from the agreement
 * and the repayments unless the staff give their own words.
 */
export const FILING_DOCUMENTS = ["complaint", "payment-order"] as const;
export type FilingDocument = (typeof FILING_DOCUMENTS)[number];

export interface FilingInput {
  /** 起诉状 (a suit) or 支付令申请书 (a payment order). */
  document: FilingDocument;
  /** The court the document is addressed to (此致 …人民法院). */
  court: string;
  /** The lender as plaintiff / applicant: its registered name (default: its directory name), address, legal representative. */
  plaintiff: { name?: string; address: string; representative: string; phone?: string };
  /** The debtor's address and phone when the case record has none (name and ID number: the case record only). */
  defendant: { address?: string; phone?: string };
  /** The amount claimed, whole fen; default: the template's (see the service). */
  claimFen?: string;
  /** Own words for the facts and reasons (事实与理由), replacing the template's. */
  facts?: string;
}

export type FilingProblemCode = "SHAPE" | "DOCUMENT" | "REQUIRED" | "TOO_LONG" | "AMOUNT" | "UNKNOWN_FIELD";
export interface FilingProblem {
  readonly code: FilingProblemCode;
  readonly path: string;
}

const LIMITS = { court: 60, name: 80, address: 120, representative: 40, phone: 30, facts: 4_000 } as const;
const FEN = /^[1-9]\d{0,17}$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseFilingInput(raw: unknown): { ok: true; input: FilingInput } | { ok: false; problems: FilingProblem[] } {
  if (!isRecord(raw)) return { ok: false, problems: [{ code: "SHAPE", path: "$" }] };
  const problems: FilingProblem[] = [];
  const add = (code: FilingProblemCode, path: string) => problems.push({ code, path });
  const text = (value: unknown, path: string, limit: number, required: boolean): string | undefined => {
    if (value === undefined || (typeof value === "string" && value.trim() === "")) {
      if (required) add("REQUIRED", path);
      return undefined;
    }
    if (typeof value !== "string" || /[^\P{Cc}\n\t]/u.test(value)) {
      add("SHAPE", path);
      return undefined;
    }
    if ([...value.trim()].length > limit) add("TOO_LONG", path);
    return value.trim();
  };
  for (const key of Object.keys(raw)) if (!["document", "court", "plaintiff", "defendant", "claimFen", "facts"].includes(key)) add("UNKNOWN_FIELD", `$.${key}`);
  if (!(FILING_DOCUMENTS as readonly unknown[]).includes(raw.document)) add("DOCUMENT", "$.document");
  const court = text(raw.court, "$.court", LIMITS.court, true);
  const p = isRecord(raw.plaintiff) ? raw.plaintiff : {};
  if (!isRecord(raw.plaintiff)) add("REQUIRED", "$.plaintiff");
  const plaintiffName = text(p.name, "$.plaintiff.name", LIMITS.name, false);
  const plaintiffAddress = text(p.address, "$.plaintiff.address", LIMITS.address, true);
  const representative = text(p.representative, "$.plaintiff.representative", LIMITS.representative, true);
  const plaintiffPhone = text(p.phone, "$.plaintiff.phone", LIMITS.phone, false);
  const d = raw.defendant === undefined ? {} : isRecord(raw.defendant) ? raw.defendant : (add("SHAPE", "$.defendant"), {});
  const defendantAddress = text(d.address, "$.defendant.address", LIMITS.address, false);
  const defendantPhone = text(d.phone, "$.defendant.phone", LIMITS.phone, false);
  if (raw.claimFen !== undefined && (typeof raw.claimFen !== "string" || !FEN.test(raw.claimFen))) add("AMOUNT", "$.claimFen");
  const facts = text(raw.facts, "$.facts", LIMITS.facts, false);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    input: {
      document: raw.document as FilingDocument,
      court: court!,
      plaintiff: { ...(plaintiffName ? { name: plaintiffName } : {}), address: plaintiffAddress!, representative: representative!, ...(plaintiffPhone ? { phone: plaintiffPhone } : {}) },
      defendant: { ...(defendantAddress ? { address: defendantAddress } : {}), ...(defendantPhone ? { phone: defendantPhone } : {}) },
      ...(raw.claimFen !== undefined ? { claimFen: raw.claimFen as string } : {}),
      ...(facts ? { facts } : {}),
    },
  };
}
