import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../node/paths.js";
import { writeResult } from "./report.js";

/**
 * scripts/bench/results/evidence.json gathers the evidence figures the issue names (appendsPerSecond,
 * inclusionProofMs, consistencyProofMs, anchorGasPerRecord, verifyCli10MBMs) from the benchmarks that measure them:
 * each merges its own keys, and anchoring gas is copied from bench:gas's results.
 */
export async function mergeEvidenceResult(fields: Record<string, unknown>): Promise<void> {
  const dir = join(PROJECT_ROOT, "scripts", "bench", "results");
  const read = async (name: string) => JSON.parse(await readFile(join(dir, `${name}.json`), "utf8").catch(() => "{}")) as Record<string, unknown>;
  const current = await read("evidence");
  const gas = await read("gas");
  await writeResult("evidence", {
    ...current,
    ...fields,
    ...(gas.anchorGasPerRecord ? { anchorGasPerRecord: gas.anchorGasPerRecord, anchorGasMeasuredAt: gas.measuredAt } : {}),
  });
}
