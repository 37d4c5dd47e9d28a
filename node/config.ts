import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { MAX_BATCH, MAX_MANDATE_DAYS } from "./domain/consortium/index.js";

/**
 * The gateway's one configuration object, validated at start. Every setting that may have a default has a
 * named one below; secrets never do: the gateway refuses to start without its key files.
 */
export const DEFAULTS = {
  rpcUrl: "http://127.0.0.1:8545",
  httpHost: "127.0.0.1",
  httpPort: 0,
  /** 200 MB: about a million case rows. */
  uploadLimitBytes: 200 * 1024 * 1024,
  /** Cases per register+assign transaction: the gas sweet spot (≤ 26,000 gas a case), well under MAX_BATCH. */
  chainBatchSize: 200,
  /** eth_getLogs pages: Besu's limit. */
  logPageBlocks: 5_000,
  /** Default mandate for an assignment, in days. */
  mandateDays: 90,
  /** The embedded development chain; production members set "besu" (CHAIN_PROFILES). */
  chainProfile: "anvil",
  /**
   * Per client address: the public endpoints (QR-code check and its page, the console's login probe) answer a burst
   * of 30, then 30 a minute; bearer tokens that fail are allowed a burst of 20, then 12 a minute — beyond that every
   * request with a token from that address is 429 until the bucket refills, so tokens cannot be guessed at speed.
   */
  rateLimits: { publicBurst: 30, publicPerMinute: 30, authFailureBurst: 20, authFailurePerMinute: 12 },
} as const;

/**
 * Named default sets for the chain engine (`chain.profile`); a `chain.*` setting given explicitly wins.
 * - anvil: the embedded development chain; transactions follow the node's fee market.
 * - besu: the production Besu QBFT network of network/ — free gas, so legacy (type 0) transactions at gas price 0
 *   (Besu's min-gas-price=0 and the genesis' zeroBaseFee accept them); eth_getLogs pages of at most 5,000 blocks
 *   (Besu's rpc-max-logs-range). Reads are of "latest" in every profile (QBFT blocks are final when made), and
 *   revert reasons come back from eth_estimateGas/eth_call, which the gateway decodes whatever the engine.
 */
export const CHAIN_PROFILES = {
  anvil: { gasPrice: undefined, logPageBlocks: DEFAULTS.logPageBlocks },
  besu: { gasPrice: 0n, logPageBlocks: 5_000 },
} as const satisfies Record<string, { gasPrice: bigint | undefined; logPageBlocks: number }>;

export type ChainProfile = keyof typeof CHAIN_PROFILES;

export interface RateLimits {
  publicBurst: number;
  publicPerMinute: number;
  authFailureBurst: number;
  authFailurePerMinute: number;
}

export interface GatewayConfig {
  /** The member this gateway serves (its id in MemberRegistry). */
  memberId: number;
  /** Display name, for logs and the console. */
  memberName: string;
  /** Everything this gateway writes: store/, blobs/. */
  dataDir: string;
  chain: {
    profile: ChainProfile;
    rpcUrl: string;
    deploymentFile: string;
    batchSize: number;
    logPageBlocks: number;
    /** Wei; set: every transaction is legacy (type 0) at this price. Unset: the node's fee market. */
    gasPrice: bigint | undefined;
  };
  secrets: { signingKeyFile: string; pepperFile: string; storeKeyFile: string };
  http: { host: string; port: number; uploadLimitBytes: number };
  mandateDays: number;
  rateLimits: RateLimits;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`配置无效 / invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

type Raw = Record<string, unknown>;

/**
 * Validates `raw` (the parsed config file; relative paths are resolved against `baseDir`) and returns the
 * config, or throws a ConfigError listing every problem at once.
 */
export function parseConfig(raw: unknown, baseDir: string): GatewayConfig {
  const problems: string[] = [];
  const obj = (value: unknown, path: string): Raw => {
    if (value === undefined) return {};
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Raw;
    problems.push(`${path} must be an object`);
    return {};
  };
  const root = obj(raw, "config");
  const chain = obj(root.chain, "chain");
  const secrets = obj(root.secrets, "secrets");
  const http = obj(root.http, "http");
  const limits = obj(root.rateLimits, "rateLimits");

  const int = (value: unknown, path: string, fallback: number | undefined, min: number, max: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max) return value;
    problems.push(`${path} must be an integer from ${min} to ${max}${value === undefined ? " (required)" : ""}`);
    return fallback ?? min;
  };
  const str = (value: unknown, path: string, fallback?: string): string => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === "string" && value.trim() !== "") return value;
    problems.push(`${path} must be a non-empty string${value === undefined ? " (required)" : ""}`);
    return fallback ?? "";
  };
  const path = (value: unknown, where: string, fallback?: string): string => {
    const p = str(value, where, fallback);
    return p === "" ? p : isAbsolute(p) ? p : resolve(baseDir, p);
  };
  const url = (value: unknown, where: string, fallback: string): string => {
    const u = str(value, where, fallback);
    try {
      const parsed = new URL(u);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") problems.push(`${where} must be an http(s) URL`);
    } catch {
      problems.push(`${where} must be a URL`);
    }
    return u;
  };

  const profileName = str(chain.profile, "chain.profile", DEFAULTS.chainProfile);
  const profile = Object.hasOwn(CHAIN_PROFILES, profileName) ? CHAIN_PROFILES[profileName as ChainProfile] : undefined;
  if (!profile) problems.push(`chain.profile must be one of ${Object.keys(CHAIN_PROFILES).join(", ")}`);
  const gasPrice = (value: unknown, where: string): bigint | undefined => {
    if (value === undefined) return profile?.gasPrice;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
    if (typeof value === "string" && /^(0|[1-9][0-9]{0,29})$/.test(value)) return BigInt(value);
    problems.push(`${where} must be a whole number of wei ≥ 0 (a number or a decimal string)`);
    return undefined;
  };

  const config: GatewayConfig = {
    memberId: int(root.memberId, "memberId", undefined, 1, 2 ** 32 - 1),
    memberName: str(root.memberName, "memberName", `member ${String(root.memberId)}`),
    dataDir: path(root.dataDir, "dataDir"),
    chain: {
      profile: (profile ? profileName : DEFAULTS.chainProfile) as ChainProfile,
      rpcUrl: url(chain.rpcUrl, "chain.rpcUrl", DEFAULTS.rpcUrl),
      deploymentFile: path(chain.deploymentFile, "chain.deploymentFile"),
      batchSize: int(chain.batchSize, "chain.batchSize", DEFAULTS.chainBatchSize, 1, MAX_BATCH),
      logPageBlocks: int(chain.logPageBlocks, "chain.logPageBlocks", profile?.logPageBlocks ?? DEFAULTS.logPageBlocks, 1, 100_000),
      gasPrice: gasPrice(chain.gasPrice, "chain.gasPrice"),
    },
    secrets: {
      signingKeyFile: path(secrets.signingKeyFile, "secrets.signingKeyFile"),
      pepperFile: path(secrets.pepperFile, "secrets.pepperFile"),
      storeKeyFile: path(secrets.storeKeyFile, "secrets.storeKeyFile"),
    },
    http: {
      host: str(http.host, "http.host", DEFAULTS.httpHost),
      port: int(http.port, "http.port", DEFAULTS.httpPort, 0, 65_535),
      uploadLimitBytes: int(http.uploadLimitBytes, "http.uploadLimitBytes", DEFAULTS.uploadLimitBytes, 1, 2 ** 40),
    },
    mandateDays: int(root.mandateDays, "mandateDays", DEFAULTS.mandateDays, 1, MAX_MANDATE_DAYS),
    rateLimits: {
      publicBurst: int(limits.publicBurst, "rateLimits.publicBurst", DEFAULTS.rateLimits.publicBurst, 1, 1_000_000),
      publicPerMinute: int(limits.publicPerMinute, "rateLimits.publicPerMinute", DEFAULTS.rateLimits.publicPerMinute, 1, 1_000_000),
      authFailureBurst: int(limits.authFailureBurst, "rateLimits.authFailureBurst", DEFAULTS.rateLimits.authFailureBurst, 1, 1_000_000),
      authFailurePerMinute: int(limits.authFailurePerMinute, "rateLimits.authFailurePerMinute", DEFAULTS.rateLimits.authFailurePerMinute, 1, 1_000_000),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Reads and validates a JSON config file; relative paths in it are relative to the file. */
export async function loadConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new ConfigError([`cannot read ${file}: ${(cause as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError([`${file} is not JSON`]);
  }
  return parseConfig(raw, dirname(resolve(file)));
}
