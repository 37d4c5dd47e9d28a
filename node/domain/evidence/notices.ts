import { canonicalJson } from "../canonical-json.js";
import type { EvidenceKind } from "./kinds.js";

/**
 * The gateway's own evidence: small JSON documents ("notices") that describe what the member did — a handover package
 * delivered, an assignment (the agency's authorization), a recall, a settlement — with the on-chain transaction.
 * Their canonical JSON is the content whose SHA-256 goes into the record; the gateway keeps the document with the log
 * entry (GET /v1/evidence/:id/content). Keys and member ids only: no personal data.
 */
export const NOTICE_FORMAT = "caseledger-notice/1";
export const NOTICE_MEDIA_TYPE = "application/json";

export type NoticeEvent = "handover" | "assignment" | "recall" | "settlement";

export interface Notice {
  format: typeof NOTICE_FORMAT;
  event: NoticeEvent;
  caseKey: string;
  creditorId: number;
  agencyId?: number;
  /** Last second of the mandate (assignments). */
  until?: number;
  /** SHA-256 (0x) of the handover package's canonical JSON, as the agency's gateway received and signed for it. */
  packageHash?: string;
  /** The agency's signed acknowledgement of the package: its hash (0x SHA-256) and EIP-191 signature. */
  ackHash?: string;
  ackSignature?: string;
  chainId: number;
  caseRegistry: string;
  /** The transaction that did it on chain (absent for a handover, which is gateway to gateway). */
  txHash?: string;
  blockNumber?: number;
  jobId?: string;
  /** Settlements: the amount the creditor stated on chain, in fen (decimal string), and the terms' SHA-256 (0x) if any. */
  settledFen?: string;
  termsHash?: string;
}

/**
 * The evidence kind of each event. docs/design.md §16 has no "recall" kind: a recall notice is recorded as `other`
 * (its document says `event: "recall"`).
 */
export const NOTICE_KINDS: Record<NoticeEvent, EvidenceKind> = {
  handover: "handover",
  assignment: "authorization",
  recall: "other",
  settlement: "settlement",
};

export function noticeText(notice: Notice): string {
  return canonicalJson(notice);
}
