/**
 * The floor of an upload's per-row work on this machine, in its own process (prints a JSON line): what the gateway's own
 * primitives cost for the steps every accepted row must take whatever the pipeline around them — the two HMACs of its
 * pseudonyms, the AES-256-GCM seal of its personal data, and its two writes to LevelDB (the case under its caseKey and
 * the loan ref's index entry, in batches of 2,000 as the ingest writes them). Parsing, validation, de-duplication and
 * the report come on top. Divided into the machine's cores, it bounds the rows per second any split across threads can
 * reach here; bench:ingest prints it beside the target.
 *
 * Beside it, what the writes would cost in an append-only layout (the "store layout" item, not built): each
 * batch's cases as one value under a sequential key, and per row only a small caseKey → place entry and the loan ref
 * (both still at random keys: a case is looked up by its key). The difference is all such a layout could save.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Pseudonymizer } from "../../node/domain/pseudonyms.js";
import { openDatabase } from "../../node/store/database.js";
import { LoanRefIndex } from "../../node/store/loan-ref-index.js";
import { PiiCipher } from "../../node/store/pii-cipher.js";
import { idWithCheck, prng } from "../lib/synthetic-cases.js";

const ROWS = Number(process.env.BENCH_INGEST_FLOOR_ROWS ?? 200_000);
/** As the ingest writes: rows per LevelDB batch (node/services/case-row-encoder.ts FLUSH_ROWS). */
const BATCH_ROWS = 2_000;
/** The size of a stored case in its binary form, sealed PII included (measured on the synthetic rows: ~300 bytes). */
const CASE_BYTES = 320;

/** CPU microseconds a row of `fn` over every row, all threads of the process (LevelDB's own included). */
async function perRow(fn: () => void | Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / ROWS;
}

const random = prng(11);
const rows = Array.from({ length: ROWS }, (_, i) => {
  const idNumber = idWithCheck(`110101${1960 + Math.floor(random() * 40)}0101${String(i % 1000).padStart(3, "0")}`);
  return { loanRef: `FLOOR-${String(i).padStart(8, "0")}`, idNumber, pii: JSON.stringify({ name: "测试甲", idNumber, phone: "17000000000", extra: {} }) };
});
const pseudonyms = new Pseudonymizer({ version: 1, secret: randomBytes(32) });
const cipher = new PiiCipher(randomBytes(32));
const caseKeys: string[] = new Array<string>(ROWS);

const hmacs = await perRow(() => {
  for (let i = 0; i < ROWS; i++) {
    const row = rows[i] as (typeof rows)[number];
    pseudonyms.debtorKey(row.idNumber);
    caseKeys[i] = pseudonyms.caseKey(1, row.loanRef);
  }
});
const seal = await perRow(() => {
  for (let i = 0; i < ROWS; i++) cipher.sealParts((rows[i] as (typeof rows)[number]).pii, caseKeys[i] as string);
});

type Store = Awaited<ReturnType<typeof openDatabase>>;

/**
 * CPU a row of writing every row to a fresh store (opened before the clock starts), a batch of BATCH_ROWS at a time
 * (`add` puts rows start…end − 1, the `segment`-th batch), until the store is closed: LevelDB's threads go on compacting after the last write, and
 * that is the rows' cost too.
 */
async function writes(dir: string, add: (db: Store, batch: ReturnType<Store["batch"]>, start: number, end: number, segment: number) => void): Promise<number> {
  const db = await openDatabase(dir);
  let closed = false;
  try {
    return await perRow(async () => {
      for (let start = 0, segment = 0; start < ROWS; start += BATCH_ROWS, segment++) {
        const batch = db.batch();
        add(db, batch, start, Math.min(ROWS, start + BATCH_ROWS), segment);
        await batch.write();
      }
      await db.close();
      closed = true;
    });
  } finally {
    if (!closed) await db.close();
  }
}

const loanRefKey = (i: number) => LoanRefIndex.key(1, (rows[i] as (typeof rows)[number]).loanRef);

const dir = await mkdtemp(join(tmpdir(), "caseledger-bench-floor-"));
try {
  const value = randomBytes(CASE_BYTES);
  // As the ingest writes: each case under its caseKey, and its loan ref's entry.
  const keyed = await writes(join(dir, "store"), (db, batch, start, end) => {
    for (let i = start; i < end; i++) {
      db.cases.putEncodedIn(batch, caseKeys[i] as string, value);
      db.loanRefs.putKeyIn(batch, loanRefKey(i), caseKeys[i] as string);
    }
  });
  // Append-only: the batch's cases as one value under a key that only grows (the upload's id and the segment's
  // number), and per row the caseKey → place entry and the loan ref's.
  const place = Buffer.alloc(12);
  const segmented = await writes(join(dir, "segments"), (db, batch, start, end, segment) => {
    db.reportRows.putChunkIn(batch, "L0floor", segment, Buffer.concat(Array.from({ length: end - start }, () => value)));
    for (let i = start; i < end; i++) {
      place.writeUInt32BE(segment, 0);
      place.writeUInt32BE(i - start, 4);
      db.cases.putEncodedIn(batch, caseKeys[i] as string, Buffer.from(place));
      db.loanRefs.putKeyIn(batch, loanRefKey(i), caseKeys[i] as string);
    }
  });
  const cores = availableParallelism();
  const total = hmacs + seal + keyed;
  const withSegments = hmacs + seal + segmented;
  console.log(
    JSON.stringify({
      rows: ROWS,
      cores,
      cpuMicrosPerRow: { hmacs, seal, writes: keyed, total },
      ceilingRowsPerSecond: Math.round((cores * 1e6) / total),
      segmentLayout: { writes: segmented, total: withSegments, ceilingRowsPerSecond: Math.round((cores * 1e6) / withSegments) },
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
