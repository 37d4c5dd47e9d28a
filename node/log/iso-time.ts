let lastMs = Number.NaN;
let lastIso = "";

/**
 * `new Date(ms).toISOString()`, remembered for the last millisecond asked: a busy gateway stamps thousands of
 * log lines and answers a second, most of them in a millisecond it has already formatted.
 */
export function isoTime(ms: number = Date.now()): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
