/**
 * `npm run demo:data [-- --data-dir DIR]`: synthetic case lists to try the console with, in data/demo/
 * (never committed: data/ is ignored). Deterministic: the same files every time.
 *
 *   bank-cases.csv       示例银行's list: 4,000 rows, about 6 % with errors of every kind
 *   cfc-cases.csv        示例消费金融's list: 3,000 rows; a third of its debtors also owe 示例银行 (co-debt)
 *   quickstart.csv       40 rows for the five-minute walkthrough (one error of each kind)
 *   not-a-case-list.png  a file that is not CSV, to see how an upload is refused
 *   README.txt           what is in them, and synthetic ID numbers to try the ownership check with
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATA_DIR } from "../node/paths.js";
import { demoList, makeDebtors } from "./lib/demo-lists.js";

const { values } = parseArgs({ options: { "data-dir": { type: "string", default: process.env.CASELEDGER_DATA_DIR ?? DEFAULT_DATA_DIR } } });
const dir = join(resolve(values["data-dir"]), "demo");
await mkdir(dir, { recursive: true });
const shared = makeDebtors(600, 7);
const files: Record<string, string> = {
  "bank-cases.csv": demoList({ rows: 4_000, seed: 11, refPrefix: "BK", shared, sharedRate: 0.3, errorRate: 0.05 }),
  "cfc-cases.csv": demoList({ rows: 3_000, seed: 23, refPrefix: "CF", shared, sharedRate: 0.35, errorRate: 0.05 }),
  "quickstart.csv": demoList({ rows: 40, seed: 5, refPrefix: "QS", shared: shared.slice(0, 5), sharedRate: 0.3, errorRate: 0 }),
};
for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), `\ufeff${text}`);
// An 8-byte PNG signature and some binary: the gateway refuses it whole (FILE_NOT_CSV).
await writeFile(join(dir, "not-a-case-list.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]));
await writeFile(
  join(dir, "README.txt"),
  [
    "CaseLedger 示例数据 / demo data — synthetic, no real person.",
    "",
    "bank-cases.csv   upload as 示例银行 (lender)        4,000 rows, errors of every kind",
    "cfc-cases.csv    upload as 示例消费金融 (lender)    3,000 rows, debtors shared with bank-cases.csv",
    "quickstart.csv   the five-minute walkthrough        40 rows, one error of each kind",
    "not-a-case-list.png  a file that is not CSV: the upload is refused",
    "",
    "ID numbers of debtors in both lenders' lists (for the agency's ownership check by ID number):",
    ...shared.slice(0, 5).map((d) => `  ${d.id}`),
    "",
  ].join("\n"),
);
for (const name of [...Object.keys(files), "not-a-case-list.png", "README.txt"]) console.log(`[caseledger] ${join(dir, name)}`);
