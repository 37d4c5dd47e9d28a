import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { callGateway, CliError, GATEWAY_HELP, GATEWAY_OPTIONS, type GatewayTarget, gatewayTarget } from "./gateway-client.js";
import { EXIT, type Output, usage } from "./output.js";

/** Tries of an upload the gateway refuses with 429 (its queue full): the first and four more after Retry-After. */
const UPLOAD_ATTEMPTS = 5;
/** How often the waiting upload's place in the queue is asked. */
const QUEUE_POLL_MS = 500;

/**
 * Asks the gateway where upload `ref` waits, and says so each time its place changes, until stopped. Questions that
 * fail are ignored: the upload itself reports what matters.
 */
function watchQueue(target: GatewayTarget, ref: string, io: Output): { stop: () => void } {
  let stopped = false;
  let said = "";
  const poll = async () => {
    while (!stopped) {
      const view = (await callGateway(target, "GET", "/v1/case-lists/queue").catch(() => undefined)) as { uploads?: Array<{ ref: string; state: string; position: number }> } | undefined;
      const mine = view?.uploads?.find((u) => u.ref === ref);
      const now = mine ? (mine.state === "queued" ? `queued ${mine.position}` : "running") : "";
      // An upload that never waited says nothing: "ingesting" only follows a place in the queue.
      if (!stopped && now !== said && (now.startsWith("queued") || (now === "running" && said !== ""))) {
        io.err(mine!.state === "queued" ? `排队中，第 ${mine!.position} 位 / queued, position ${mine!.position}` : "开始处理 / ingesting");
        said = now;
      }
      // Once it runs it never waits again: no more questions for this upload.
      if (now === "running") return;
      await new Promise((resolve) => setTimeout(resolve, QUEUE_POLL_MS));
    }
  };
  void poll();
  return { stop: () => void (stopped = true) };
}

/** A terminal shows the first few unmatched cases; a program reads them all from --json. */
const UNMATCHED_SHOWN = 20;

export const REMOTE_HELP = `  caseledger cases upload FILE [--sheet NAME]  上传案件清单（CSV 或 .xlsx）/ upload a case list (CSV or .xlsx) to the lender's gateway;
                                               --sheet: the workbook's sheet to read (default the first)
  caseledger cases allocate LIST_ID            预览分配 / preview the allocation of an uploaded list
  caseledger cases commit ALLOCATION_ID [--mandate-days N] [--wait]
                                               提交上链并移交 / commit: on chain, then handed over
  caseledger cases check --case-key KEY | --creditor ID --loan-ref REF | --id-number -
                                               核验委托（机构）/ ownership check (agency); "-" reads the ID number from stdin
${GATEWAY_HELP}`;

const pct = (done: number, total: number) => (total ? `${Math.floor((done / total) * 100)}%` : "");
const bar = (done: number, total: number, width = 30) => {
  const filled = total ? Math.round((done / total) * width) : 0;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct(done, total)}`;
};

/** The media type an upload is sent with: the gateway reads an .xlsx workbook, anything else as CSV. */
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const uploadType = (file: string) => (/\.xlsx?$/i.test(file) ? XLSX_TYPE : "text/csv");

export async function casesUpload(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...GATEWAY_OPTIONS, sheet: { type: "string" } } });
  if (values.help || positionals.length !== 1) return usage(io, values.help, REMOTE_HELP);
  const file = positionals[0]!;
  const target = gatewayTarget(values);
  const size = (await stat(file)).size;
  let sent = 0;
  // A reference of our own, to find this upload in the gateway's queue while it waits for an ingest slot.
  const ref = randomBytes(12).toString("base64url");
  const body = () => {
    sent = 0;
    const source = createReadStream(file, { highWaterMark: 256 * 1024 });
    source.on("data", (chunk) => {
      sent += chunk.length;
      io.progress(`上传 / uploading ${bar(sent, size)} ${(sent / 2 ** 20).toFixed(1)} MiB`);
    });
    return Readable.toWeb(source) as unknown as RequestInit["body"];
  };
  const watch = watchQueue(target, ref, io);
  const sheet = values.sheet === undefined ? "" : `&sheet=${encodeURIComponent(values.sheet)}`;
  const summary = await callGateway(target, "POST", `/v1/case-lists?name=${encodeURIComponent(basename(file))}${sheet}`, {
    body,
    headers: { "content-type": uploadType(file), "content-length": String(size), "x-upload-ref": ref },
    duplex: "half",
    retry: {
      attempts: UPLOAD_ATTEMPTS,
      onWait: (seconds, attempt) =>
        io.err(`网关上传队列已满，${seconds} 秒后重试（第 ${attempt}/${UPLOAD_ATTEMPTS - 1} 次）/ the gateway's upload queue is full; trying again in ${seconds} s (retry ${attempt} of ${UPLOAD_ATTEMPTS - 1})`),
    },
  }).finally(() => watch.stop());
  io.done();
  if (io.json) io.out(JSON.stringify(summary));
  else {
    const t = summary.totals;
    io.out(`清单 / list ${summary.id}: ${summary.file} (${summary.encoding})`);
    io.out(`  rows ${t.rows}, accepted ${t.accepted} (${t.updates} updates), duplicate ${t.duplicate}, rejected ${t.rejected}, debtors ${t.debtors}`);
    io.out(`  next: caseledger cases allocate ${summary.id}`);
  }
  return summary.totals.rejected > 0 ? EXIT.FINDINGS : EXIT.OK;
}

export async function casesAllocate(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: GATEWAY_OPTIONS });
  if (values.help || positionals.length !== 1) return usage(io, values.help, REMOTE_HELP);
  const preview = await callGateway(gatewayTarget(values), "POST", `/v1/case-lists/${encodeURIComponent(positionals[0]!)}/allocation`);
  if (io.json) {
    io.out(JSON.stringify(preview));
    return EXIT.OK;
  }
  io.out(`分配预览 / allocation ${preview.id} for list ${preview.listId}`);
  for (const a of preview.byAgency) io.out(`  agency ${a.agencyId} ${a.name}: ${a.cases} cases, outstanding ${(Number(a.outstandingFen) / 100).toFixed(2)} yuan`);
  io.out(`  unmatched ${preview.unmatched}; already held or closed ${preview.skipped.length}`);
  const reasons = new Map<string, number>();
  for (const d of preview.decisions) reasons.set(d.reason.code, (reasons.get(d.reason.code) ?? 0) + 1);
  io.out(`  reasons: ${[...reasons].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  const unmatched = preview.decisions.filter((x: { agencyId: number | null }) => x.agencyId === null);
  for (const d of unmatched.slice(0, UNMATCHED_SHOWN)) io.out(`  unmatched ${d.loanRef}: ${d.reason.message}`);
  if (unmatched.length > UNMATCHED_SHOWN) {
    io.out(`  … 另有 ${unmatched.length - UNMATCHED_SHOWN} 件未匹配（--json 列出全部）/ ${unmatched.length - UNMATCHED_SHOWN} more unmatched (--json lists them all)`);
  }
  io.out(`  next: caseledger cases commit ${preview.id} --wait`);
  return EXIT.OK;
}

export async function casesCommit(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...GATEWAY_OPTIONS, "mandate-days": { type: "string" }, wait: { type: "boolean", default: false }, timeout: { type: "string", default: "600" } },
  });
  if (values.help || positionals.length !== 1) return usage(io, values.help, REMOTE_HELP);
  const target = gatewayTarget(values);
  const id = encodeURIComponent(positionals[0]!);
  const mandateDays = values["mandate-days"] === undefined ? undefined : Number(values["mandate-days"]);
  let state = await callGateway(target, "POST", `/v1/allocations/${id}/commit`, { json: mandateDays === undefined ? {} : { mandateDays } });
  const deadline = Date.now() + Number(values.timeout) * 1000;
  while (values.wait && !(state.state === "committed" && (state.handovers ?? []).every((h: { state: string }) => h.state !== "pending"))) {
    if (Date.now() > deadline) throw new CliError(EXIT.UNAVAILABLE, "等待超时 / timed out waiting for the commit");
    io.progress(`上链 / on chain ${bar(state.done + state.failed, state.total)} ${state.done} done, ${state.failed} failed`);
    await new Promise((r) => setTimeout(r, 1_000));
    state = await callGateway(target, "GET", `/v1/allocations/${id}`);
  }
  io.done();
  if (io.json) io.out(JSON.stringify(state));
  else {
    io.out(`分配 / allocation ${state.id}: ${state.state}, ${state.done}/${state.total} on chain, ${state.failed} failed, until ${new Date((state.until ?? 0) * 1000).toISOString()}`);
    for (const h of state.handovers ?? []) io.out(`  handover to agency ${h.agencyId}: ${h.state}${h.lastError ? ` (${h.lastError})` : ""}`);
  }
  return state.failed > 0 ? EXIT.FINDINGS : EXIT.OK;
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text.trim();
}

export async function casesCheck(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...GATEWAY_OPTIONS, "case-key": { type: "string" }, creditor: { type: "string" }, "loan-ref": { type: "string" }, "id-number": { type: "string" } },
  });
  if (values.help) {
    io.out(REMOTE_HELP);
    return EXIT.OK;
  }
  const target = gatewayTarget(values);
  let answers: any[];
  if (values["case-key"]) answers = [await callGateway(target, "GET", `/v1/ownership?caseKey=${encodeURIComponent(values["case-key"])}`)];
  else if (values.creditor && values["loan-ref"]) {
    answers = [await callGateway(target, "GET", `/v1/ownership?creditorId=${encodeURIComponent(values.creditor)}&loanRef=${encodeURIComponent(values["loan-ref"])}`)];
  } else if (values["id-number"] !== undefined) {
    const idNumber = values["id-number"] === "-" ? await readStdin() : values["id-number"];
    answers = (await callGateway(target, "POST", "/v1/ownership", { json: { idNumber } })).cases;
  } else {
    io.err(REMOTE_HELP);
    return EXIT.USAGE;
  }
  const authorized = answers.some((a) => a.authorized);
  if (io.json) io.out(JSON.stringify(values["id-number"] !== undefined ? { cases: answers } : answers[0]));
  else if (answers.length === 0) io.out("未找到本机构的有效委托 / no active mandate of this agency for that debtor");
  else {
    for (const a of answers) {
      io.out(a.authorized ? "✔ 已授权 / AUTHORIZED" : "✘ 未授权 / NOT AUTHORIZED");
      io.out(`  case ${a.caseKey}, creditor ${a.creditorId ?? "-"}, status ${a.status}`);
      if (a.until) io.out(`  mandate ${new Date(a.assignedAt * 1000).toISOString()} → ${new Date(a.until * 1000).toISOString()}`);
      if (a.reason) io.out(`  ${a.reason}`);
      io.out(`  proof: chain ${a.proof.chainId}, contract ${a.proof.contract}, tx ${a.proof.txHash ?? "-"}, block ${a.proof.block ?? "-"}`);
    }
  }
  return authorized ? EXIT.OK : EXIT.FINDINGS;
}
