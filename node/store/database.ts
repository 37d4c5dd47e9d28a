import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { AbstractSublevel } from "abstract-level";
import { Level } from "level";
import type { KvStore } from "../chain/kv-store.js";
import { caseKeyEncoding, reportChunkEncoding, storedCaseEncoding } from "./record-encodings.js";

/**
 * The member's LevelDB, one sublevel per concern. Values are JSON; keys are strings whose parts are joined
 * with "/" after being made fixed-width or escaped where order matters.
 */
export type Database = Level<string, unknown>;
export type Sublevel = AbstractSublevel<Database, string | Buffer | Uint8Array, string, unknown>;

export const SUBLEVELS = [
  "cases", // caseKey → StoredCase (PII sealed)
  "loanRefs", // creditorId/loanRef → caseKey
  "lists", // listId → CaseListSummary
  "listRows", // listId/chunk(10) → ReportRow[] (the report of a list, in file order, a chunk per write)
  "staging", // listId/caseKey → StoredCase: updates of known cases, applied when the list is complete
  "tokens", // sha256(token) → StaffToken
  "agencies", // agencyId → AgencyProfile (a lender's agency list; an agency's own profile under "self")
  "allocations", // allocationId → Allocation preview / commit state
  "meta",
  "audit", // seq(12) → AuditEntry: the append-only, hash-chained log of staff actions
] as const;
export type SublevelName = (typeof SUBLEVELS)[number];

/**
 * The sublevels an upload writes one entry per row to, in compact binary (node/store/record-encodings.ts); readers
 * get the same values as with JSON, and JSON values written before read as before.
 */
const VALUE_ENCODINGS: Partial<Record<SublevelName, object>> = {
  cases: storedCaseEncoding,
  staging: storedCaseEncoding,
  loanRefs: caseKeyEncoding,
  listRows: reportChunkEncoding,
};

/** LevelDB's write buffer: 4 MB by default; larger means fewer level-0 files to compact during a big upload. */
const WRITE_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * Sublevels of strings (their owners' own JSON), needing no other encoding: node/chain's index and outbox, and the
 * evidence log with its anchor state (node/store/evidence-log).
 */
export const KV_SUBLEVELS = ["chainIndex", "outbox", "evidence"] as const;
export type KvSublevelName = (typeof KV_SUBLEVELS)[number];

export interface GatewayDatabase {
  db: Database;
  sub: Record<SublevelName, Sublevel>;
  kv: Record<KvSublevelName, KvStore>;
  close(): Promise<void>;
}

export async function openDatabase(dataDir: string): Promise<GatewayDatabase> {
  const dir = join(dataDir, "store");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const db = new Level<string, unknown>(dir, { valueEncoding: "json", writeBufferSize: WRITE_BUFFER_BYTES });
  await db.open();
  const sub = Object.fromEntries(
    SUBLEVELS.map((name) => [name, db.sublevel<string, unknown>(name, { valueEncoding: (VALUE_ENCODINGS[name] ?? "json") as "json" })]),
  ) as Record<SublevelName, Sublevel>;
  const kv = Object.fromEntries(
    KV_SUBLEVELS.map((name) => [name, db.sublevel<string, string>(name, { valueEncoding: "utf8" }) as unknown as KvStore]),
  ) as Record<KvSublevelName, KvStore>;
  return { db, sub, kv, close: () => db.close() };
}

/** Fixed-width decimal, so that keys sort numerically. */
export function pad(n: number, width = 10): string {
  return String(n).padStart(width, "0");
}

/** Upper bound of a key range under `prefix/` (keys are strings; "\uffff" sorts after every character used). */
export function rangeOf(prefix: string): { gt: string; lt: string } {
  return { gt: `${prefix}/`, lt: `${prefix}/\uffff` };
}
