import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatFen } from "../domain/money.js";
import { callGateway, callGatewayBytes, CliError, GATEWAY_HELP, GATEWAY_OPTIONS, gatewayTarget } from "./gateway-client.js";
import { EXIT, type Output } from "./output.js";

export const FEES_HELP = `  caseledger fee-schedules propose FILE|-      提出费率方案（贷款机构管理员）/ propose a fee schedule (lender's admin): JSON
                                               { agencyId, version, effectiveFrom, model } (docs/design.md §23)
  caseledger fee-schedules list [--agency ID | --creditor ID]   费率方案 / fee schedules
  caseledger fee-schedules accept HASH          接受费率方案（催收机构）/ accept a fee schedule (agency)
  caseledger statements issue --agency ID --month YYYY-MM   出具对账单（贷款机构）/ issue a month's statement (lender)
  caseledger statements list [--agency ID | --creditor ID] [--month YYYY-MM]   对账单 / statements
  caseledger statements accept HASH             确认对账单（催收机构）/ accept a statement (agency)
  caseledger statements dispute HASH --line LINE_ID --reason TEXT [--line … --reason …]
                                               对明细提出异议（催收机构）/ dispute lines (agency)
  caseledger statements export HASH --format csv|pdf [--out FILE]   导出 / export
${GATEWAY_HELP}`;

/** The options of these commands: each reads the ones its help names. */
const OPTIONS = {
  ...GATEWAY_OPTIONS,
  agency: { type: "string" },
  creditor: { type: "string" },
  month: { type: "string" },
  line: { type: "string", multiple: true },
  reason: { type: "string", multiple: true },
  format: { type: "string" },
  out: { type: "string" },
} as const;

/** Parses the options; prints help for --help or a wrong count of arguments (undefined then). */
function parse(args: string[], io: Output, positionals: number) {
  const parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  if (parsed.values.help || parsed.positionals.length !== positionals) {
    (parsed.values.help ? io.out : io.err)(FEES_HELP);
    return undefined;
  }
  return { values: parsed.values, positionals: parsed.positionals, target: gatewayTarget(parsed.values) };
}

const yuan = (fen: string) => formatFen(BigInt(fen));
const idQuery = (name: string, value: string | undefined) => (value === undefined ? "" : `${name}=${encodeURIComponent(value)}`);
const query = (...parts: string[]) => {
  const q = parts.filter((p) => p !== "").join("&");
  return q ? `?${q}` : "";
};

interface ScheduleView {
  hash: string;
  state: string;
  schedule: { creditorId: number; agencyId: number; version: number; effectiveFrom: string; model: { kind: string } };
  deliveryError?: string;
  evidenceId?: number;
}

function showSchedule(s: ScheduleView, io: Output): void {
  const { schedule } = s;
  io.out(`${s.hash}  creditor ${schedule.creditorId} → agency ${schedule.agencyId}  v${schedule.version} from ${schedule.effectiveFrom}  ${schedule.model.kind}  ${s.state}${s.deliveryError ? ` (not delivered: ${s.deliveryError})` : ""}${s.evidenceId === undefined ? "" : `  evidence ${s.evidenceId}`}`);
}

interface StatementView {
  hash: string;
  state: string;
  creditorId: number;
  agencyId: number;
  month: string;
  supersedes: string;
  totals: { lines: number; repaidFen: string; feeFen: string; apartLines: number };
  deliveryError?: string;
  evidenceId?: number;
}

function showStatement(s: StatementView, io: Output): void {
  io.out(
    `${s.hash}  ${s.month}  creditor ${s.creditorId} → agency ${s.agencyId}  ${s.state}  ${s.totals.lines} lines, repaid ${yuan(s.totals.repaidFen)}, fees ${yuan(s.totals.feeFen)} 元; ${s.totals.apartLines} apart${s.supersedes ? `; corrects ${s.supersedes.slice(0, 10)}…` : ""}${s.deliveryError ? ` (not delivered: ${s.deliveryError})` : ""}`,
  );
}

async function readJson(file: string): Promise<unknown> {
  let text = "";
  if (file === "-") for await (const chunk of process.stdin) text += chunk;
  else text = await readFile(file, "utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(EXIT.BAD_INPUT, `不是 JSON / not JSON: ${file}`);
  }
}

function print<T>(io: Output, value: T, human: (v: T) => void): number {
  if (io.json) io.out(JSON.stringify(value));
  else human(value);
  return EXIT.OK;
}

export async function feeSchedulesPropose(args: string[], io: Output): Promise<number> {
  const p = parse(args, io, 1);
  if (!p) return args.includes("--help") ? EXIT.OK : EXIT.USAGE;
  const record = (await callGateway(p.target, "POST", "/v1/fee-schedules", { json: await readJson(p.positionals[0]!) })) as ScheduleView;
  print(io, record, (r) => showSchedule(r, io));
  return record.deliveryError ? EXIT.FINDINGS : EXIT.OK;
}

export async function feeSchedulesList(args: string[], io: Output): Promise<number> {
  const p = parse(args, io, 0);
  if (!p) return args.includes("--help") ? EXIT.OK : EXIT.USAGE;
  const body = (await callGateway(p.target, "GET", `/v1/fee-schedules${query(idQuery("agencyId", p.values.agency), idQuery("creditorId", p.values.creditor))}`)) as { schedules: ScheduleView[] };
  return print(io, body, (b) => (b.schedules.length ? b.schedules.forEach((s) => showSchedule(s, io)) : io.out("没有费率方案 / no fee schedules")));
}

export async function feeSchedulesAccept(args: string[], io: Output): Promise<number> {
  const p = parse(args, io, 1);
  if (!p) return args.includes("--help") ? EXIT.OK : EXIT.USAGE;
  const record = (await callGateway(p.target, "POST", `/v1/fee-schedules/${encodeURIComponent(p.positionals[0]!)}/accept`)) as ScheduleView;
  return print(io, record, (r) => showSchedule(r, io));
}

export async function statementsIssue(args: string[], io: Output): Promise<number> {
  const p = parse(args, io, 0);
  if (!p) return args.includes("--help") ? EXIT.OK : EXIT.USAGE;
  if (typeof p.values.agency !== "string" || typeof p.values.month !== "string") {
    io.err(FEES_HELP);
    return EXIT.USAGE;
  }
  const s = (await callGateway(p.target, "POST", "/v1/statements", { json: { agencyId: Number(p.values.agency), month: p.values.month } })) as StatementView;
  print(io, s, (v) => showStatement(v, io));
  return s.deliveryError ? EXIT.FINDINGS : EXIT.OK;
}

export async function statementsList(args: string[], io: Output): Promise<number> {
  const p = parse(args, io, 0);
  if (!p) return args.includes("--help") ? EXIT.OK : EXIT.USAGE;
  const q = query(idQuery("agencyId", p.values.agency), idQuery("creditorId", p.values.creditor), idQuery("month", p.values.month));
  const body = (await callGateway(p.target, "GET", `/v1/statements${q}`)) as { statements: StatementView[] };
  return print(io, body, (b) => (b.statements.length ? b.statements.forEach((s) => showStatement(s, io)) : io.out("没有对账单 / no statements")));
}

export async function statementsAccept(args: string[], io: Output): Promise<number> {
  const p = parse(args, io, 1);
  if (!p) return args.includes("--help") ? EXIT.OK : EXIT.USAGE;
  const s = (await callGateway(p.target, "POST", `/v1/statements/${encodeURIComponent(p.positionals[0]!)}/accept`)) as StatementView;
  return print(io, s, (v) => showStatement(v, io));
}

export async function statementsDispute(args: string[], io: Output): Promise<number> {
  const p = parse(args, io, 1);
  if (!p) return args.includes("--help") ? EXIT.OK : EXIT.USAGE;
  const lineIds = p.values.line ?? [];
  const reasons = p.values.reason ?? [];
  if (lineIds.length === 0 || lineIds.length !== reasons.length) {
    io.err(FEES_HELP);
    return EXIT.USAGE;
  }
  const lines = lineIds.map((lineId, i) => ({ lineId, reason: reasons[i]! }));
  const s = (await callGateway(p.target, "POST", `/v1/statements/${encodeURIComponent(p.positionals[0]!)}/dispute`, { json: { lines } })) as StatementView;
  return print(io, s, (v) => showStatement(v, io));
}

export async function statementsExport(args: string[], io: Output): Promise<number> {
  const p = parse(args, io, 1);
  if (!p) return args.includes("--help") ? EXIT.OK : EXIT.USAGE;
  const format = p.values.format;
  if (format !== "csv" && format !== "pdf") {
    io.err(FEES_HELP);
    return EXIT.USAGE;
  }
  const hash = p.positionals[0]!;
  const bytes = await callGatewayBytes(p.target, "GET", `/v1/statements/${encodeURIComponent(hash)}.${format}`);
  const out = typeof p.values.out === "string" ? p.values.out : `statement-${hash.slice(2, 14)}.${format}`;
  await writeFile(out, bytes);
  return print(io, { file: out, bytes: bytes.length }, (v) => io.out(`已保存 / saved ${v.file} (${v.bytes} bytes)`));
}
