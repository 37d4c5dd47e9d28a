/**
 * What an evidence record is evidence of (docs/design.md §16): the disposal steps of a case
 * from handover to settlement. The list is normative; a record of any other kind is not a v1 record.
 */
export const EVIDENCE_KINDS = [
  "handover",
  "authorization",
  "call-recording",
  "sms",
  "letter",
  "visit",
  "mediation-agreement",
  "repayment",
  "settlement",
  "court-filing",
  "other",
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export function isEvidenceKind(value: unknown): value is EvidenceKind {
  return typeof value === "string" && (EVIDENCE_KINDS as readonly string[]).includes(value);
}

