import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Level } from "level";
import type { StoredCase, StoredReportRow } from "../../../node/store/case-records.js";
import { CaseListBatch } from "../../../node/store/case-list-batch.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { PiiCipher } from "../../../node/store/pii-cipher.js";
import { storedCaseEncoding } from "../../../node/store/record-encodings.js";
import { storedCaseFields } from "./helpers.js";

const cipher = new PiiCipher(randomBytes(32));
const LIST = "Lmj3k2x0a1b2c3d4";

function accepted(line: number): { row: StoredReportRow; stored: Omit<StoredCase, "pii"> } {
  const stored = storedCaseFields({ loanRef: `LN-${String(line).padStart(8, "0")}`, listId: LIST, line });
  return { row: { line, loanRef: stored.loanRef, status: "accepted", debtorKey: stored.debtorKey, caseKey: stored.caseKey, warnings: [], errors: [] }, stored };
}

const rejected: StoredReportRow = {
  line: 9,
  loanRef: "LN-9",
  status: "rejected",
  warnings: [],
  errors: [{ field: "id_number", code: "ID_CHECK_DIGIT", message: "校验位错误 / wrong check character" }],
};

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("CaseListBatch", () => {
  let dir: string;
  let store: GatewayDatabase;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-list-batch-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("stores new cases with their loanRef, stages the known ones, and writes the report chunk with updates marked", async () => {
    const known = accepted(2);
    await store.loanRefs.put(1, known.stored.loanRef, "0x02" + "00".repeat(31));
    const fresh = accepted(3);
    // An upper-case key does not fit the binary form: the case is kept as an object and stored as JSON.
    const odd = accepted(4);
    const oddStored = { ...odd.stored, caseKey: odd.stored.caseKey.toUpperCase() };

    const batch = new CaseListBatch(4);
    const sealed = [known, fresh, odd].map((c) => cipher.sealParts(JSON.stringify({ name: "测试专用" }), c.stored.caseKey));
    batch.addCase(batch.addRow(known.row), known.stored, sealed[0]!);
    batch.addRow(rejected);
    batch.addCase(batch.addRow(fresh.row), fresh.stored, sealed[1]!);
    batch.addCase(batch.addRow(odd.row), oddStored, sealed[2]!);
    expect(batch.rows).to.equal(4);

    const updates = await batch.known(store.loanRefs);
    expect(updates).to.deep.equal([true, false, false]);
    const ops = store.batch();
    batch.writeTo(ops, store, LIST, 0, updates);
    await ops.write();

    expect(await store.cases.get(fresh.stored.caseKey)).to.deep.equal({ ...fresh.stored, pii: PiiCipher.format(sealed[1]!) });
    expect(await store.cases.get(oddStored.caseKey)).to.deep.equal({ ...oddStored, pii: PiiCipher.format(sealed[2]!) });
    expect(await store.cases.get(known.stored.caseKey)).to.equal(undefined);
    expect(await collect(store.staging.of(LIST))).to.deep.equal([{ ...known.stored, pii: PiiCipher.format(sealed[0]!) }]);
    expect(await store.loanRefs.caseKeyOf(1, fresh.stored.loanRef)).to.equal(fresh.stored.caseKey);
    expect(await store.loanRefs.caseKeyOf(1, odd.stored.loanRef)).to.equal(oddStored.caseKey);
    const rows = await collect(store.reportRows.rows(LIST));
    expect(rows.map((r) => [r.line, r.update])).to.deep.equal([[2, true], [9, undefined], [3, undefined], [4, undefined]]);

    // The bytes on disk are those of the sublevel's own encoding.
    await store.close();
    const db = new Level<string, Buffer>(join(dir, "store"), { valueEncoding: "buffer" });
    await db.open();
    const raw = await db.sublevel<string, Buffer>("cases", { valueEncoding: "buffer" }).get(fresh.stored.caseKey);
    await db.close();
    expect(Buffer.compare(raw as Buffer, storedCaseEncoding.encode({ ...fresh.stored, pii: PiiCipher.format(sealed[1]!) }))).to.equal(0);
  });

  it("writes a report chunk alone when no row was accepted", async () => {
    const batch = new CaseListBatch(2);
    batch.addRow(rejected);
    const ops = store.batch();
    batch.writeTo(ops, store, LIST, 3, await batch.known(store.loanRefs));
    await ops.write();
    expect(await store.reportRows.chunkCount(LIST)).to.equal(1);
    expect((await collect(store.reportRows.rows(LIST))).map((r) => r.status)).to.deep.equal(["rejected"]);
    expect(await collect(store.loanRefs.entries())).to.deep.equal([]);
  });
});
