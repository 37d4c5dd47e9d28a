export * from "./types.js";
export { spellsOf, heldUntil } from "./spells.js";
export { rateBp, median } from "./figures.js";
export { chainScorecards, lenderScorecards, matchingRecovery, recovery90Bp } from "./scorecard.js";
