import { bilingual, msg } from "../messages/message.js";
import { DEFAULTS, ENV_OVERRIDES } from "../config.js";

/** When the evidence log's checkpoint is anchored: the gateway config's `evidence` section (defaults: DEFAULTS.evidence). */
export interface AnchorSettings {
  intervalMs: number;
  everyRecords: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

export class AnchorSettingsError extends Error {
  override readonly name = "AnchorSettingsError";
}

/**
 * The settings: the named defaults, then `overrides` (the gateway config's, or a test's). Throws on a value out of
 * range. The environment is read once, by the config (ENV_OVERRIDES), not here.
 */
export function anchorSettings(overrides: Partial<AnchorSettings> = {}): AnchorSettings {
  const settings = { ...DEFAULTS.evidence, ...overrides };
  if (!Number.isSafeInteger(settings.intervalMs) || settings.intervalMs < 100 || settings.intervalMs > 86_400_000) {
    throw new AnchorSettingsError(bilingual(msg("anchor.INTERVAL_INVALID", { variable: ENV_OVERRIDES.anchorIntervalSeconds })));
  }
  if (!Number.isSafeInteger(settings.everyRecords) || settings.everyRecords < 1 || settings.everyRecords > 10_000_000) {
    throw new AnchorSettingsError(bilingual(msg("anchor.EVERY_RECORDS_INVALID", { variable: ENV_OVERRIDES.anchorEveryRecords })));
  }
  return settings;
}
