import { parseArgs } from "node:util";
import { callGateway, GATEWAY_HELP, GATEWAY_OPTIONS, gatewayTarget } from "./gateway-client.js";
import { EXIT, type Output, usage } from "./output.js";

export const SCORECARDS_HELP = `  caseledger scorecards [--consortium] [--json]
                              机构评分 / agency scorecards: a lender's view of its agencies (its own cases), or with
                              --consortium (an agency's only view) every agency from the chain alone, no creditor named
${GATEWAY_HELP}`;

interface Window {
  days: number;
  matured: number;
  rateBp: number | null;
}
interface Card {
  agencyId: number;
  name?: string | null;
  assignments: number;
  cases: number;
  recovery?: Window[];
  settled: (Window & { settled: number; settledFen: string })[];
  firstRepaymentMedianSeconds?: number | null;
  returnedBp: number | null;
  acceptDelayMedianSeconds: number | null;
  reportedRepayments?: number;
  disputedBp?: number | null;
  complaints: { received: number; open: number } | null;
}

const DASH = "—";
/** Basis points as a percent with 2 decimals, in integers. */
const percent = (bp: number | null | undefined) => (bp === null || bp === undefined ? DASH : `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, "0")}%`);
const days = (s: number | null | undefined) => (s === null || s === undefined ? DASH : `${(s / 86_400).toFixed(1)} d`);
const hours = (s: number | null | undefined) => (s === null || s === undefined ? DASH : `${(s / 3_600).toFixed(1)} h`);
const windows = (list: Window[]) => list.map((w) => `${w.days}d ${percent(w.rateBp)} (${w.matured})`).join(" · ");

/** `caseledger scorecards`: GET /v1/scorecards, in words or as the gateway's JSON. */
export async function scorecardsCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...GATEWAY_OPTIONS, consortium: { type: "boolean" } } });
  if (values.help || positionals.length > 0) return usage(io, values.help, SCORECARDS_HELP);
  const body = (await callGateway(gatewayTarget(values), "GET", `/v1/scorecards${values.consortium ? "?view=consortium" : ""}`)) as { view: string; asOf: string; agencies: Card[] };
  if (io.json) {
    io.out(JSON.stringify(body));
    return EXIT.OK;
  }
  io.out(`机构评分 / agency scorecards — ${body.view === "lender" ? "本机构视角 / lender view" : "全联盟（仅链上数据）/ consortium-wide, chain only"}, ${body.asOf}`);
  if (body.agencies.length === 0) io.out("  （暂无分配记录）/ no assignments yet");
  for (const c of body.agencies) {
    io.out(`  机构 / agency ${c.agencyId}${c.name ? ` ${c.name}` : ""}: ${c.cases} cases, ${c.assignments} assignments`);
    if (c.recovery) io.out(`    回收率 / recovery       ${windows(c.recovery)}`);
    io.out(`    结清率 / settled        ${windows(c.settled)}`);
    if (c.recovery) {
      io.out(`    首次回款中位数 / first repayment median ${days(c.firstRepaymentMedianSeconds)} · 争议 / disputed ${percent(c.disputedBp)} of ${c.reportedRepayments ?? 0}`);
    }
    io.out(`    退回 / returned ${percent(c.returnedBp)} · 接受延迟中位数 / accept delay median ${hours(c.acceptDelayMedianSeconds)} · 投诉 / complaints ${c.complaints ? `${c.complaints.received} (${c.complaints.open} open)` : DASH}`);
  }
  io.out("  (n) = 已满该期限的分配数 / assignments old enough to measure");
  return EXIT.OK;
}
