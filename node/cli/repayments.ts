import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatFen } from "../domain/money.js";
import { CATALOG } from "../messages/catalog.js";
import { msg } from "../messages/message.js";
import { callGateway, GATEWAY_HELP, GATEWAY_OPTIONS, gatewayTarget } from "./gateway-client.js";
import { digestOf } from "./file-digest.js";
import { EXIT, type Output, usage, words } from "./output.js";
import type { RepaymentReport } from "../store/repayment-reports.js";
import { type DecisionResult, type LedgerView, MAX_BULK_DECISIONS } from "../services/repayments/ledger.js";
import type { ReconcilePreview } from "../services/repayments/reconcile.js";

export const REPAYMENTS_COMMANDS = `  caseledger repayments report --case-key KEY --amount-fen FEN --paid-at ISO --channel C --payer P (--voucher FILE | --voucher-evidence ID)
                                               报告还款（机构）/ report a repayment (agency): the voucher file's digest is recorded, or an
                                               evidence record of kind repayment; channel creditor-account|agency-escrow|other,
                                               payer debtor|relative|third-party; amounts in whole fen
  caseledger repayments list [--case-key KEY] [--ledger]
                                               本机构的还款报告（机构）/ this agency's reports; --ledger --case-key: the creditor's ledger (lender)
  caseledger repayments confirm ID... [--ids-file FILE]
                                               确认还款（贷款机构）/ confirm repayments (lender): one, or many at once
  caseledger repayments dispute ID --reason NOT_RECEIVED|AMOUNT_MISMATCH|VOUCHER_INVALID|DUPLICATE|OTHER
                                               对还款提出异议（贷款机构）/ dispute a repayment (lender)
  caseledger repayments import FILE [--confirm]
                                               按银行流水对账（贷款机构）/ reconcile against the bank's statement (lender): CSV with
                                               借据号/loanRef, 金额/amount, 交易日期/date; shows each line matched to a reported
                                               repayment or why not; --confirm confirms the matched ones`;

const REPAYMENTS_HELP = `${REPAYMENTS_COMMANDS}
${GATEWAY_HELP}`;

const VOUCHER_TYPES: Record<string, string> = { ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".pdf": "application/pdf" };

/** A reason code in the user's language (the code itself when the catalog has no such reason). */
export function reasonWords(code: string): string {
  return Object.hasOwn(CATALOG.repaymentReason, code) ? words(msg(`repaymentReason.${code as keyof typeof CATALOG.repaymentReason}`)) : code;
}

const yuan = (fen: string) => `${formatFen(BigInt(fen))} 元`;

export async function repaymentsReport(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...GATEWAY_OPTIONS,
      "case-key": { type: "string" },
      "amount-fen": { type: "string" },
      "paid-at": { type: "string" },
      channel: { type: "string" },
      payer: { type: "string" },
      voucher: { type: "string" },
      "voucher-evidence": { type: "string" },
    },
  });
  if (values.help || !values["case-key"] || !values["amount-fen"] || !values["paid-at"] || !values.channel || !values.payer || !(values.voucher || values["voucher-evidence"])) return usage(io, values.help, REPAYMENTS_HELP);
  const target = gatewayTarget(values);
  const body = {
    caseKey: values["case-key"],
    amountFen: values["amount-fen"],
    paidAt: values["paid-at"],
    channel: values.channel,
    payer: values.payer,
    ...(values.voucher ? { voucher: await digestOf(values.voucher, VOUCHER_TYPES) } : { voucherEvidenceId: Number(values["voucher-evidence"]) }),
  };
  const report = (await callGateway(target, "POST", "/v1/repayments", { json: body })) as RepaymentReport;
  if (io.json) io.out(JSON.stringify(report));
  else {
    io.out(`已报告 / reported ${report.reportId}: ${yuan(report.amountFen)} on case ${report.caseKey} to creditor #${report.creditorId} (${report.state})`);
    io.out(`  voucher: evidence ${report.voucher.evidenceId} ${report.voucher.leafHash}`);
    io.out("  next: caseledger repayments list --case-key KEY");
  }
  return EXIT.OK;
}

export async function repaymentsList(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { ...GATEWAY_OPTIONS, "case-key": { type: "string" }, ledger: { type: "boolean", default: false } } });
  if (values.help || (values.ledger && !values["case-key"])) return usage(io, values.help, REPAYMENTS_HELP);
  const target = gatewayTarget(values);
  const caseKey = values["case-key"];
  if (values.ledger) {
    const ledger = (await callGateway(target, "GET", `/v1/cases/${encodeURIComponent(caseKey!)}/repayments`)) as LedgerView;
    if (io.json) io.out(JSON.stringify(ledger));
    else {
      io.out(`case ${ledger.caseKey}: 剩余欠款 / outstanding ${yuan(ledger.outstandingFen)} (registered ${yuan(ledger.initialFen)}, confirmed ${yuan(ledger.confirmedFen)}, waived ${yuan(ledger.waivedFen)} of at most ${yuan(ledger.waiverLimitFen)})`);
      for (const r of ledger.repayments) {
        const reason = r.decision?.reason ? ` — ${reasonWords(r.decision.reason)}` : r.reversal ? ` — ${reasonWords(r.reversal.reason)}` : "";
        io.out(`  ${r.id} ${r.state.padEnd(9)} ${yuan(r.amountFen)} paid ${r.paidAt} via ${r.channel} by ${r.payer}, reported by #${r.reportedBy}${reason}`);
      }
      for (const w of ledger.waivers) io.out(`  ${w.id} waiver    ${yuan(w.amountFen)} ${reasonWords(w.reason)}${w.reversal ? " (reversed)" : ""}`);
    }
    return EXIT.OK;
  }
  const { reports } = (await callGateway(target, "GET", `/v1/repayments${caseKey ? `?caseKey=${encodeURIComponent(caseKey)}` : ""}`)) as { reports: RepaymentReport[] };
  if (io.json) io.out(JSON.stringify({ reports }));
  else if (reports.length === 0) io.out("没有还款报告 / no repayment reports");
  else {
    for (const r of reports) {
      const last = r.history.at(-1);
      const why = r.refused ? ` — ${r.refused.code}` : last?.reason ? ` — ${reasonWords(last.reason)}` : "";
      io.out(`${r.reportId} ${r.state.padEnd(9)} ${yuan(r.amountFen)} case ${r.caseKey} creditor #${r.creditorId} paid ${r.paidAt}${why}`);
    }
  }
  return EXIT.OK;
}

export async function repaymentsConfirm(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...GATEWAY_OPTIONS, "ids-file": { type: "string" } } });
  const ids = [...positionals];
  if (values["ids-file"]) {
    let text = "";
    for await (const chunk of createReadStream(values["ids-file"], "utf8")) text += chunk as string;
    ids.push(...text.split(/\s+/).filter(Boolean));
  }
  if (values.help || ids.length === 0) return usage(io, values.help, REPAYMENTS_HELP);
  const target = gatewayTarget(values);
  const results =
    ids.length === 1
      ? [(await callGateway(target, "POST", `/v1/repayments/${encodeURIComponent(ids[0]!)}/confirm`, { json: {} })) as DecisionResult]
      : ((await callGateway(target, "POST", "/v1/repayments/confirm", { json: { ids } })) as { results: DecisionResult[] }).results;
  const failed = results.filter((r) => "error" in r);
  if (io.json) io.out(JSON.stringify({ results }));
  else {
    io.out(`已确认 / confirmed ${results.length - failed.length} of ${results.length}`);
    for (const f of failed) if ("error" in f) io.out(`  ${f.id}: ${f.error.code} ${f.error.problem}`);
  }
  return failed.length ? EXIT.FINDINGS : EXIT.OK;
}

export async function repaymentsDispute(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...GATEWAY_OPTIONS, reason: { type: "string" } } });
  if (values.help || positionals.length !== 1 || !values.reason) return usage(io, values.help, REPAYMENTS_HELP);
  const result = (await callGateway(gatewayTarget(values), "POST", `/v1/repayments/${encodeURIComponent(positionals[0]!)}/dispute`, { json: { reason: values.reason } })) as { id: string; evidenceLeafHash: string };
  if (io.json) io.out(JSON.stringify(result));
  else io.out(`已提出异议 / disputed ${result.id}: ${reasonWords(values.reason)} (evidence ${result.evidenceLeafHash})`);
  return EXIT.OK;
}

/** A reconciliation code in the user's language: the bank file's own codes, else the case list's field codes. */
function reconcileWords(code: string): string {
  if (Object.hasOwn(CATALOG.reconcile, code)) return words(msg(`reconcile.${code as keyof typeof CATALOG.reconcile}`));
  return Object.hasOwn(CATALOG.field, code) ? words(msg(`field.${code as keyof typeof CATALOG.field}`)) : code;
}

/**
 * `caseledger repayments import FILE [--confirm]`: the bank's statement reconciled at the gateway (a preview), then,
 * with --confirm, the matched repayments confirmed in bulk. Exit 1 when a line did not match or a confirmation failed.
 */
export async function repaymentsImport(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...GATEWAY_OPTIONS, confirm: { type: "boolean", default: false } } });
  if (values.help || positionals.length !== 1) return usage(io, values.help, REPAYMENTS_HELP);
  const target = gatewayTarget(values);
  const preview = (await callGateway(target, "POST", "/v1/repayments/reconcile", { body: await readFile(positionals[0]!), headers: { "content-type": "text/csv" } })) as ReconcilePreview;
  const results: DecisionResult[] = [];
  if (values.confirm) {
    for (let i = 0; i < preview.ids.length; i += MAX_BULK_DECISIONS) {
      const part = (await callGateway(target, "POST", "/v1/repayments/confirm", { json: { ids: preview.ids.slice(i, i + MAX_BULK_DECISIONS) } })) as { results: DecisionResult[] };
      results.push(...part.results);
    }
  }
  const failed = results.filter((r) => "error" in r);
  if (io.json) io.out(JSON.stringify(values.confirm ? { preview, results } : { preview }));
  else {
    const t = preview.totals;
    io.out(`对账 / reconciled ${t.lines} lines: ${t.matched} matched, ${t.unmatched} not`);
    for (const m of preview.matched) io.out(`  row ${m.row} ${m.loanRef} ${yuan(m.amountFen)} ${m.date} → ${m.repaymentId}`);
    for (const u of preview.unmatched) io.out(`  row ${u.row} ${u.field}: ${u.code} ${reconcileWords(u.code)}`);
    if (values.confirm) {
      io.out(`已确认 / confirmed ${results.length - failed.length} of ${results.length}`);
      for (const r of results) if ("warning" in r && r.warning) io.out(`  ${r.id}: ${reconcileWords(r.warning)}`);
      for (const f of failed) if ("error" in f) io.out(`  ${f.id}: ${f.error.code} ${f.error.problem}`);
    } else if (preview.ids.length > 0) io.out("  next: caseledger repayments import FILE --confirm");
  }
  return failed.length > 0 || preview.totals.unmatched > 0 ? EXIT.FINDINGS : EXIT.OK;
}
