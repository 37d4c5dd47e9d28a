/** Ingests a two-row list through the worker into a fresh store in `argv[2]` and prints the summary's state. */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../../../../node/store/database.js";
import { PiiCipher } from "../../../../node/store/pii-cipher.js";
import { ingestCaseList } from "../../../../node/services/case-list-ingest.js";
import { syntheticId18 } from "../../domain/identity/synthetic-ids.js";

// Only as a script of its own: the test runner loads every file under test/, and there this must do nothing.
if (process.argv[1] === fileURLToPath(import.meta.url)) await ingestOnce(process.argv[2]!);

async function ingestOnce(dir: string): Promise<void> {
  const store = await openDatabase(dir);
  const list = `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\nLN-1,测试专用姓名,${syntheticId18("19800101")},,1,1,1\n`;
  try {
    const summary = await ingestCaseList(
      { store, cipher: new PiiCipher(randomBytes(32)), pepper: { version: 1, secret: randomBytes(32) }, memberId: 1, clock: Date.now },
      { file: "a.csv", chunks: [new TextEncoder().encode(list)], uploadedBy: "s" },
    );
    console.log(summary.state, summary.totals?.accepted);
  } finally {
    await store.close();
  }
}
