import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { VerificationResult } from "../domain/evidence/verification.js";
import { verifyEvidenceFile } from "../services/file-verification.js";
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

  const result = await verifyEvidenceFile({
    file,
    receiptFile,
    rpc: values.rpc,
    trust: { contract: values.contract, chainId, member },
    onHashing: (fraction) => io.progress(`计算摘要 / hashing: ${Math.floor(fraction * 100)} %`),
  });
  io.done();
  if (io.json) io.out(JSON.stringify(result, null, 2));
  else printResult(result, io, { file: basename(file), receipt: basename(receiptFile) });
  if (result.verdict === "valid") return EXIT.OK;
  if (result.verdict === "invalid") return EXIT.FINDINGS;
  return EXIT.UNAVAILABLE;
}
