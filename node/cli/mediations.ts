import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatFen } from "../domain/money.js";
import type { ScheduleStatus } from "../domain/mediation/schedule.js";
import type { StoredMediation } from "../store/mediation-store.js";
import { callGateway, callGatewayBytes, CliError, GATEWAY_HELP, GATEWAY_OPTIONS, gatewayTarget } from "./gateway-client.js";
import { EXIT, type Output, usage as answerUsage } from "./output.js";

export const MEDIATIONS_COMMANDS = `  caseledger mediations draft --file AGREEMENT.json   起草调解协议（贷款机构）/ draft a mediation agreement (lender)
  caseledger mediations list [--state S] [--case-key KEY]   调解协议列表 / agreements, as creditor or as mediator
  caseledger mediations request HASH           签名并请调解组织签署（贷款机构）/ sign and ask the mediator to sign (lender)
  caseledger mediations approve HASH           调解组织签署 / the mediator signs (mediator)
  caseledger mediations refuse HASH --reason TERMS_UNFAIR|DEBTOR_NOT_HEARD|FACTS_DISPUTED|OTHER   调解组织拒签 / the mediator refuses
  caseledger mediations accept HASH --method signed-paper|recorded-call|in-person --evidence ID
                                               记录债务人确认（其文件须已存证）/ the debtor's acceptance (its file notarized first)
  caseledger mediations schedule HASH          分期状态（违约时退出码 1）/ instalments: paid, due, overdue, defaulted (exit 1 on default)
  caseledger mediations filing HASH --file FIELDS.json --out PACKAGE.zip
                                               违约后生成起诉材料包 / after a default: the filing package (carries personal data)`;

const HELP = `${MEDIATIONS_COMMANDS}
${GATEWAY_HELP}`;

const usage = (io: Output, help: boolean | undefined) => answerUsage(io, help, HELP);

const HASH = /^0x[0-9a-fA-F]{64}$/;

async function jsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw error;
    throw new CliError(EXIT.BAD_INPUT, `不是 JSON 文件 / not a JSON file: ${path}`);
  }
}

function line(m: StoredMediation): string {
  const a = m.agreement;
  return `${m.hash} ${m.state.padEnd(9)} ${m.side.padEnd(8)} case ${a.caseKey.slice(0, 12)}… ${formatFen(BigInt(a.amountFen))} in ${a.instalments.length}, creditor #${a.creditorId}, mediator #${a.mediatorId}`;
}

function printSchedule(io: Output, s: ScheduleStatus): void {
  for (const i of s.instalments) io.out(`  ${String(i.number).padStart(3)}  ${i.due}  ${formatFen(BigInt(i.amountFen)).padStart(12)}  paid ${formatFen(BigInt(i.paidFen)).padStart(12)}  ${i.state}`);
  io.out(`  paid ${formatFen(BigInt(s.paidFen))}, unpaid ${formatFen(BigInt(s.unpaidFen))}${s.defaulted ? `; 违约 / in default since ${s.defaultedSince}` : ""}`);
}

/** One command's parse: the gateway options, the agreement's hash as the one positional, and the command's own. */
function parse<O extends Record<string, { type: "string" | "boolean" }>>(args: string[], own: O) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...GATEWAY_OPTIONS, ...own } });
  return { values: values as Record<string, string | boolean | undefined> & { help?: boolean; json?: boolean; gateway?: string; token?: string }, hash: positionals[0] };
}

export async function mediationsDraft(args: string[], io: Output): Promise<number> {
  const { values } = parse(args, { file: { type: "string" } });
  if (values.help || typeof values.file !== "string") return usage(io, values.help);
  const created = (await callGateway(gatewayTarget(values), "POST", "/v1/mediations", { json: await jsonFile(values.file) })) as StoredMediation;
  if (io.json) io.out(JSON.stringify(created));
  else {
    io.out(`草稿 / draft ${line(created)}`);
    io.out(`  next: caseledger mediations request ${created.hash}`);
  }
  return EXIT.OK;
}

export async function mediationsList(args: string[], io: Output): Promise<number> {
  const { values } = parse(args, { state: { type: "string" }, "case-key": { type: "string" } });
  if (values.help) return usage(io, values.help);
  const query = new URLSearchParams();
  if (typeof values.state === "string") query.set("state", values.state);
  if (typeof values["case-key"] === "string") query.set("caseKey", values["case-key"]);
  const { mediations } = (await callGateway(gatewayTarget(values), "GET", `/v1/mediations${query.size ? `?${query.toString()}` : ""}`)) as { mediations: StoredMediation[] };
  if (io.json) io.out(JSON.stringify({ mediations }));
  else if (mediations.length === 0) io.out("没有调解协议 / no mediation agreements");
  else for (const m of mediations) io.out(line(m));
  return EXIT.OK;
}

/** request / approve / refuse / accept: one POST on one agreement. */
function action(path: string, own: Record<string, { type: "string" }>, body: (values: Record<string, unknown>) => object | undefined) {
  return async (args: string[], io: Output): Promise<number> => {
    const { values, hash } = parse(args, own);
    const json = body(values);
    if (values.help || !hash || !HASH.test(hash) || json === undefined) return usage(io, values.help);
    const m = (await callGateway(gatewayTarget(values), "POST", `/v1/mediations/${hash.toLowerCase()}/${path}`, { json })) as StoredMediation;
    io.out(io.json ? JSON.stringify(m) : line(m));
    return EXIT.OK;
  };
}

export const mediationsRequest = action("request", {}, () => ({}));
export const mediationsApprove = action("approve", {}, () => ({}));
export const mediationsRefuse = action("refuse", { reason: { type: "string" } }, (v) => (typeof v.reason === "string" ? { reason: v.reason } : undefined));
export const mediationsAccept = action("acceptance", { method: { type: "string" }, evidence: { type: "string" } }, (v) =>
  typeof v.method === "string" && typeof v.evidence === "string" && /^\d+$/.test(v.evidence) ? { method: v.method, evidenceId: Number(v.evidence) } : undefined,
);

export async function mediationsSchedule(args: string[], io: Output): Promise<number> {
  const { values, hash } = parse(args, {});
  if (values.help || !hash || !HASH.test(hash)) return usage(io, values.help);
  const answer = (await callGateway(gatewayTarget(values), "GET", `/v1/mediations/${hash.toLowerCase()}/schedule`)) as { hash: string; caseKey: string; at: string; schedule: ScheduleStatus };
  if (io.json) io.out(JSON.stringify(answer));
  else {
    io.out(`${answer.hash} case ${answer.caseKey} at ${answer.at}`);
    printSchedule(io, answer.schedule);
  }
  return answer.schedule.defaulted ? EXIT.FINDINGS : EXIT.OK;
}

/** The zip is written to --out only: it carries the debtor's name and ID number, so it is never printed. */
export async function mediationsFiling(args: string[], io: Output): Promise<number> {
  const { values, hash } = parse(args, { file: { type: "string" }, out: { type: "string" } });
  if (values.help || !hash || !HASH.test(hash) || typeof values.file !== "string" || typeof values.out !== "string") return usage(io, values.help);
  const target = gatewayTarget(values);
  const fields = await jsonFile(values.file);
  const zip = await callGatewayBytes(target, "POST", `/v1/mediations/${hash.toLowerCase()}/filing`, { json: fields });
  await writeFile(values.out, zip, { mode: 0o600 });
  if (io.json) io.out(JSON.stringify({ out: values.out, bytes: zip.length }));
  else io.out(`起诉材料包 / filing package: ${values.out} (${zip.length} bytes; 含个人信息，请妥善保管 / carries personal data: keep it safe)`);
  return EXIT.OK;
}
