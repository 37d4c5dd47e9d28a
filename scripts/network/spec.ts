import { getAddress, isAddress } from "ethers";

/**
 * The consortium's network description (network/consortium.example.json is one): what the generator turns into a
 * genesis, node keys, per-node Besu configs, permissions and a compose file. Public facts only — hosts, ports, which
 * member runs which node, the accounts allowed to send transactions. Never a key.
 */
export type NodeRole = "validator" | "rpc";

export interface NodeSpec {
  /** Directory and service name: lower-case letters, digits and dashes. */
  name: string;
  /** The member institution that runs it (validators: each a different member). */
  member: string;
  /** validator: a QBFT signer, JSON-RPC on 127.0.0.1 only (votes, allowlists). rpc: serves gateways, no signing. */
  role: NodeRole;
  /** The address other nodes reach it at (goes into its enode URL). */
  host: string;
  p2pPort: number;
  rpcPort: number;
  metricsPort: number;
  /** rpc nodes: the interface JSON-RPC listens on (default 0.0.0.0) and the Host names it answers to. */
  rpcInterface?: string;
  hostAllowlist?: string[];
}

export interface NetworkSpec {
  chainId: number;
  qbft: { blockPeriodSeconds: number; epochLength: number; requestTimeoutSeconds: number };
  /** Block gas limit. */
  gasLimit: number;
  /** Accounts that may send transactions (deployer, operator multisig owners, every member's signing key); empty: no account permissioning. */
  accountsAllowlist: string[];
  nodes: NodeSpec[];
  /** The Besu image the compose file runs. */
  besuImage: string;
}

export class SpecError extends Error {
  override readonly name = "SpecError";
  constructor(readonly problems: string[]) {
    super(`网络描述无效 / invalid network description:\n  - ${problems.join("\n  - ")}`);
  }
}

type Raw = Record<string, unknown>;
const NAME = /^[a-z][a-z0-9-]{0,30}$/;
const HOST = /^[A-Za-z0-9.-]{1,253}$/;

/** Validates a parsed network description, listing every problem at once (with its place, e.g. nodes[2].p2pPort). */
export function parseSpec(raw: unknown): NetworkSpec {
  const problems: string[] = [];
  const root = (raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {}) as Raw;
  if (root !== raw) problems.push("the description must be a JSON object");
  const int = (value: unknown, where: string, min: number, max: number, fallback?: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max) return value;
    problems.push(`${where} must be an integer from ${min} to ${max}${value === undefined ? " (required)" : ""}`);
    return fallback ?? min;
  };
  const str = (value: unknown, where: string, pattern: RegExp, fallback?: string): string => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === "string" && pattern.test(value)) return value;
    problems.push(`${where} must match ${pattern}${value === undefined ? " (required)" : ""}`);
    return fallback ?? "";
  };
  const qbft = (root.qbft ?? {}) as Raw;
  const nodesRaw = Array.isArray(root.nodes) ? root.nodes : [];
  if (!Array.isArray(root.nodes)) problems.push("nodes must be a list");

  const nodes: NodeSpec[] = nodesRaw.map((n: unknown, i) => {
    const node = (n && typeof n === "object" ? n : {}) as Raw;
    const at = `nodes[${i}]`;
    const role = node.role === "validator" || node.role === "rpc" ? node.role : undefined;
    if (!role) problems.push(`${at}.role must be "validator" or "rpc"`);
    const spec: NodeSpec = {
      name: str(node.name, `${at}.name`, NAME),
      member: str(node.member, `${at}.member`, /^\S(.{0,62}\S)?$/),
      role: role ?? "rpc",
      host: str(node.host, `${at}.host`, HOST),
      p2pPort: int(node.p2pPort, `${at}.p2pPort`, 1, 65_535),
      rpcPort: int(node.rpcPort, `${at}.rpcPort`, 1, 65_535),
      metricsPort: int(node.metricsPort, `${at}.metricsPort`, 1, 65_535),
    };
    if (role === "rpc") {
      spec.rpcInterface = str(node.rpcInterface, `${at}.rpcInterface`, HOST, "0.0.0.0");
      const allow = node.hostAllowlist;
      if (!Array.isArray(allow) || allow.length === 0 || allow.some((h) => typeof h !== "string" || !HOST.test(h))) {
        problems.push(`${at}.hostAllowlist must list the host names gateways use for this node (never "*")`);
      } else spec.hostAllowlist = allow as string[];
    } else if (node.rpcInterface !== undefined || node.hostAllowlist !== undefined) {
      problems.push(`${at}: a validator's JSON-RPC listens on 127.0.0.1 only; rpcInterface and hostAllowlist are for rpc nodes`);
    }
    return spec;
  });

  const validators = nodes.filter((n) => n.role === "validator");
  // QBFT tolerates f faulty validators out of 3f + 1: fewer than 4 tolerates none.
  if (validators.length < 4) problems.push(`QBFT needs at least 4 validators to survive one fault; the description has ${validators.length}`);
  const byMember = new Map<string, number>();
  for (const v of validators) byMember.set(v.member, (byMember.get(v.member) ?? 0) + 1);
  for (const [member, count] of byMember) {
    if (count > 1) problems.push(`member ${member} runs ${count} validators: each validator must be run by a different member`);
  }
  if (!nodes.some((n) => n.role === "rpc")) problems.push("at least one rpc node is needed for the gateways");
  const seen = new Map<string, string>();
  for (const n of nodes) {
    if (seen.has(`name:${n.name}`)) problems.push(`node name ${n.name} is used twice`);
    seen.set(`name:${n.name}`, n.name);
    for (const [what, port] of [
      ["p2pPort", n.p2pPort],
      ["rpcPort", n.rpcPort],
      ["metricsPort", n.metricsPort],
    ] as const) {
      const key = `${n.host}:${port}`;
      const other = seen.get(key);
      if (other) problems.push(`${n.name}.${what}: ${key} is already taken by ${other}`);
      seen.set(key, `${n.name}.${what}`);
    }
  }

  const accountsRaw = root.accountsAllowlist ?? [];
  const accountsAllowlist: string[] = [];
  if (!Array.isArray(accountsRaw)) problems.push("accountsAllowlist must be a list of addresses");
  else {
    accountsRaw.forEach((a, i) => {
      if (typeof a === "string" && isAddress(a)) accountsAllowlist.push(getAddress(a));
      else problems.push(`accountsAllowlist[${i}] is not an address`);
    });
  }

  const spec: NetworkSpec = {
    chainId: int(root.chainId, "chainId", 1, 2 ** 31 - 1),
    qbft: {
      blockPeriodSeconds: int(qbft.blockPeriodSeconds, "qbft.blockPeriodSeconds", 1, 60, 2),
      epochLength: int(qbft.epochLength, "qbft.epochLength", 100, 10_000_000, 30_000),
      requestTimeoutSeconds: int(qbft.requestTimeoutSeconds, "qbft.requestTimeoutSeconds", 1, 600, 4),
    },
    gasLimit: int(root.gasLimit, "gasLimit", 5_000_000, 2 ** 53 - 1, 50_000_000),
    accountsAllowlist,
    nodes,
    besuImage: str(root.besuImage, "besuImage", /^[a-z0-9./_-]+(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?$/, "hyperledger/besu:25.8.0"),
  };
  if (spec.qbft.requestTimeoutSeconds <= spec.qbft.blockPeriodSeconds) {
    problems.push("qbft.requestTimeoutSeconds must be longer than qbft.blockPeriodSeconds (a round must outlast a block)");
  }
  if (problems.length > 0) throw new SpecError(problems);
  return spec;
}
