import data from "./lexicon-2026.1.json" with { type: "json" };
import { checkLexicon, type Lexicon } from "./screen.js";

/** The lexicon this code screens with (docs/design.md §26): a data file in the repository, versioned by its `version`. */
export const CURRENT_LEXICON: Lexicon = checkLexicon(data);
