// Reading what a mocha run printed: the runner counts it and, at the very end, repeats what failed.

// eslint-disable-next-line no-control-regex -- the ANSI colour codes (ESC sequences) mocha prints
const withoutColours = (output) => output.replace(/\u001b\[[0-9;]*m/g, "");

/** Counts mocha's summary lines ("N passing", "N failing") in captured output (one per mocha run in it). */
export function mochaCounts(output) {
  const clean = withoutColours(output);
  const count = (word) => [...clean.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, "gm"))].reduce((n, m) => n + Number(m[1]), 0);
  return { passed: count("passing"), failed: count("failing") };
}

/**
 * Mocha's account of the failures in a captured run (from "N failing" to the end), or the last lines of a run that
 * ended without one (a crash, or a linter's output): printed again at the very end of `npm test`, so that the tail of
 * a long log, all a CI page may show, says which test failed and why.
 */
export function failureDigest(output, { maxChars = 12_000, tailLines = 40 } = {}) {
  const clean = withoutColours(output);
  const at = clean.search(/^[ \t]*\d+ failing\b/m);
  const digest = at >= 0 ? clean.slice(at) : clean.split("\n").slice(-tailLines).join("\n");
  return digest.length > maxChars ? `${digest.slice(0, maxChars)}\n[…]` : digest;
}
