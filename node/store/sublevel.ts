import type { AbstractSublevel } from "abstract-level";
import type { Level } from "level";

/** The member's LevelDB. Values are JSON unless a sublevel names another encoding. */
export type Database = Level<string, unknown>;
export type Sublevel = AbstractSublevel<Database, string | Buffer | Uint8Array, string, unknown>;
/** A sublevel of strings (its owner's own JSON): node/chain's index and outbox, and the evidence log. */
export type StringSublevel = AbstractSublevel<Database, string | Buffer | Uint8Array, string, string>;
