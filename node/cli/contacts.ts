import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { SignedPermit } from "../domain/conduct/permit.js";
import { formatFen } from "../domain/money.js";
import type { ConductFigures } from "../domain/conduct/report.js";
import type { ContactEntry } from "../store/contact-log.js";
import { callGateway, GATEWAY_HELP, GATEWAY_OPTIONS, gatewayTarget } from "./gateway-client.js";
import { digestOf } from "./file-digest.js";
import { EXIT, type Output, usage } from "./output.js";

export const CONTACTS_COMMANDS = `  caseledger contacts permit --case-key KEY --channel call|sms|letter|visit|app|email [--text-file FILE]
                                               联系前申请许可（机构）/ ask for a contact permit (agency): signed, good for minutes,
                                               or refused with its code (not held, quiet hours, daily cap, complaint, promise…)
  caseledger contacts log --case-key KEY --channel C --party debtor|emergency_contact|third_party --started-at ISO
      --outcome O --collector WORK_NO [--duration S] [--permit ID] [--promise-due YYYY-MM-DD --promise-fen FEN]
      [--disclosed-debt] [--recording FILE | --evidence ID]
                                               记录一次联系（机构）/ log a contact (agency); the recording's digest is notarized
  caseledger contacts list [--case-key KEY]    联系记录 / the contact log, newest first (violations flagged)
  caseledger contacts promises                 还款承诺 / promises to pay by due date
  caseledger contacts figures --from ISO --to ISO   合规统计 / conduct figures (counts only)`;

const HELP = `${CONTACTS_COMMANDS}
${GATEWAY_HELP}`;

const RECORDING_TYPES: Record<string, string> = { ".mp3": "audio/mpeg", ".wav": "audio/wav", ".m4a": "audio/mp4", ".amr": "audio/amr", ".txt": "text/plain", ".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png" };

export async function contactsPermit(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { ...GATEWAY_OPTIONS, "case-key": { type: "string" }, channel: { type: "string" }, "text-file": { type: "string" } } });
  if (values.help || !values["case-key"] || !values.channel) return usage(io, values.help, HELP);
  const target = gatewayTarget(values);
  const text = values["text-file"] ? await readFile(values["text-file"], "utf8") : undefined;
  const signed = (await callGateway(target, "POST", "/v1/contacts/permits", { json: { caseKey: values["case-key"], channel: values.channel, ...(text !== undefined ? { text } : {}) } })) as SignedPermit;
  if (io.json) io.out(JSON.stringify(signed));
  else {
    io.out(`许可 / permit ${signed.permit.permitId}: ${signed.permit.channel} on case ${signed.permit.caseKey}, until ${new Date(signed.permit.expiresAt).toISOString()}`);
    io.out(`  signed ${signed.signature.slice(0, 20)}… over ${signed.digest}`);
    io.out(`  next: caseledger contacts log --case-key KEY --permit ${signed.permit.permitId} …`);
  }
  return EXIT.OK;
}

export async function contactsLog(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...GATEWAY_OPTIONS,
      "case-key": { type: "string" },
      channel: { type: "string" },
      party: { type: "string" },
      "started-at": { type: "string" },
      duration: { type: "string", default: "0" },
      outcome: { type: "string" },
      collector: { type: "string" },
      permit: { type: "string" },
      "promise-due": { type: "string" },
      "promise-fen": { type: "string" },
      "disclosed-debt": { type: "boolean", default: false },
      recording: { type: "string" },
      evidence: { type: "string" },
    },
  });
  if (values.help || !values["case-key"] || !values.channel || !values.party || !values["started-at"] || !values.outcome || !values.collector) return usage(io, values.help, HELP);
  const target = gatewayTarget(values);
  const body = {
    caseKey: values["case-key"],
    channel: values.channel,
    party: values.party,
    startedAt: values["started-at"],
    durationSeconds: Number(values.duration),
    outcome: values.outcome,
    collector: values.collector,
    ...(values.permit ? { permitId: values.permit } : {}),
    ...(values["promise-due"] || values["promise-fen"] ? { promise: { dueDate: values["promise-due"], amountFen: values["promise-fen"] } } : {}),
    ...(values["disclosed-debt"] ? { disclosedDebt: true } : {}),
    ...(values.recording ? { evidence: await digestOf(values.recording, RECORDING_TYPES) } : values.evidence ? { evidenceId: Number(values.evidence) } : {}),
  };
  const entry = (await callGateway(target, "POST", "/v1/contacts", { json: body })) as ContactEntry;
  if (io.json) io.out(JSON.stringify(entry));
  else {
    io.out(`已记录 / logged ${entry.entryId}: ${entry.channel} ${entry.outcome} on case ${entry.caseKey}`);
    if (entry.evidence) io.out(`  evidence ${entry.evidence.id} ${entry.evidence.leafHash}`);
    if (entry.violations.length) io.out(`  违规 / violations: ${entry.violations.join(", ")}`);
  }
  // A contact that broke a rule is recorded, and the command says so in its exit code.
  return entry.violations.length ? EXIT.FINDINGS : EXIT.OK;
}

export async function contactsList(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { ...GATEWAY_OPTIONS, "case-key": { type: "string" } } });
  if (values.help) return usage(io, values.help, HELP);
  const target = gatewayTarget(values);
  const caseKey = values["case-key"];
  const { contacts } = (await callGateway(target, "GET", `/v1/contacts${caseKey ? `?caseKey=${encodeURIComponent(caseKey)}` : ""}`)) as { contacts: ContactEntry[] };
  if (io.json) io.out(JSON.stringify({ contacts }));
  else if (contacts.length === 0) io.out("没有联系记录 / no contacts");
  else for (const c of contacts) io.out(`${c.startedAt} ${c.channel.padEnd(6)} ${c.outcome.padEnd(15)} case ${c.caseKey} by ${c.collector}${c.violations.length ? ` — ${c.violations.join(", ")}` : ""}`);
  return EXIT.OK;
}

export async function contactsPromises(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { ...GATEWAY_OPTIONS } });
  if (values.help) return usage(io, values.help, HELP);
  const { promises } = (await callGateway(gatewayTarget(values), "GET", "/v1/contacts/promises")) as { promises: Array<{ caseKey: string; dueDate: string; amountFen: string; due: boolean }> };
  if (io.json) io.out(JSON.stringify({ promises }));
  else if (promises.length === 0) io.out("没有还款承诺 / no promises to pay");
  else for (const p of promises) io.out(`${p.dueDate} ${formatFen(BigInt(p.amountFen))} 元 case ${p.caseKey}${p.due ? " (已到期 / due)" : ""}`);
  return EXIT.OK;
}

export async function contactsFigures(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { ...GATEWAY_OPTIONS, from: { type: "string" }, to: { type: "string" } } });
  if (values.help || !values.from || !values.to) return usage(io, values.help, HELP);
  const { figures } = (await callGateway(gatewayTarget(values), "GET", `/v1/contacts/figures?from=${encodeURIComponent(values.from)}&to=${encodeURIComponent(values.to)}`)) as { figures: ConductFigures[] };
  if (io.json) io.out(JSON.stringify({ figures }));
  else if (figures.length === 0) io.out("没有数据 / nothing in that range");
  else {
    for (const f of figures) {
      const nonZero = (r: Record<string, number>) => Object.entries(r).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(", ") || "—";
      io.out(`agency #${f.agency} for lender #${f.lender}: connected ${f.connected}; by channel ${nonZero(f.contactsByChannel)}`);
      io.out(`  permits refused: ${nonZero(f.permitsRefused)}; violations: ${nonZero(f.violations)}`);
    }
  }
  return EXIT.OK;
}
