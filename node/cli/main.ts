import { VERSION } from "../version.js";
import { ConfigError } from "../config.js";
import { SecretFileError } from "../store/secret-file.js";
import { casesAllocate, casesCheck, casesCommit, casesUpload, REMOTE_HELP } from "./cases-remote.js";
import { casesValidate, VALIDATE_HELP } from "./cases-validate.js";
import * as fees from "./fees-remote.js";
import { REPAYMENTS_COMMANDS, repaymentsConfirm, repaymentsDispute, repaymentsImport, repaymentsList, repaymentsReport } from "./repayments.js";
import { CONTACTS_COMMANDS, contactsFigures, contactsList, contactsLog, contactsPermit, contactsPromises } from "./contacts.js";
import * as mediations from "./mediations.js";
import { CliError } from "./gateway-client.js";
import { createOutput, EXIT } from "./output.js";

const HELP = `caseledger — 案链命令行 / the CaseLedger command line

  caseledger cases validate FILE [--json] ...   校验案件清单（离线）/ validate a case list (offline)
${REMOTE_HELP}
${fees.FEES_HELP.split("\n").filter((line) => !line.trimStart().startsWith("--")).join("\n")}
${REPAYMENTS_COMMANDS}
${CONTACTS_COMMANDS}
${mediations.MEDIATIONS_COMMANDS}
  caseledger cases settle --case KEY=YUAN ... [--terms FILE] [--wait]   结清上链 / settle cases for the amounts stated
  caseledger conduct screen FILE|- [--json]   检查文本是否含禁用语（离线）/ screen a text or template (offline)
  caseledger conduct report --month YYYY-MM [--json]   监管合规月报 / supervisor: the month's conduct report
  caseledger scorecards [--consortium] [--json]   机构评分 / agency scorecards (lender view, or consortium-wide)
  caseledger verify FILE RECEIPT [--rpc URL] [--json]   核验存证文件与回执（可离线）/ verify evidence against its receipt (offline too)
  caseledger verify-bundle FILE [--rpc URL] [--files DIR] [--json]   核验案件卷宗（可离线）/ verify a case bundle (offline too)
  caseledger member show|rotate-signer|cancel-change|change-recovery --member ID --rpc URL --key FILE ...
                              以离线保管的恢复密钥管理本机构的链上密钥 / a member's keys, with its cold recovery key

  caseledger <command> --help for the options of a command.
  caseledger --version        版本 / the version
  CASELEDGER_LANG=zh|en       只用一种语言提示问题 / word problems in one language (default: both)

${VALIDATE_HELP}`;

type Command = (args: string[], io: ReturnType<typeof createOutput>) => Promise<number>;
const COMMANDS: Record<string, Command> = {
  "cases validate": casesValidate,
  "cases upload": casesUpload,
  "cases allocate": casesAllocate,
  "cases commit": casesCommit,
  "cases check": casesCheck,
  "fee-schedules propose": fees.feeSchedulesPropose,
  "fee-schedules list": fees.feeSchedulesList,
  "fee-schedules accept": fees.feeSchedulesAccept,
  "statements issue": fees.statementsIssue,
  "statements list": fees.statementsList,
  "statements accept": fees.statementsAccept,
  "statements dispute": fees.statementsDispute,
  "statements export": fees.statementsExport,
  "repayments report": repaymentsReport,
  "repayments list": repaymentsList,
  "repayments confirm": repaymentsConfirm,
  "repayments dispute": repaymentsDispute,
  "repayments import": repaymentsImport,
  "contacts permit": contactsPermit,
  "contacts log": contactsLog,
  "contacts list": contactsList,
  "contacts promises": contactsPromises,
  "contacts figures": contactsFigures,
  "mediations draft": mediations.mediationsDraft,
  "mediations list": mediations.mediationsList,
  "mediations request": mediations.mediationsRequest,
  "mediations approve": mediations.mediationsApprove,
  "mediations refuse": mediations.mediationsRefuse,
  "mediations accept": mediations.mediationsAccept,
  "mediations schedule": mediations.mediationsSchedule,
  "mediations filing": mediations.mediationsFiling,
  "cases settle": (args, io) => import("./cases-settle.js").then((m) => m.casesSettle(args, io)),
  "conduct screen": (args, io) => import("./conduct.js").then((m) => m.conductScreen(args, io)),
  "conduct report": (args, io) => import("./conduct.js").then((m) => m.conductReport(args, io)),
  scorecards: (args, io) => import("./scorecards.js").then((m) => m.scorecardsCommand(args, io)),
  // Loaded on use: verification starts fast and needs none of the gateway's modules.
  verify: (args, io) => import("./verify.js").then((m) => m.verifyCommand(args, io)),
  "verify-bundle": (args, io) => import("./verify-bundle.js").then((m) => m.verifyBundleCommand(args, io)),
  // The member's officer, with the cold recovery key (never the gateway).
  "member show": (args, io) => import("./member-keys.js").then((m) => m.memberCommand("show")(args, io)),
  "member rotate-signer": (args, io) => import("./member-keys.js").then((m) => m.memberCommand("rotate-signer")(args, io)),
  "member cancel-change": (args, io) => import("./member-keys.js").then((m) => m.memberCommand("cancel-change")(args, io)),
  "member change-recovery": (args, io) => import("./member-keys.js").then((m) => m.memberCommand("change-recovery")(args, io)),
};

/** Runs the command line; returns the exit code. Never prints a stack trace at a user. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const io = createOutput(json);
  const words = COMMANDS[argv.slice(0, 2).join(" ")] ? 2 : 1;
  const command = COMMANDS[argv.slice(0, words).join(" ")];
  if (argv[0] === "--version") {
    io.out(VERSION);
    return EXIT.OK;
  }
  if (!command) {
    (argv.length === 0 || argv.includes("--help") ? io.out : io.err)(HELP);
    return argv.length === 0 || argv.includes("--help") ? EXIT.OK : EXIT.USAGE;
  }
  try {
    return await command(argv.slice(words), io);
  } catch (error) {
    io.done();
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    if (error instanceof ConfigError || error instanceof SecretFileError) {
      io.err(error.message);
      return EXIT.CONFIG;
    }
    if (error instanceof TypeError && /Unknown option|Unexpected argument|argument missing/i.test(error.message)) {
      io.err(error.message);
      return EXIT.USAGE;
    }
    const e = error as NodeJS.ErrnoException;
    if (e.code === "ENOENT") {
      io.err(`文件不存在 / file not found: ${e.path ?? ""}`);
      return EXIT.BAD_INPUT;
    }
    io.err(`错误 / error: ${e.message ?? String(error)}`);
    return EXIT.FINDINGS;
  }
}
