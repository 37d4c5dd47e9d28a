import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CURRENT_LEXICON } from "../domain/conduct/lexicon.js";
import type { PairTotals } from "../domain/conduct/report.js";
import { MAX_SCREENED_TEXT, Screener } from "../domain/conduct/screen.js";
import { callGateway, GATEWAY_HELP, GATEWAY_OPTIONS, gatewayTarget } from "./gateway-client.js";
import { EXIT, type Output, usage } from "./output.js";

export const CONDUCT_HELP = `  caseledger conduct screen FILE|- [--json]
                              检查短信/信函文本或模板是否含禁用语（离线）/ screen an SMS, letter or template against the
                              lexicon (offline): exit 0 when it passes, 1 with the rule, category and span when it does not
  caseledger conduct report --month YYYY-MM [--json]
                              监管成员：向各成员索取签名数据生成合规月报并存证 / supervisor: build the month's conduct
                              report from every member's signed figures (hash notarized); exit 1 when a member did not answer
${GATEWAY_HELP}`;

/** `caseledger conduct report`: POST /v1/supervision/reports at the supervisor's gateway, in words or as its JSON. */
export async function conductReport(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...GATEWAY_OPTIONS, month: { type: "string" } } });
  if (values.help || positionals.length > 0 || !values.month) return usage(io, values.help, CONDUCT_HELP);
  const body = (await callGateway(gatewayTarget(values), "POST", "/v1/supervision/reports", { json: { month: values.month } })) as {
    hash: string;
    evidence: { id: number; leafHash: string };
    report: { statements: Array<{ member: number; answer?: { hash: string }; problem?: string }> };
    totals: PairTotals[];
  };
  const missing = body.report.statements.filter((s) => !s.answer);
  if (io.json) io.out(JSON.stringify(body));
  else {
    io.out(`合规月报 / conduct report ${values.month}: ${body.hash}`);
    io.out(`  存证 / notarized: record #${body.evidence.id} ${body.evidence.leafHash}`);
    for (const s of body.report.statements) io.out(`  成员 / member #${s.member}: ${s.answer ? `signed ${s.answer.hash}` : `无答复 / no answer (${s.problem})`}`);
    if (body.totals.length === 0) io.out("  （本月无数据）/ no figures this month");
    for (const p of body.totals) {
      io.out(`  机构 / agency #${p.agency} · 委托方 / lender #${p.lender}: contacts ${p.contacts}, connected ${p.connected}, cap hits ${p.capHits}, violations ${p.violations}, complaints ${p.complaints} (${p.openComplaints} open) — stated by ${p.statedBy.map((m) => `#${m}`).join(", ")}`);
    }
  }
  return missing.length ? EXIT.FINDINGS : EXIT.OK;
}

async function readText(path: string): Promise<string> {
  if (path !== "-") return readFile(path, "utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** `caseledger conduct screen`: the gateway's screening (docs/design.md §26) with the lexicon this code ships. */
export async function conductScreen(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help || positionals.length !== 1) return usage(io, values.help, CONDUCT_HELP);
  const text = (await readText(positionals[0]!)).replace(/^\ufeff/, "");
  if ([...text].length > MAX_SCREENED_TEXT) {
    io.err(`文本超过 ${MAX_SCREENED_TEXT} 字 / the text is longer than ${MAX_SCREENED_TEXT} characters`);
    return EXIT.BAD_INPUT;
  }
  const screener = new Screener(CURRENT_LEXICON);
  const result = screener.screen(text);
  if (io.json) io.out(JSON.stringify({ ...result, lexiconHash: screener.hash }));
  else if (result.ok) io.out(`通过 / passes — 词库 / lexicon ${result.lexiconVersion} ${screener.hash}`);
  else {
    io.out(`不通过 / refused — 规则 / rule ${result.rule} (${result.category}), 位置 / span [${result.span[0]}, ${result.span[1]}) — 词库 / lexicon ${result.lexiconVersion}`);
  }
  return result.ok ? EXIT.OK : EXIT.FINDINGS;
}
