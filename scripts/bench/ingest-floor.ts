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

const dir = await mkdtemp(join(tmpdir(), "caseledger-bench-floor-"));
let store: Awaited<ReturnType<typeof openDatabase>> | undefined = await openDatabase(join(dir, "store"));
try {
  const value = randomBytes(CASE_BYTES);
  // Until the store is closed: LevelDB's threads go on compacting after the last write, and that is the rows' cost too.
  const writes = await perRow(async () => {
    const db = store as NonNullable<typeof store>;
    for (let start = 0; start < ROWS; start += BATCH_ROWS) {
      const batch = db.batch();
      for (let i = start; i < Math.min(ROWS, start + BATCH_ROWS); i++) {
        const caseKey = caseKeys[i] as string;
        db.cases.putEncodedIn(batch, caseKey, value);
        db.loanRefs.putKeyIn(batch, LoanRefIndex.key(1, (rows[i] as (typeof rows)[number]).loanRef), caseKey);
      }
      await batch.write();
    }
    await db.close();
    store = undefined;
  });
  store = await openDatabase(join(dir, "segments"));
  const segmentWrites = await perRow(async () => {
    const db = store as NonNullable<typeof store>;
    const place = Buffer.alloc(12);
    for (let start = 0, segment = 0; start < ROWS; start += BATCH_ROWS, segment++) {
      const batch = db.batch();
      const end = Math.min(ROWS, start + BATCH_ROWS);
      // One value for the whole batch, under a key that only grows (the upload's id and the segment's number).
      db.reportRows.putChunkIn(batch, "L0floor", segment, Buffer.concat(Array.from({ length: end - start }, () => value)));
      for (let i = start; i < end; i++) {
        const caseKey = caseKeys[i] as string;
        place.writeUInt32BE(segment, 0);
        place.writeUInt32BE(i - start, 4);
        db.cases.putEncodedIn(batch, caseKey, Buffer.from(place));
        db.loanRefs.putKeyIn(batch, LoanRefIndex.key(1, (rows[i] as (typeof rows)[number]).loanRef), caseKey);
      }
      await batch.write();
    }
    await db.close();
    store = undefined;
  });
  const cores = availableParallelism();
  const total = hmacs + seal + writes;
  const withSegments = hmacs + seal + segmentWrites;
  console.log(
    JSON.stringify({
      rows: ROWS,
      cores,
      cpuMicrosPerRow: { hmacs, seal, writes, total },
      ceilingRowsPerSecond: Math.round((cores * 1e6) / total),
      segmentLayout: { writes: segmentWrites, total: withSegments, ceilingRowsPerSecond: Math.round((cores * 1e6) / withSegments) },
    }),
  );
} finally {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
}
