import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { validateCaseList } from "../domain/case-list/report.js";
import { CaseListFileError } from "../domain/errors.js";
import { parsePepperFile } from "../domain/pseudonyms.js";
import { loadConfig } from "../config.js";
import { readSecretFile } from "../store/secret-file.js";
import { msg } from "../messages/message.js";
import { EXIT, type Output, words } from "./output.js";

export const VALIDATE_HELP = `用法 / usage: caseledger cases validate FILE [--json] (--config FILE | --pepper FILE --member ID)
  校验案件清单，离线运行，不需要区块链 / validates a case list offline; no chain needed
  --config FILE   gateway config (gives the pepper file and the member id)
  --pepper FILE   consortium pepper file (JSON {"version", "secret"}), instead of --config
  --member ID     the originating lender's member id, instead of --config
  --json          print the validation report as JSON
  exit codes: 0 all rows accepted · 1 some rows rejected or duplicate · 2 usage · 3 not a CSV file · 4 config`;

export async function casesValidate(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      config: { type: "string" },
      pepper: { type: "string" },
      member: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT.OK;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    io.err(VALIDATE_HELP);
    return EXIT.USAGE;
  }
  let pepperFile = values.pepper;
  let memberId = values.member === undefined ? undefined : Number(values.member);
  if (values.config) {
    const config = await loadConfig(values.config);
    pepperFile ??= config.secrets.pepperFile;
    memberId ??= config.memberId;
  }
  if (!pepperFile || memberId === undefined || !Number.isSafeInteger(memberId) || memberId < 1) {
    io.err("需要 --config，或 --pepper 与 --member / give --config, or --pepper and --member");
    return EXIT.USAGE;
  }
  const pepper = parsePepperFile(await readSecretFile(pepperFile, "pepper"));
  const size = (await stat(file)).size;

  try {
    const report = await validateCaseList(basename(file), createReadStream(file, { highWaterMark: 256 * 1024 }), {
      pepper,
      originatorMemberId: memberId,
      keepRows: true,
      onProgress: (t) => io.progress(`校验中 / validating: ${t.rows.toLocaleString("en")} rows (${t.rejected} rejected)`),
    });
    io.done();
    if (io.json) {
      io.out(JSON.stringify(report));
    } else {
      const t = report.totals;
      io.out(`${report.file} (${report.encoding}, ${size.toLocaleString("en")} bytes)`);
      io.out(`  行 rows      ${t.rows.toLocaleString("en")}`);
      io.out(`  接受 accepted ${t.accepted.toLocaleString("en")}  (${t.debtors.toLocaleString("en")} debtors)`);
      io.out(`  重复 duplicate ${t.duplicate.toLocaleString("en")}`);
      io.out(`  拒绝 rejected ${t.rejected.toLocaleString("en")}`);
      const problems = report.rows.filter((r) => r.status !== "accepted");
      for (const row of problems.slice(0, 50)) {
        const what = row.errors.length ? row.errors.map((e) => `${e.field} ${e.code}: ${words(msg(`field.${e.code}`))}`).join("; ") : row.status;
        io.out(`  line ${row.line} ${row.loanRef || "(no loan_ref)"}: ${what}`);
      }
      if (problems.length > 50) io.out(`  … ${problems.length - 50} more (use --json for all)`);
    }
    return report.totals.accepted === report.totals.rows ? EXIT.OK : EXIT.FINDINGS;
  } catch (error) {
    io.done();
    if (error instanceof CaseListFileError) {
      if (io.json) io.out(JSON.stringify({ file: basename(file), error: { code: error.code, message: error.message, details: error.details } }));
      else {
        const details = Object.keys(error.details).length ? ` ${JSON.stringify(error.details)}` : "";
        io.err(`${basename(file)}: ${error.code}: ${words(msg(`file.${error.code}`))}${details}`);
      }
      return EXIT.BAD_INPUT;
    }
    throw error;
  }
}


