/** What every layer logs through: one structured event at a time (codes and counts, never personal data). */
export type Logger = (event: Record<string, unknown>) => void;
