import type { AnchorRef } from "./receipt.js";

/**
 * The one result shape of every verification — CLI, `POST /v1/verify`, the web page — so that a court gets the same
 * verdict, step by step, wherever it asks. docs/receipt-format.md describes it beside the receipt.
 */
export const VERIFICATION_FORMAT = "caseledger-verification/1";

/** The steps, in the order they are checked. */
export const STEP_NAMES = ["receipt", "record", "file", "inclusion", "anchor", "time", "member"] as const;
export type StepName = (typeof STEP_NAMES)[number];

/**
 * `passed`: checked and true. `failed`: checked and false (the receipt or the file is not what it claims).
 * `not-checked`: could not be checked here (offline, no file given, chain unreachable, an earlier step failed).
 * `pending`: the record is not anchored yet.
 */
export type StepVerdict = "passed" | "failed" | "not-checked" | "pending";

export interface VerificationStep {
  step: StepName;
  verdict: StepVerdict;
  /** Stable, for programs: e.g. FILE_HASH_MISMATCH, CHECKPOINT_NOT_ANCHORED. */
  code: string;
  /** 中文 / English, for people. */
  message: string;
  details?: Record<string, unknown>;
}

/**
 * `valid`: every step passed, the anchor included (checked against the chain, at a registry the verifier trusts).
 * `invalid`: a step failed — `failedStep` names the first. `pending`: not anchored yet. `incomplete`: nothing failed
 * but something could not be checked (see `notChecked`); never to be read as valid.
 */
export type OverallVerdict = "valid" | "invalid" | "incomplete" | "pending";

export interface VerificationResult {
  format: typeof VERIFICATION_FORMAT;
  verdict: OverallVerdict;
  failedStep: StepName | null;
  /** One sentence, 中文 / English. */
  summary: string;
  steps: VerificationStep[];
  /** What could not be checked, in sentences (中文 / English). Empty only when the verdict is valid or invalid… or all was checked. */
  notChecked: string[];
  /** The record as the receipt states it (null when the receipt or record could not be read). */
  evidence: {
    member: number;
    caseKey: string;
    kind: string;
    contentSha256: string;
    sm3?: string;
    contentSize: number;
    mediaType: string;
    capturedAt: string;
    leafHash: string;
    leafIndex: number;
  } | null;
  checkpoint: { member: number; treeSize: number; root: string } | null;
  anchor: (AnchorRef & { blockTimeIso: string; confirmedOnChain: boolean }) | null;
  /** The member's claim and what the chain proves. */
  timeBracket: { capturedAtClaimed: string; anchoredNoLaterThan: string | null; confirmedOnChain: boolean } | null;
}
