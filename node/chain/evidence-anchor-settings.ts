import { bilingual, msg } from "../messages/message.js";

/**
 * When the evidence log's checkpoint is anchored, with named defaults that suit a collection agency: a few thousand
 * records a day, receipts wanted within minutes, and anchoring gas under 100 a record once 1,000 records share an
 * anchor (BENCHMARKS.md). Whichever comes first: `intervalMs` after the last anchor, or `everyRecords` new records.
 */
export const ANCHOR_DEFAULTS = {
  /** At most a minute between a record and its anchor while records come in. */
  intervalMs: 60_000,
  /** A burst of 1,000 records is anchored at once (≈ 80 gas a record). */
  everyRecords: 1_000,
  /** Backoff after a failed attempt: first wait, longest wait. */
  retryInitialMs: 1_000,
  retryMaxMs: 60_000,
} as const;

export interface AnchorSettings {
  intervalMs: number;
  everyRecords: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

/** Environment variables that override the defaults (the gateway's config file has no evidence section yet). */
export const ANCHOR_ENV = {
  intervalSeconds: "CASELEDGER_ANCHOR_INTERVAL_S",
  everyRecords: "CASELEDGER_ANCHOR_EVERY_RECORDS",
} as const;

export class AnchorSettingsError extends Error {
  override readonly name = "AnchorSettingsError";
}

/** The settings: defaults, then the environment, then `overrides` (from code). Throws on a value out of range. */
export function anchorSettings(overrides: Partial<AnchorSettings> = {}, env: NodeJS.ProcessEnv = process.env): AnchorSettings {
  const fromEnv: Partial<AnchorSettings> = {};
  const seconds = env[ANCHOR_ENV.intervalSeconds];
  if (seconds !== undefined && seconds !== "") fromEnv.intervalMs = Math.round(Number(seconds) * 1000);
  const records = env[ANCHOR_ENV.everyRecords];
  if (records !== undefined && records !== "") fromEnv.everyRecords = Number(records);
  const settings = { ...ANCHOR_DEFAULTS, ...fromEnv, ...overrides };
  if (!Number.isSafeInteger(settings.intervalMs) || settings.intervalMs < 100 || settings.intervalMs > 86_400_000) {
    throw new AnchorSettingsError(bilingual(msg("anchor.INTERVAL_INVALID", { variable: ANCHOR_ENV.intervalSeconds })));
  }
  if (!Number.isSafeInteger(settings.everyRecords) || settings.everyRecords < 1 || settings.everyRecords > 10_000_000) {
    throw new AnchorSettingsError(bilingual(msg("anchor.EVERY_RECORDS_INVALID", { variable: ANCHOR_ENV.everyRecords })));
  }
  return settings;
}
