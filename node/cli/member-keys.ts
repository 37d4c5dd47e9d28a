import { parseArgs } from "node:util";
import { isAddress } from "ethers";
import { msg } from "../messages/message.js";
import { isChainUnreachable, type KeyAction, type MemberKeys, readKeyFile, readMemberKeys, registryFromDeployment, sendKeyChange, withMemberRegistry } from "../services/member-keys.js";
import { CliError } from "./gateway-client.js";
import { EXIT, type Output, words } from "./output.js";

/**
 * `caseledger member ...`: what a member's officer does with the member's cold recovery key, on a machine that is not
 * the gateway (the gateway never loads the recovery key): read the member's keys and any operator proposal from
 * MemberRegistry, rotate a stolen signing key at once (also while the member is suspended), cancel an operator proposal,
 * replace the recovery key itself. Each command reads the key file given on the command line (mode 600, 64 hex
 * characters), checks that it is the member's key before sending anything, and waits for the transaction to be mined.
 */
const MEMBER_HELP = `  caseledger member show --member ID --rpc URL (--deployment FILE | --registry ADDRESS) [--json]
                                                查看成员的密钥与待生效提议 / a member's keys and pending proposal
  caseledger member rotate-signer --key RECOVERY_KEY_FILE --to ADDRESS ...   以恢复密钥立即更换签名密钥 / replace the signing key at once
  caseledger member cancel-change --key KEY_FILE ...       撤销运营方提议（恢复密钥或签名密钥）/ cancel the operator's proposal
  caseledger member change-recovery --key RECOVERY_KEY_FILE --to ADDRESS ... 更换恢复密钥 / replace the recovery key`;

const USAGE = `用法 / usage:
${MEMBER_HELP}
  共同选项 / common options:
  --member ID          成员编号 / the member's id
  --rpc URL            区块链节点 JSON-RPC 地址 / a chain node
  --deployment FILE    联盟的 deployment.json（给出 MemberRegistry 地址）/ the consortium's deployment file
  --registry ADDRESS   或直接给出 MemberRegistry 地址 / or the MemberRegistry address itself
  --key FILE           私钥文件（64 位十六进制，权限 600）/ the private key file (64 hex, mode 600)
  --gas-price N        以此价格发送传统交易（Besu：0）/ send a legacy transaction at this gas price (Besu: 0)
  --json               输出 JSON / print JSON
  exit codes: 0 done · 1 refused by the chain or not the member's key · 2 usage · 4 key file · 5 chain unreachable`;

type Action = "show" | KeyAction;
const ACTION_WORDS: Record<KeyAction, string> = {
  "rotate-signer": "更换签名密钥 / signer rotated (MemberRegistry.rotateSigner)",
  "cancel-change": "撤销运营方提议 / proposal cancelled (MemberRegistry.cancelChange)",
  "change-recovery": "更换恢复密钥 / recovery key changed (MemberRegistry.changeRecovery)",
};
const KIND_WORDS = {
  Signer: { kindZh: "签名密钥", kindEn: "signing key" },
  Metadata: { kindZh: "元数据", kindEn: "metadata" },
  Recovery: { kindZh: "恢复密钥", kindEn: "recovery key" },
} as const;

function usage(problem?: string): never {
  throw new CliError(EXIT.USAGE, problem ? `${problem}\n${USAGE}` : USAGE);
}

async function registryAddress(values: { deployment?: string; registry?: string }): Promise<string> {
  if (values.registry !== undefined) {
    if (!isAddress(values.registry)) usage("--registry 应为 0x 开头的 40 位十六进制地址 / --registry must be a 0x address");
    return values.registry;
  }
  if (values.deployment === undefined) usage("需要 --deployment 或 --registry / --deployment or --registry is needed");
  const address = await registryFromDeployment(values.deployment);
  if (!address) throw Object.assign(new Error("deployment file not found"), { code: "ENOENT", path: values.deployment });
  return address;
}

export function memberCommand(action: Action) {
  return async (args: string[], io: Output): Promise<number> => {
    const { values } = parseArgs({
      args,
      options: {
        member: { type: "string" },
        rpc: { type: "string" },
        deployment: { type: "string" },
        registry: { type: "string" },
        key: { type: "string" },
        to: { type: "string" },
        "gas-price": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
    if (values.help) {
      io.out(USAGE);
      return EXIT.OK;
    }
    const memberId = Number(values.member);
    if (!values.member || !Number.isSafeInteger(memberId) || memberId < 1) usage("--member 应为正整数 / --member must be a positive integer");
    if (!values.rpc) usage("需要 --rpc / --rpc is needed");
    if (action !== "show" && !values.key) usage("需要 --key / --key is needed");
    if ((action === "rotate-signer" || action === "change-recovery") && !(values.to && isAddress(values.to))) {
      usage("--to 应为 0x 开头的 40 位十六进制地址 / --to must be a 0x address");
    }
    const gasPrice = values["gas-price"] === undefined ? undefined : BigInt(values["gas-price"]);
    const address = await registryAddress(values);
    const wallet = action === "show" ? undefined : await readKeyFile(values.key!);
    const rpc = values.rpc;
    try {
      return await withMemberRegistry(rpc, address, wallet, async (registry) => {
        const before = await readMemberKeys(registry, memberId);
        if (action === "show") {
          if (io.json) io.out(JSON.stringify(before, null, 2));
          else printMember(before, io);
          return EXIT.OK;
        }
        const sender = wallet!.address;
        const allowed = action === "cancel-change" ? [before.signer, before.recovery] : [before.recovery];
        if (!allowed.includes(sender)) {
          const role = action === "cancel-change" ? { roleZh: "签名密钥或恢复密钥", roleEn: "signing or recovery key" } : { roleZh: "恢复密钥", roleEn: "recovery key" };
          io.err(words(msg("memberKeys.NOT_MEMBER_KEY", { address: sender, member: memberId, ...role })));
          return EXIT.FINDINGS;
        }
        if (action === "cancel-change" && !before.pending) {
          io.err(words(msg("memberKeys.NOTHING_PENDING")));
          return EXIT.FINDINGS;
        }
        const sent = await sendKeyChange(registry, action, memberId, values.to, gasPrice);
        if ("refused" in sent) {
          io.err(words(msg("memberKeys.REFUSED", { reason: sent.refused })));
          return EXIT.FINDINGS;
        }
        const after = await readMemberKeys(registry, memberId);
        if (io.json) io.out(JSON.stringify({ action, txHash: sent.txHash, blockNumber: sent.blockNumber, member: after }, null, 2));
        else {
          io.out(words(msg("memberKeys.DONE", { action: ACTION_WORDS[action], member: memberId, tx: sent.txHash, block: sent.blockNumber })));
          printMember(after, io);
        }
        return EXIT.OK;
      });
    } catch (error) {
      if (isChainUnreachable(error)) {
        io.err(words(msg("memberKeys.UNREACHABLE", { rpc })));
        return EXIT.UNAVAILABLE;
      }
      throw error;
    }
  };
}

function printMember(m: MemberKeys, io: Output): void {
  io.out(words(msg("memberKeys.SHOWN", { member: m.memberId, status: m.status, signer: m.signer, recovery: m.recovery })));
  if (!m.pending) io.out(words(msg("memberKeys.NOTHING_PENDING")));
  else io.out(words(msg("memberKeys.PENDING", { ...KIND_WORDS[m.pending.kind], value: m.pending.value, at: m.pending.executableAt })));
}
