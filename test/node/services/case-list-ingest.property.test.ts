import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import type { Pepper } from "../../../node/domain/pseudonyms.js";
import type { CaseListSummary } from "../../../node/store/case-records.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { PiiCipher } from "../../../node/store/pii-cipher.js";
import { ingestCaseList } from "../../../node/services/case-list-ingest.js";
import { caseListFormat, XLSX_TYPE } from "../../../node/services/case-list-format.js";
import { inChunks, workbookBytes } from "../../support/workbook.js";
import { propertyParameters } from "../../support/property.js";
import { HEADER, caseListArb, cut, cutsArb, debtorArb, hostileBytesArb, layoutArb, planRows, rowSeedArb, writeList } from "../domain/csv/arbitraries.js";

const pepper: Pepper = { version: 1, secret: new Uint8Array(32).fill(5) };
const cipher = new PiiCipher(randomBytes(32));
const NOW = Date.UTC(2026, 5, 1);

/**
 * What an upload leaves, without what differs by design between two runs (the list id, the nonces of the sealed
 * PII): its summaries, its report as stored, and every case with its PII opened.
 */
async function outcome(store: GatewayDatabase, summaries: CaseListSummary[]) {
  const ids = summaries.map((s) => s.id);
  const lists = [];
  for (const [n, summary] of summaries.entries()) {
    const rows = [];
    for await (const row of store.reportRows.rows(summary.id)) rows.push(row);
    const { id: _id, ...rest } = summary;
    lists.push({ n, ...rest, chunks: await store.reportRows.chunkCount(summary.id), rows });
  }
  const cases = [];
  for await (const stored of store.cases.all()) {
    const { pii, listId, ...rest } = stored;
    cases.push({ ...rest, list: ids.indexOf(listId), pii: cipher.open(pii, stored.caseKey) });
  }
  const staged = [];
  for (const id of ids) for await (const stored of store.staging.of(id)) staged.push(stored.caseKey);
  return { lists, cases, staged };
}

/**
 * Ingests the same chunks twice into a fresh store (the second time every accepted row updates a known case); with
 * `workbook`, the chunks are an .xlsx file read as the gateway reads an upload of that type.
 */
async function ingestTwice(chunks: Uint8Array[], inThread: boolean, workbook = false) {
  const dir = await mkdtemp(join(tmpdir(), "caseledger-ingest-prop-"));
  const store = await openDatabase(dir);
  try {
    const deps = { store, cipher, pepper, memberId: 3, clock: () => NOW, inThread };
    const summaries: CaseListSummary[] = [];
    const errors: string[] = [];
    const format = workbook ? caseListFormat(XLSX_TYPE, "list.xlsx", undefined, dir) : undefined;
    for (let pass = 0; pass < 2; pass++) {
      try {
        summaries.push(await ingestCaseList(deps, { file: workbook ? "list.xlsx" : "list.csv", chunks, ...format, uploadedBy: "staff" }));
      } catch (error) {
        errors.push(`${(error as Error).name} ${(error as Error).message}`);
      }
    }
    for await (const summary of store.caseLists.all()) if (!summaries.some((s) => s.id === summary.id)) summaries.push(summary);
    return { errors, ...(await outcome(store, summaries)) };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function expectSameBothWays(chunks: Uint8Array[], workbook = false): Promise<void> {
  const inThread = await ingestTwice(chunks, true, workbook);
  const inWorker = await ingestTwice(chunks, false, workbook);
  expect(inWorker).to.deep.equal(inThread);
}

describe("node/services/case-list-ingest: the worker thread's path, properties", function () {
  this.timeout(300_000);

  it("leaves what the in-thread path leaves on any list (BOM, GB18030, quoted line breaks, repeats, conflicts), however it is cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseListArb.chain((list) => fc.tuple(fc.constant(list), cutsArb(list.written.bytes.length))),
        async ([list, cuts]) => expectSameBothWays(cut(list.written.bytes, cuts)),
      ),
      propertyParameters(12),
    );
  });

  it("and on lists of several batches, repeats and conflicts on either side of a batch's end", async () => {
    const bigListArb = fc
      .record({
        debtors: fc.array(debtorArb, { minLength: 20, maxLength: 60 }),
        seeds: fc.array(rowSeedArb, { minLength: 2_100, maxLength: 2_800 }),
        layout: layoutArb,
      })
      .map(({ debtors, seeds, layout }) => writeList(HEADER, planRows(debtors, seeds).map((r) => r.cells), layout).bytes);
    await fc.assert(
      fc.asyncProperty(
        bigListArb.chain((bytes) => fc.tuple(fc.constant(bytes), cutsArb(bytes.length))),
        async ([bytes, cuts]) => expectSameBothWays(cut(bytes, cuts)),
      ),
      propertyParameters(3),
    );
  });

  it("reads a workbook in the worker thread as in this thread: lists of several batches, repeats and conflicts, and a cut-short workbook", async () => {
    const bookArb = fc
      .record({
        debtors: fc.array(debtorArb, { minLength: 20, maxLength: 60 }),
        seeds: fc.array(rowSeedArb, { minLength: 2_100, maxLength: 2_600 }),
      })
      .map(({ debtors, seeds }) => planRows(debtors, seeds).map((r) => r.cells));
    await fc.assert(
      fc.asyncProperty(bookArb, fc.integer({ min: 1_000, max: 60_000 }), async (cells, chunkSize) => {
        const book = await workbookBytes([{ name: "清单", rows: [HEADER, ...cells] }]);
        await expectSameBothWays([...inChunks(book, chunkSize)], true);
        // Cut short: the same failure both ways, nothing left but the failed summary.
        await expectSameBothWays([book.subarray(0, Math.floor(book.length / 2))], true);
      }),
      propertyParameters(3),
    );
  });

  it("fails a file that is not a case list with the same error and leaves the same failed summary", async () => {
    await fc.assert(
      fc.asyncProperty(hostileBytesArb, async (bytes) => expectSameBothWays([bytes])),
      propertyParameters(8),
    );
  });
});
