import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatFen, parseAmountToFen } from "../domain/money.js";
import { callGateway, CliError, GATEWAY_HELP, GATEWAY_OPTIONS, gatewayTarget } from "./gateway-client.js";
import { EXIT, type Output, usage } from "./output.js";

export const SETTLE_HELP = `  caseledger cases settle --case KEY=YUAN [--case KEY=YUAN ...] [--terms FILE [--terms-type TYPE]] [--wait]
                              结清上链 / settle cases on chain for the amounts you state (yuan, at most 2 decimals;
                              0 for a write-off — the outstanding is never assumed); --terms: the settlement terms,
                              notarized as evidence and hashed on chain
${GATEWAY_HELP}`;

interface JobView {
  id: string;
  status: string;
  done?: number;
  failed?: number;
  failedItems?: { caseKey: string; status: { reason?: string } }[];
}

/** `caseledger cases settle`: one settle job for the cases given, each with its stated amount. */
export async function casesSettle(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...GATEWAY_OPTIONS,
      case: { type: "string", multiple: true },
      terms: { type: "string" },
      "terms-type": { type: "string", default: "application/pdf" },
      wait: { type: "boolean", default: false },
    },
  });
  if (values.help || positionals.length > 0 || !values.case?.length) return usage(io, values.help, SETTLE_HELP);
  const settlements = values.case.map((item) => {
    const [caseKey, yuan] = item.split("=");
    const amount = parseAmountToFen(yuan ?? "");
    if (!caseKey || !amount.ok) throw new CliError(EXIT.USAGE, `--case ${item}: 应为 KEY=金额（元）/ expected KEY=AMOUNT in yuan`);
    return { caseKey, settledFen: amount.fen.toString() };
  });
  const terms = values.terms === undefined ? undefined : { contentBase64: (await readFile(values.terms)).toString("base64"), mediaType: values["terms-type"] };
  const target = gatewayTarget(values);
  let job = (await callGateway(target, "POST", "/v1/cases/actions", { json: { action: "settle", settlements, ...(terms && { terms }) } })) as JobView;
  while (values.wait && job.status !== "done") {
    await new Promise((r) => setTimeout(r, 500));
    job = (await callGateway(target, "GET", `/v1/jobs/${encodeURIComponent(job.id)}`)) as JobView;
  }
  if (io.json) io.out(JSON.stringify(job));
  else {
    const total = settlements.reduce((sum, s) => sum + BigInt(s.settledFen), 0n);
    io.out(`结清 / settle job ${job.id}: ${settlements.length} cases, ${formatFen(total)} yuan in all, ${job.status} (${job.done ?? 0} done, ${job.failed ?? 0} failed)`);
    for (const item of job.failedItems ?? []) io.out(`  failed ${item.caseKey}: ${item.status.reason}`);
  }
  return (job.failed ?? 0) > 0 ? EXIT.FINDINGS : EXIT.OK;
}
