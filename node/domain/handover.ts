import { randomBytes } from "node:crypto";
import { canonicalDigest } from "./canonical-json.js";

/**
 * The package a lender's gateway sends to an agency's gateway after an assignment is on chain: the case details
 * the agency needs to work the cases (personal data included — this is the one place it leaves the lender), signed
 * by the lender member's registered key. Its SHA-256 is what gets notarized (docs/design.md §15).
 */
export const HANDOVER_FORMAT = "caseledger-handover/1";
/** A package older than this is refused (replays); clocks of members are assumed within a minute. */
export const HANDOVER_MAX_AGE_MS = 15 * 60_000;
/** How far in the future a package's `createdAt` may be (the members' clocks differ a little). */
export const HANDOVER_MAX_SKEW_MS = 60_000;

/** Cases a package may carry: the sender's chunk (one HTTP request, one notarized hash). */
export const HANDOVER_MAX_CASES = 1_000;

export interface HandoverCase {
  caseKey: string;
  debtorKey: string;
  loanRef: string;
  name: string;
  idNumber: string;
  phone: string;
  principalFen: string;
  outstandingFen: string;
  overdueDays: number;
  region: string;
  product: string;
  extra: Record<string, string>;
}

export interface HandoverPackage {
  format: typeof HANDOVER_FORMAT;
  chainId: number;
  caseRegistry: string;
  creditorId: number;
  agencyId: number;
  /** The on-chain assignment these cases came with. */
  assignment: { txHash: string; until: number };
  createdAt: string;
  /** Random, so that two packages never hash alike and a replay is recognizable. */
  nonce: string;
  cases: HandoverCase[];
}

export interface SignedHandover {
  package: HandoverPackage;
  /** 0x-hex SHA-256 of the canonical JSON of `package`. */
  packageHash: string;
  /** EIP-191 signature of the 32 hash bytes by the creditor member's signing key. */
  signature: string;
}

export function newNonce(): string {
  return randomBytes(16).toString("hex");
}

export function handoverHash(pkg: HandoverPackage): string {
  return canonicalDigest(pkg);
}

/** Signs with any signer that can sign EIP-191 messages (an ethers Wallet). */
export async function signHandover(
  pkg: HandoverPackage,
  signer: { signMessage(message: Uint8Array): Promise<string> },
): Promise<SignedHandover> {
  const packageHash = handoverHash(pkg);
  const signature = await signer.signMessage(Buffer.from(packageHash.slice(2), "hex"));
  return { package: pkg, packageHash, signature };
}

export type HandoverProblem =
  | "FORMAT"
  | "HASH_MISMATCH"
  | "TOO_OLD"
  | "FROM_THE_FUTURE"
  | "WRONG_AGENCY"
  | "WRONG_CHAIN"
  | "EMPTY"
  | "TOO_MANY";

type Expected = { agencyId: number; chainId: number; caseRegistry: string; now: number };

/**
 * The checks that cost next to nothing — shape, addressee, chain, freshness, size — so that a package anyone can
 * post is refused on them before its hash is computed (canonicalizing megabytes) or its signature recovered.
 */
export function precheckHandover(signed: SignedHandover, expect: Expected): HandoverProblem | undefined {
  const pkg = signed?.package;
  if (!pkg || pkg.format !== HANDOVER_FORMAT || !Array.isArray(pkg.cases) || typeof signed.signature !== "string") return "FORMAT";
  if (typeof pkg.nonce !== "string" || !/^[0-9a-f]{32}$/.test(pkg.nonce) || typeof pkg.createdAt !== "string") return "FORMAT";
  if (typeof signed.packageHash !== "string" || !Number.isSafeInteger(pkg.creditorId) || typeof pkg.caseRegistry !== "string") return "FORMAT";
  if (pkg.agencyId !== expect.agencyId) return "WRONG_AGENCY";
  if (pkg.chainId !== expect.chainId || pkg.caseRegistry.toLowerCase() !== expect.caseRegistry.toLowerCase()) return "WRONG_CHAIN";
  const age = expect.now - Date.parse(pkg.createdAt);
  if (!Number.isFinite(age) || age > HANDOVER_MAX_AGE_MS) return "TOO_OLD";
  if (age < -HANDOVER_MAX_SKEW_MS) return "FROM_THE_FUTURE";
  if (pkg.cases.length === 0) return "EMPTY";
  if (pkg.cases.length > HANDOVER_MAX_CASES) return "TOO_MANY";
  return undefined;
}

/** The expensive check: the package's content hashes to the `packageHash` that was signed. */
export function checkHandoverHash(signed: SignedHandover): HandoverProblem | undefined {
  let hash: string;
  try {
    hash = handoverHash(signed.package);
  } catch {
    return "FORMAT";
  }
  return hash === signed.packageHash ? undefined : "HASH_MISMATCH";
}

/**
 * Checks a received package's shape, freshness and hash (the signature and the chain are checked by the caller,
 * which has the chain). Returns the first problem, or undefined.
 */
export function checkHandover(signed: SignedHandover, expect: Expected): HandoverProblem | undefined {
  return precheckHandover(signed, expect) ?? checkHandoverHash(signed);
}
