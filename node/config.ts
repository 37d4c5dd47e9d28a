import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
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
  /** No pepper file: allowed only for a court's gateway (checked against the member's roles on chain at start). */
  pepperFile: undefined as string | undefined,
  /** Cases per register+assign transaction: the gas sweet spot (≤ 26,000 gas a case), well under MAX_BATCH. */
  chainBatchSize: 200,
  /** eth_getLogs pages: Besu's limit. */
  logPageBlocks: 5_000,
  /** Default mandate for an assignment, in days. */
  mandateDays: 90,
  /** The embedded development chain; production members set "besu" (CHAIN_PROFILES). */
  chainProfile: "anvil",
  /**
   * Per client address: the public endpoints (the QR-code check and its page) answer a burst
   * of 30, then 30 a minute; bearer tokens that fail are allowed a burst of 20, then 12 a minute — beyond that every
   * request with a token from that address is 429 until the bucket refills, so tokens cannot be guessed at speed.
   * Ownership checks by ID number, per staff token: a burst of 60, then 60 a minute — what a collector dialling by
   * hand needs, far short of enumerating ID numbers.
   */
  rateLimits: { publicBurst: 30, publicPerMinute: 30, authFailureBurst: 20, authFailurePerMinute: 12, handoverBurst: 120, handoverPerMinute: 120, ownershipByIdBurst: 60, ownershipByIdPerMinute: 60, peerBurst: 600, peerPerMinute: 600, complaintBurst: 3, complaintPerHour: 6 },
  /**
   * Off: the client address is the TCP peer and X-Forwarded-For is ignored. A list of proxy addresses: requests from
   * them are taken to be from the address they forward for (express's "trust proxy" with that list).
   */
  trustProxy: [] as readonly string[],
  /** Off: any address may send handover packages (they are signed). A list of addresses: only those may. */
  handoverPeers: [] as readonly string[],
  /** The gateway's X25519 key (handover packages are sealed to it), by default this file beside the signing key. */
  encryptionKeyFileName: "encryption.key",
  /** Off: handover packages go only to https:// gateways. On: plain http too (a local demo, tests on 127.0.0.1). */
  allowHttpPeers: false,
  /** Attempts at a handover before it is set aside as a dead letter (retried by hand: POST /v1/handovers/:jobId/retry). */
  handoverMaxAttempts: 8,
  /**
   * caseledger-peer/1 (config section `peer`): an envelope signed more than maxSkewMs before or after the receiver's
   * clock is refused (and its id is remembered that long); a message of the outbox is tried maxAttempts times before
   * it is a dead letter.
   */
  peerMaxSkewMs: 5 * 60_000,
  peerMaxAttempts: 10,
  /**
   * Repayments (config section `repayments`): a case's waivers (减免) may total at most this percentage of its
   * outstanding at registration, rounded down to the fen; more is refused (WAIVER_LIMIT_EXCEEDED).
   */
  waiverLimitPercent: 30,
  /**
   * Contact permits (config section `conduct`, docs/design.md §25): a permit is good for permitTtlMs; when a tally
   * increment to another holder of the debtor has been undelivered for stalenessMs, that holder's count may be behind
   * and the policy decides (fail closed by default); the policy and the lenders' hours are read from chain this often.
   */
  conductPermitTtlMs: 10 * 60_000,
  conductStalenessMs: 2 * 60_000,
  conductPolicyRefreshMs: 30_000,
  /** Tally increments are sent to the other holders this often, one message per holder with what gathered. */
  conductFlushMs: 250,
  /**
   * Case-list uploads (config section `ingest`): so many are ingested at once, so many more wait their turn (their
   * bodies unread, held back by TCP), and any beyond are refused with 429 and a Retry-After. Two at once keep a core
   * for the ownership checks agencies make before every call. Each upload is read in a worker thread whose heap is
   * bounded (MB): a workbook's reader keeps its whole shared-string table, and a zip packs repeated text a thousandfold,
   * so an upload under the size limit could otherwise unpack into more memory than the machine has. A 1,000,000-row
   * list reads within 128 MB (measured); past the bound the upload fails with UPLOAD_OUT_OF_MEMORY.
   */
  ingest: { maxConcurrent: 2, maxQueued: 8, workerHeapMb: 512 },
  /** Every time limit and period of the gateway, in milliseconds (config section `timeouts`). */
  timeouts: {
    /** Each JSON-RPC call of the case submitter, the evidence anchorer and the case indexer. */
    rpcMs: 30_000,
    /** One wait for a transaction's receipt; past it the worker retries later, looking the transaction up by hash. */
    receiptMs: 120_000,
    /** Longest pause between two receipt questions (the first is asked at once, then 25 ms, doubling up to this). */
    receiptPollMs: 250,
    /** Backoff of the case submitter after a failed step: first wait, longest wait (doubling in between). */
    retryInitialMs: 500,
    retryMaxMs: 30_000,
    /** While idle, the case submitter pings the node this often, so that health answers true to fact. */
    submitterProbeMs: 5_000,
    /** While idle, the anchorer reads the chain's checkpoint this often, to notice an anchor the chain lost. */
    anchorerProbeMs: 2_000,
    /** The case indexer reads new blocks this often. */
    indexerPollMs: 1_000,
    /** Questions that must answer quickly or count as "chain unreachable": /v1/health, the checkpoint read of receipts. */
    quickRpcMs: 2_000,
    /**
     * Recording evidence for a case the chain index does not show this member holding (an assignment a few blocks
     * old): the chain is asked who holds it for this long; past it, or with the node away, the index's answer stands.
     */
    holderCheckMs: 1_000,
    /** Reads of the court's verification (receipt facts from the chain). */
    verifyRpcMs: 10_000,
    /** A court's recordVerification transaction: the request waits this long for its receipt (then 503). */
    verifyReceiptMs: 60_000,
    /** One delivery of a handover package to an agency's gateway. */
    handoverRequestMs: 60_000,
    /** Undelivered handover packages are tried again this often. */
    handoverRetryMs: 5_000,
    /** One caseledger-peer/1 request to another member's gateway. */
    peerRequestMs: 30_000,
    /** The peer outbox is swept this often (and backs off from it, doubling). */
    peerRetryMs: 5_000,
    /** The member's own status (active, suspended) is read from the chain this often. */
    memberStatusRefreshMs: 10_000,
    /** At stop, how long a worker step that waits on the chain is given to finish (its state is on disk first). */
    stopGraceMs: 5_000,
    /** HTTP: request headers must arrive within this; a whole request (a large upload) within httpRequestMs. */
    httpHeadersMs: 30_000,
    httpRequestMs: 30 * 60_000,
  },
  /**
   * When the evidence log's checkpoint is anchored (config section `evidence`), with defaults that suit a collection
   * agency: a few thousand records a day, receipts wanted within minutes, and anchoring gas under 100 a record once
   * 1,000 records share an anchor (BENCHMARKS.md). Whichever comes first: `intervalMs` after the last anchor, or
   * `everyRecords` new records.
   */
  evidence: {
    /** At most a minute between a record and its anchor while records come in. */
    intervalMs: 60_000,
    /** A burst of 1,000 records is anchored at once (≈ 80 gas a record). */
    everyRecords: 1_000,
    /** Backoff after a failed anchoring attempt: first wait, longest wait. */
    retryInitialMs: 1_000,
    retryMaxMs: 60_000,
  },
} as const;

/**
 * Environment variables that override the config file (documented in README, "member.json"). Nothing else in the
 * gateway reads the environment, except CASELEDGER_CONFIG (main.ts: which file) and the CLI's CASELEDGER_GATEWAY and
 * CASELEDGER_TOKEN.
 */
export const ENV_OVERRIDES = {
  /** evidence.intervalMs, in seconds. */
  anchorIntervalSeconds: "CASELEDGER_ANCHOR_INTERVAL_S",
  /** evidence.everyRecords. */
  anchorEveryRecords: "CASELEDGER_ANCHOR_EVERY_RECORDS",
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
  /** `POST /v1/handover`, per client address and per claimed creditor: a burst, then so many a minute. */
  handoverBurst: number;
  handoverPerMinute: number;
  ownershipByIdBurst: number;
  ownershipByIdPerMinute: number;
  /** `POST /v1/peer`, per client address and per claimed sender: a burst, then so many a minute. */
  peerBurst: number;
  peerPerMinute: number;
  /** `POST /v1/public/complaints/:token`, per client address and per letter: a burst, then so many an hour. */
  complaintBurst: number;
  complaintPerHour: number;
}

export interface GatewayConfig {
  /** The member this gateway serves (its id in MemberRegistry). */
  memberId: number;
  /** Display name, for logs and the console. */
  memberName: string;
  /** Everything this gateway writes: store/, blobs/, spool/ (workbook uploads being read, encrypted). */
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
  /** pepperFile: unset only for a court's gateway (a court computes no keys, so it need not hold the pepper). */
  secrets: { signingKeyFile: string; pepperFile: string | undefined; storeKeyFile: string; encryptionKeyFile: string };
  handover: {
    /** Plain http:// peer gateways allowed (DEFAULTS.allowHttpPeers). */
    allowHttpPeers: boolean;
    /** Attempts before a delivery is a dead letter (DEFAULTS.handoverMaxAttempts). */
    maxAttempts: number;
  };
  repayments: {
    /** DEFAULTS.waiverLimitPercent. */
    waiverLimitPercent: number;
  };
  conduct: {
    /** DEFAULTS.conductPermitTtlMs. */
    permitTtlMs: number;
    /** DEFAULTS.conductStalenessMs. */
    stalenessMs: number;
    /** DEFAULTS.conductPolicyRefreshMs. */
    policyRefreshMs: number;
    /** DEFAULTS.conductFlushMs. */
    flushMs: number;
  };
  peer: {
    /** DEFAULTS.peerMaxSkewMs. */
    maxSkewMs: number;
    /** DEFAULTS.peerMaxAttempts. */
    maxAttempts: number;
  };
  http: {
    host: string;
    port: number;
    uploadLimitBytes: number;
    /** The reverse proxies whose X-Forwarded-For names the client (empty: none, the TCP peer is the client). */
    trustProxy: string[];
    /** The only addresses `POST /v1/handover` answers (empty: any). */
    handoverPeers: string[];
  };
  mandateDays: number;
  rateLimits: RateLimits;
  ingest: IngestLimits;
  timeouts: Timeouts;
  evidence: EvidenceSettings;
}

export type IngestLimits = { -readonly [K in keyof typeof DEFAULTS.ingest]: number };
export type Timeouts = { -readonly [K in keyof typeof DEFAULTS.timeouts]: number };
export type EvidenceSettings = { -readonly [K in keyof typeof DEFAULTS.evidence]: number };

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`配置无效 / invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

type Raw = Record<string, unknown>;

const DAY_MS = 86_400_000;

/**
 * Validates `raw` (the parsed config file; relative paths are resolved against `baseDir`; ENV_OVERRIDES in `env` win
 * over it) and returns the config, or throws a ConfigError listing every problem at once.
 */
export function parseConfig(raw: unknown, baseDir: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
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
  const timeouts = obj(root.timeouts, "timeouts");
  const handover = obj(root.handover, "handover");
  const peer = obj(root.peer, "peer");
  const repayments = obj(root.repayments, "repayments");
  const conduct = obj(root.conduct, "conduct");
  const bool = (value: unknown, where: string, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value === "boolean") return value;
    problems.push(`${where} must be true or false`);
    return fallback;
  };
  const ingest = obj(root.ingest, "ingest");
  const evidence = { ...obj(root.evidence, "evidence") };
  const fromEnv = (name: string, scale: number): number | string | undefined => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    const n = Number(value) * scale;
    return Number.isFinite(n) ? Math.round(n) : `${name}=${value}`;
  };
  const interval = fromEnv(ENV_OVERRIDES.anchorIntervalSeconds, 1_000);
  if (interval !== undefined) evidence.intervalMs = interval;
  const every = fromEnv(ENV_OVERRIDES.anchorEveryRecords, 1);
  if (every !== undefined) evidence.everyRecords = every;

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
  const addresses = (value: unknown, where: string, fallback: readonly string[]): string[] => {
    if (value === undefined) return [...fallback];
    if (Array.isArray(value) && value.every((a) => typeof a === "string" && isIP(a.replace(/\/\d{1,3}$/, "")) !== 0)) return value as string[];
    problems.push(`${where} must be a list of IP addresses (a subnet as address/bits)`);
    return [...fallback];
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
      pepperFile: secrets.pepperFile === undefined ? DEFAULTS.pepperFile : path(secrets.pepperFile, "secrets.pepperFile"),
      storeKeyFile: path(secrets.storeKeyFile, "secrets.storeKeyFile"),
      encryptionKeyFile: path(
        secrets.encryptionKeyFile,
        "secrets.encryptionKeyFile",
        typeof secrets.signingKeyFile === "string" ? resolve(baseDir, dirname(secrets.signingKeyFile), DEFAULTS.encryptionKeyFileName) : undefined,
      ),
    },
    handover: {
      allowHttpPeers: bool(handover.allowHttpPeers, "handover.allowHttpPeers", DEFAULTS.allowHttpPeers),
      maxAttempts: int(handover.maxAttempts, "handover.maxAttempts", DEFAULTS.handoverMaxAttempts, 1, 1_000),
    },
    repayments: {
      waiverLimitPercent: int(repayments.waiverLimitPercent, "repayments.waiverLimitPercent", DEFAULTS.waiverLimitPercent, 0, 100),
    },
    conduct: {
      permitTtlMs: int(conduct.permitTtlMs, "conduct.permitTtlMs", DEFAULTS.conductPermitTtlMs, 10_000, DAY_MS),
      stalenessMs: int(conduct.stalenessMs, "conduct.stalenessMs", DEFAULTS.conductStalenessMs, 1_000, DAY_MS),
      policyRefreshMs: int(conduct.policyRefreshMs, "conduct.policyRefreshMs", DEFAULTS.conductPolicyRefreshMs, 100, DAY_MS),
      flushMs: int(conduct.flushMs, "conduct.flushMs", DEFAULTS.conductFlushMs, 0, 60_000),
    },
    peer: {
      maxSkewMs: int(peer.maxSkewMs, "peer.maxSkewMs", DEFAULTS.peerMaxSkewMs, 1_000, DAY_MS),
      maxAttempts: int(peer.maxAttempts, "peer.maxAttempts", DEFAULTS.peerMaxAttempts, 1, 1_000),
    },
    http: {
      host: str(http.host, "http.host", DEFAULTS.httpHost),
      port: int(http.port, "http.port", DEFAULTS.httpPort, 0, 65_535),
      uploadLimitBytes: int(http.uploadLimitBytes, "http.uploadLimitBytes", DEFAULTS.uploadLimitBytes, 1, 2 ** 40),
      trustProxy: addresses(http.trustProxy, "http.trustProxy", DEFAULTS.trustProxy),
      handoverPeers: addresses(http.handoverPeers, "http.handoverPeers", DEFAULTS.handoverPeers),
    },
    mandateDays: int(root.mandateDays, "mandateDays", DEFAULTS.mandateDays, 1, MAX_MANDATE_DAYS),
    rateLimits: {
      publicBurst: int(limits.publicBurst, "rateLimits.publicBurst", DEFAULTS.rateLimits.publicBurst, 1, 1_000_000),
      publicPerMinute: int(limits.publicPerMinute, "rateLimits.publicPerMinute", DEFAULTS.rateLimits.publicPerMinute, 1, 1_000_000),
      authFailureBurst: int(limits.authFailureBurst, "rateLimits.authFailureBurst", DEFAULTS.rateLimits.authFailureBurst, 1, 1_000_000),
      authFailurePerMinute: int(limits.authFailurePerMinute, "rateLimits.authFailurePerMinute", DEFAULTS.rateLimits.authFailurePerMinute, 1, 1_000_000),
      handoverBurst: int(limits.handoverBurst, "rateLimits.handoverBurst", DEFAULTS.rateLimits.handoverBurst, 1, 1_000_000),
      handoverPerMinute: int(limits.handoverPerMinute, "rateLimits.handoverPerMinute", DEFAULTS.rateLimits.handoverPerMinute, 1, 1_000_000),
      ownershipByIdBurst: int(limits.ownershipByIdBurst, "rateLimits.ownershipByIdBurst", DEFAULTS.rateLimits.ownershipByIdBurst, 1, 1_000_000),
      ownershipByIdPerMinute: int(limits.ownershipByIdPerMinute, "rateLimits.ownershipByIdPerMinute", DEFAULTS.rateLimits.ownershipByIdPerMinute, 1, 1_000_000),
      peerBurst: int(limits.peerBurst, "rateLimits.peerBurst", DEFAULTS.rateLimits.peerBurst, 1, 1_000_000),
      peerPerMinute: int(limits.peerPerMinute, "rateLimits.peerPerMinute", DEFAULTS.rateLimits.peerPerMinute, 1, 1_000_000),
      complaintBurst: int(limits.complaintBurst, "rateLimits.complaintBurst", DEFAULTS.rateLimits.complaintBurst, 1, 1_000_000),
      complaintPerHour: int(limits.complaintPerHour, "rateLimits.complaintPerHour", DEFAULTS.rateLimits.complaintPerHour, 1, 1_000_000),
    },
    ingest: {
      maxConcurrent: int(ingest.maxConcurrent, "ingest.maxConcurrent", DEFAULTS.ingest.maxConcurrent, 1, 64),
      maxQueued: int(ingest.maxQueued, "ingest.maxQueued", DEFAULTS.ingest.maxQueued, 0, 10_000),
      workerHeapMb: int(ingest.workerHeapMb, "ingest.workerHeapMb", DEFAULTS.ingest.workerHeapMb, 64, 65_536),
    },
    timeouts: Object.fromEntries(
      Object.entries(DEFAULTS.timeouts).map(([name, fallback]) => [name, int(timeouts[name], `timeouts.${name}`, fallback, 1, DAY_MS)]),
    ) as Timeouts,
    evidence: {
      intervalMs: int(evidence.intervalMs, `evidence.intervalMs (${ENV_OVERRIDES.anchorIntervalSeconds} in seconds)`, DEFAULTS.evidence.intervalMs, 100, DAY_MS),
      everyRecords: int(evidence.everyRecords, `evidence.everyRecords (${ENV_OVERRIDES.anchorEveryRecords})`, DEFAULTS.evidence.everyRecords, 1, 10_000_000),
      retryInitialMs: int(evidence.retryInitialMs, "evidence.retryInitialMs", DEFAULTS.evidence.retryInitialMs, 1, DAY_MS),
      retryMaxMs: int(evidence.retryMaxMs, "evidence.retryMaxMs", DEFAULTS.evidence.retryMaxMs, 1, DAY_MS),
    },
  };
  for (const unknown of Object.keys(timeouts).filter((name) => !Object.hasOwn(DEFAULTS.timeouts, name))) {
    problems.push(`timeouts.${unknown} is not a setting (${Object.keys(DEFAULTS.timeouts).join(", ")})`);
  }
  if (config.timeouts.retryInitialMs > config.timeouts.retryMaxMs) problems.push("timeouts.retryInitialMs must not exceed timeouts.retryMaxMs");
  if (config.evidence.retryInitialMs > config.evidence.retryMaxMs) problems.push("evidence.retryInitialMs must not exceed evidence.retryMaxMs");
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
