/**
 * The benchmark's 1,000,000 assignments, written straight into an agency's chain index in the index's own
 * layout (see node/chain/case-index-store.ts): what the indexer would have stored after replaying 5,000
 * transactions of 200 `CaseRegistered` + one `CasesAssigned` each, which would take anvil far too long.
 *
 * Records and history entries come from the indexer's own functions (applyCaseChange, historyEntry). Keys are
 * written one key family at a time, each in key order, so that LevelDB only appends sorted runs (no
 * compaction rewrites): a few seconds per million rather than minutes of random inserts. `verifySeed` replays
 * the first transactions through CaseIndexStore.applyPage in memory and checks that the index holds exactly
 * what the indexer writes.
 */
import { createHash } from "node:crypto";
import { type CaseChange, applyCaseChange, historyEntry } from "../../node/chain/case-events.js";
import { CaseIndexStore } from "../../node/chain/case-index-store.js";
import { type KvBatchOptions, type KvOperation, type KvRange, type KvStore, pad } from "../../node/store/kv-store.js";

export const PER_TX = 200;
/** Distinct debtors: the rest of the cases are second cases of a debtor (co-debt across the list). */
const DEBTOR_SHARE = 0.7;
const BATCH = 2_000;

/** Synthetic 32-byte keys, deterministic per label and number. */
export const syntheticKey = (label: string, i: number) => `0x01${createHash("sha256").update(`${label}/${i}`).digest("hex").slice(2)}`;

export interface SeedSpec {
  count: number;
  creditorId: number;
  agencyId: number;
  /** Block time of every assignment, seconds; mandates run 90 days from it. */
  now: number;
}

/** Keys that many cases share, computed once. */
interface SharedKeys {
  debtors: string[];
  txs: string[];
}

function sharedKeys(spec: SeedSpec): SharedKeys {
  return {
    debtors: Array.from({ length: debtorCount(spec) }, (_, d) => syntheticKey("debtor", d)),
    txs: Array.from({ length: Math.ceil(spec.count / PER_TX) }, (_, t) => syntheticKey("tx", t)),
  };
}

const debtorCount = (spec: SeedSpec) => Math.max(1, Math.floor(spec.count * DEBTOR_SHARE));

/** The two chain events of case `i`. */
export function caseChanges(spec: SeedSpec, i: number, caseKey = syntheticKey("case", i), shared?: SharedKeys): [CaseChange, CaseChange] {
  const tx = Math.floor(i / PER_TX);
  const inTx = Math.min(PER_TX, spec.count - tx * PER_TX);
  const d = i % debtorCount(spec);
  const base = { block: 10 + tx, txHash: shared?.txs[tx] ?? syntheticKey("tx", tx), time: spec.now };
  const debtorKey = shared?.debtors[d] ?? syntheticKey("debtor", d);
  return [
    { ...base, type: "CaseRegistered", logIndex: i % PER_TX, caseKey, debtorKey, creditorId: spec.creditorId },
    { ...base, type: "CasesAssigned", logIndex: inTx, caseKey, creditorId: spec.creditorId, agencyId: spec.agencyId, until: spec.now + 90 * 86_400 },
  ];
}

/** Writes `spec.count` assigned cases under the index's current generation (`prefix`, e.g. "g000001/"). */
export async function seedCaseIndex(db: KvStore, prefix: string, spec: SeedSpec, onProgress?: (written: number) => void): Promise<void> {
  const shared = sharedKeys(spec);
  // Case keys in key order, each with its number after it (a key is 66 characters).
  const sorted = Array.from({ length: spec.count }, (_, i) => `${syntheticKey("case", i)}${i}`).sort();
  const cases = sorted.map((entry) => ({ caseKey: entry.slice(0, 66), i: Number(entry.slice(66)) }));
  sorted.length = 0;
  let ops: KvOperation[] = [];
  let written = 0;
  // Small batches: their strings die young, so the garbage collector stays cheap.
  const write = async (key: string, value: string) => {
    ops.push({ type: "put", key, value });
    if (ops.length < BATCH) return;
    await db.batch(ops, {});
    written += ops.length;
    ops = [];
    onProgress?.(written);
  };
  const until = pad(spec.now + 90 * 86_400);
  // Families in key order: agency, case, creditor, debtor, held, hist.
  for (const { caseKey } of cases) await write(`${prefix}agency/${pad(spec.agencyId, 10)}/${caseKey}`, "1");
  for (const { caseKey, i } of cases) {
    const [registered, assigned] = caseChanges(spec, i, caseKey, shared);
    await write(`${prefix}case/${caseKey}`, JSON.stringify(applyCaseChange(applyCaseChange(undefined, registered), assigned)));
  }
  for (const { caseKey } of cases) await write(`${prefix}creditor/${pad(spec.creditorId, 10)}/${caseKey}`, "1");
  const debtorKeys = cases.map(({ caseKey, i }) => `${shared.debtors[i % debtorCount(spec)]}/${caseKey}`).sort();
  for (const key of debtorKeys) await write(`${prefix}debtor/${key}`, "1");
  debtorKeys.length = 0;
  for (const { caseKey } of cases) await write(`${prefix}held/${pad(spec.agencyId, 10)}/${until}/${caseKey}`, "1");
  for (const { caseKey, i } of cases) {
    for (const change of caseChanges(spec, i, caseKey, shared)) {
      await write(`${prefix}hist/${caseKey}/${pad(change.block)}/${pad(change.logIndex, 6)}`, JSON.stringify(historyEntry(change)));
    }
  }
  if (ops.length) await db.batch(ops, {});
}

/**
 * Replays the first `cases` cases through CaseIndexStore.applyPage into memory and throws unless `db` holds every
 * key and value the indexer wrote for them.
 */
export async function verifySeed(db: KvStore, spec: SeedSpec, cases = 2 * PER_TX): Promise<void> {
  const memory = new MemoryKv();
  await memory.batch([{ type: "put", key: "meta", value: (await db.get("meta")) as string }], {});
  const changes = Array.from({ length: Math.min(cases, spec.count) }, (_, i) => caseChanges(spec, i)).flat();
  changes.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  await new CaseIndexStore(memory).applyPage(changes, { block: 0, blockHash: "0x" });
  for (const [key, value] of memory.entries()) {
    if (key === "meta" || key.endsWith("/cursor")) continue;
    const stored = await db.get(key);
    if (stored !== value) throw new Error(`the seeded index differs from the indexer's at ${key}: ${stored} ≠ ${value}`);
  }
}

/** Just enough of a KvStore for applyPage. */
class MemoryKv implements KvStore {
  readonly #map = new Map<string, string>();
  entries() {
    return this.#map.entries();
  }
  async get(key: string) {
    return this.#map.get(key);
  }
  async getMany(keys: string[]) {
    return keys.map((key) => this.#map.get(key));
  }
  async batch(operations: KvOperation[], _options: KvBatchOptions) {
    for (const op of operations) {
      if (op.type === "put") this.#map.set(op.key, op.value);
      else this.#map.delete(op.key);
    }
  }
  keys(_options: KvRange): AsyncIterable<string> {
    throw new Error("not needed");
  }
  iterator(_options: KvRange): AsyncIterable<[string, string]> {
    throw new Error("not needed");
  }
  async clear() {
    this.#map.clear();
  }
}
