import type { ConductFigures } from "../../domain/conduct/report.js";

/** The read-only source of a member's conduct figures. */
export interface ConductStats {
  /** One row per (agency, lender) pair with any activity in [from, to). */
  figures(range: { from: number; to: number }): Promise<ConductFigures[]>;
}
