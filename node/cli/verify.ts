import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { httpJsonRpc, readChainFacts } from "../chain/evidence-chain-reader.js";
import { type ChainFacts, questionsFor } from "../domain/evidence/chain-facts.js";
import { ContentHasher } from "../domain/evidence/content-digest.js";
import { parseRecordText } from "../domain/evidence/record-validation.js";
import { MAX_RECEIPT_BYTES } from "../domain/evidence/receipt.js";
import { parseReceipt, type ReceiptSource } from "../domain/evidence/receipt-parse.js";
import type { VerificationResult } from "../domain/evidence/verification.js";
import { verifyReceipt } from "../domain/evidence/verify-receipt.js";
import { EXIT, type Output } from "./output.js";

export const VERIFY_HELP = `用法 / usage: caseledger verify FILE RECEIPT [--rpc URL] [--contract ADDRESS] [--chain-id N] [--member ID] [--json]
  核验存证文件与回执，可离线运行 / verifies an evidence file against its receipt; works offline
  --rpc URL          区块链节点 JSON-RPC 地址：核对锚定（rootAt、交易、区块时间）/ a chain node: checks the anchor
  --contract ADDRESS 联盟公布的 EvidenceRegistry 地址（不给则无法确认合约，结论为 incomplete）
                     the consortium's published EvidenceRegistry address (without it the registry is not pinned)
  --chain-id N       期望的链 ID / the chain id the receipt must name
  --member ID        期望的记录成员 / the member the evidence must come from
  --json             输出 JSON 结果 / print the verification result as JSON
  exit codes: 0 valid · 1 invalid (a step failed) · 2 usage · 3 file unreadable · 5 incomplete or pending (not everything could be checked)`;

/** Reads a receipt file, refusing to read one too large to be a receipt. */
async function receiptSource(file: string): Promise<ReceiptSource> {
  const size = (await stat(file)).size;
  if (size > MAX_RECEIPT_BYTES) return { oversized: size };
  return { bytes: await readFile(file) };
}

/** SHA-256 (and SM3 when the record has one) of a file, streamed: memory stays bounded whatever its size. */
async function digestFile(file: string, sm3: boolean, io: Output) {
  const hasher = new ContentHasher({ sm3 });
  const size = (await stat(file)).size;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hasher.update(chunk as Buffer);
    if (size > 64 * 1024 * 1024) io.progress(`计算摘要 / hashing: ${Math.floor((hasher.size / size) * 100)} %`);
  }
  io.done();
  return hasher.digest();
}

const VERDICT_WORDS: Record<VerificationResult["verdict"], string> = {
  valid: "有效 / VALID",
  invalid: "无效 / INVALID",
  incomplete: "未完成 / INCOMPLETE",
  pending: "待定 / PENDING",
};
const MARK = { passed: "✓", failed: "✗", "not-checked": "?", pending: "…" } as const;

export function printResult(result: VerificationResult, io: Output, names: { file: string; receipt: string }): void {
  io.out(`${names.file} ⟷ ${names.receipt}: ${VERDICT_WORDS[result.verdict]}`);
  io.out(`  ${result.summary}`);
  for (const step of result.steps) io.out(`  ${MARK[step.verdict]} ${step.step.padEnd(9)} ${step.code}: ${step.message}`);
  const e = result.evidence;
  if (e) {
    io.out(`  成员 member ${e.member} · 案件 case ${e.caseKey} · ${e.kind} · ${e.mediaType} · ${e.contentSize} bytes`);
    io.out(`  叶 leaf #${e.leafIndex} ${e.leafHash}`);
  }
  if (result.checkpoint) io.out(`  检查点 checkpoint: ${result.checkpoint.treeSize} records, root ${result.checkpoint.root}`);
  if (result.anchor) {
    io.out(
      `  锚定 anchor: chain ${result.anchor.chainId}, contract ${result.anchor.contract}, block ${result.anchor.blockNumber} (${result.anchor.blockTimeIso}), tx ${result.anchor.txHash}${result.anchor.confirmedOnChain ? "" : " — 未经链上确认 / not confirmed on chain"}`,
    );
  }
  if (result.timeBracket) {
    io.out(`  时间 time: 声称采集于 captured (claimed) ${result.timeBracket.capturedAtClaimed}; 不晚于 existed no later than ${result.timeBracket.anchoredNoLaterThan ?? "—"}`);
  }
  for (const line of result.notChecked) io.out(`  未检查 not checked: ${line}`);
}

export async function verifyCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      rpc: { type: "string" },
      contract: { type: "string" },
      "chain-id": { type: "string" },
      member: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    io.out(VERIFY_HELP);
    return EXIT.OK;
  }
  const [file, receiptFile] = positionals;
  if (!file || !receiptFile || positionals.length > 2) {
    io.err(VERIFY_HELP);
    return EXIT.USAGE;
  }
  if (values.contract !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(values.contract)) {
    io.err("--contract 应为 0x 开头的 40 位十六进制地址 / --contract must be a 0x address");
    return EXIT.USAGE;
  }
  const chainId = values["chain-id"] === undefined ? undefined : Number(values["chain-id"]);
  const member = values.member === undefined ? undefined : Number(values.member);
  if ((chainId !== undefined && !Number.isSafeInteger(chainId)) || (member !== undefined && !Number.isSafeInteger(member))) {
    io.err("--chain-id 与 --member 应为整数 / --chain-id and --member must be integers");
    return EXIT.USAGE;
  }

  const source = await receiptSource(receiptFile);
  const parsed = parseReceipt(source);
  const record = parsed.ok ? parseRecordText(parsed.receipt.record) : undefined;
  const digest = await digestFile(file, !!(record?.ok && record.record.sm3), io);

  let chain: ChainFacts | undefined;
  if (values.rpc && parsed.ok && parsed.receipt.status === "anchored" && record?.ok) {
    chain = await readChainFacts(httpJsonRpc(values.rpc), questionsFor(parsed.receipt, record.record.member, values.contract));
  }
  const result = verifyReceipt({
    receipt: source,
    file: digest,
    ...(chain ? { chain } : {}),
    trust: {
      ...(values.contract ? { contract: values.contract } : {}),
      ...(chainId !== undefined ? { chainId } : {}),
      ...(member !== undefined ? { member } : {}),
    },
  });
  if (io.json) io.out(JSON.stringify(result, null, 2));
  else printResult(result, io, { file: basename(file), receipt: basename(receiptFile) });
  if (result.verdict === "valid") return EXIT.OK;
  if (result.verdict === "invalid") return EXIT.FINDINGS;
  return EXIT.UNAVAILABLE;
}
