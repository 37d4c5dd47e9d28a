import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { BundleVerification } from "../domain/evidence/verify-bundle.js";
import { verifyBundleFile } from "../services/bundle-file-verification.js";
import { EXIT, type Output } from "./output.js";

export const VERIFY_BUNDLE_HELP = `用法 / usage: caseledger verify-bundle FILE [--rpc URL] [--files DIR] [--contract ADDRESS] [--case-registry ADDRESS] [--chain-id N] [--json]
  核验案件卷宗（caseledger-case-bundle/1），可离线运行 / verifies a case bundle; works offline
  --rpc URL                区块链节点：核对签名者、链上历史、每份回执的锚定 / a chain node: checks the signer, the history, each anchor
  --files DIR              证据文件目录：与记录的 SHA-256 相符者逐一核对 / a folder of evidence files, each checked against its record
  --contract ADDRESS       联盟公布的 EvidenceRegistry 地址 / the consortium's published EvidenceRegistry
  --case-registry ADDRESS  联盟公布的 CaseRegistry 地址 / the consortium's published CaseRegistry
  --chain-id N             期望的链 ID / the chain id the bundle must name
  --json                   输出 JSON 结果 / print the result as JSON
  exit codes: 0 valid · 1 invalid · 2 usage · 3 file unreadable or over 64 MiB · 5 incomplete (not everything could be checked)`;

const VERDICT_WORDS: Record<BundleVerification["verdict"], string> = { valid: "有效 / VALID", invalid: "无效 / INVALID", incomplete: "未完成 / INCOMPLETE" };
const MARK = { passed: "✓", failed: "✗", "not-checked": "?" } as const;
const ITEM_MARK = { valid: "✓", "outside-mandate": "!", invalid: "✗", incomplete: "?" } as const;

export function printBundleResult(result: BundleVerification, io: Output, name: string): void {
  io.out(`${name}: ${VERDICT_WORDS[result.verdict]}`);
  io.out(`  ${result.summary}`);
  if (result.caseKey) io.out(`  案件 case ${result.caseKey} · 债权人 creditor ${result.creditor} · 卷宗哈希 bundle ${result.bundleHash}`);
  for (const c of result.checks) io.out(`  ${MARK[c.verdict]} ${c.check.padEnd(12)} ${c.code}: ${c.message}`);
  for (const p of result.periods) io.out(`  持有 held: member ${p.member} (${p.role}) ${new Date(p.start * 1000).toISOString()} → ${p.end >= Number.MAX_SAFE_INTEGER ? "…" : new Date(p.end * 1000).toISOString()}`);
  for (const e of result.history) io.out(`  ${MARK[e.verdict]} ${new Date(e.time * 1000).toISOString()} ${e.type} block ${e.block} tx ${e.txHash}`);
  for (const i of result.items) io.out(`  ${ITEM_MARK[i.verdict]} ${i.capturedAt ?? "—"} member ${i.member ?? "?"} ${i.kind ?? "?"} ${i.leafHash ?? ""} ${i.code}`);
  io.out(`  有效 valid ${result.counts.valid} · 委托期外 outside a mandate ${result.counts["outside-mandate"]} · 无效 invalid ${result.counts.invalid} · 未完成 incomplete ${result.counts.incomplete}`);
}

export async function verifyBundleCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      rpc: { type: "string" },
      files: { type: "string" },
      contract: { type: "string" },
      "case-registry": { type: "string" },
      "chain-id": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    io.out(VERIFY_BUNDLE_HELP);
    return EXIT.OK;
  }
  const [file] = positionals;
  const address = /^0x[0-9a-fA-F]{40}$/;
  const chainId = values["chain-id"] === undefined ? undefined : Number(values["chain-id"]);
  if (!file || positionals.length > 1 || [values.contract, values["case-registry"]].some((a) => a !== undefined && !address.test(a)) || (chainId !== undefined && !Number.isSafeInteger(chainId))) {
    io.err(VERIFY_BUNDLE_HELP);
    return EXIT.USAGE;
  }
  let result: BundleVerification;
  try {
    result = await verifyBundleFile({
      file,
      ...(values.rpc ? { rpc: values.rpc } : {}),
      ...(values.files ? { filesDir: values.files } : {}),
      trust: { ...(chainId !== undefined ? { chainId } : {}), ...(values.contract ? { evidenceRegistry: values.contract } : {}), ...(values["case-registry"] ? { caseRegistry: values["case-registry"] } : {}) },
      onProgress: (phase, done, total) => io.progress(phase === "files" ? `计算摘要 / hashing files: ${done}/${total}` : `链上核对 / asking the chain: ${done}/${total} checkpoints`),
    });
  } catch (error) {
    io.done();
    io.err(`无法读取 / cannot read: ${(error as Error).message}`);
    return EXIT.BAD_INPUT;
  }
  io.done();
  if (io.json) io.out(JSON.stringify(result, null, 2));
  else printBundleResult(result, io, basename(file));
  if (result.checks[0]?.code === "BUNDLE_TOO_LARGE") return EXIT.BAD_INPUT;
  if (result.verdict === "valid") return EXIT.OK;
  if (result.verdict === "invalid") return EXIT.FINDINGS;
  return EXIT.UNAVAILABLE;
}
