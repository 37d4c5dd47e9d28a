import { type ErrorDescription, Interface } from "ethers";
import { caseStatusName } from "../domain/consortium/index.js";

/**
 * A custom error of CaseRegistry (or of MemberRegistry, whose errors a CaseRegistry call passes on), decoded
 * and put in words. Keys and member ids only: there is no personal data on chain to leak.
 */
export interface DecodedRevert {
  /** The error's name, e.g. `CaseRegistryAlreadyRegistered`. */
  name: string;
  /** Its arguments by name, as strings (bigints in decimal). */
  args: Record<string, string>;
  /** The batch index of the offending item, when the error names one (every per-item CaseRegistry error does). */
  index?: number;
  /** The offending case, when the error names one. */
  caseKey?: string;
  /** One sentence for a person. */
  reason: string;
}

/** One interface that knows the errors of both registries (MemberRegistry's reach callers through CaseRegistry). */
export function revertInterface(...interfaces: Interface[]): Interface {
  const seen = new Set<string>();
  const fragments = interfaces
    .flatMap((iface) => iface.fragments)
    .filter((fragment) => {
      if (fragment.type !== "error" && fragment.type !== "event" && fragment.type !== "function") return false;
      const key = `${fragment.type}:${fragment.format("sighash")}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return new Interface(fragments);
}

/** The revert data somewhere in an ethers error (estimateGas, call and send errors nest it differently). */
export function revertData(error: unknown): string | undefined {
  const queue: unknown[] = [error];
  for (let i = 0; i < queue.length && i < 12; i++) {
    const e = queue[i];
    if (!e || typeof e !== "object") continue;
    const { data, error: inner, info, cause } = e as { data?: unknown; error?: unknown; info?: unknown; cause?: unknown };
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data;
    if (data && typeof data === "object") queue.push(data);
    queue.push(inner, cause, (info as { error?: unknown } | undefined)?.error);
  }
  return undefined;
}

/** Decodes the custom error in `error`; undefined when it carries none that `iface` knows. */
export function decodeRevert(iface: Interface, error: unknown): DecodedRevert | undefined {
  const data = revertData(error);
  if (!data) return undefined;
  let parsed: ErrorDescription | null;
  try {
    parsed = iface.parseError(data);
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const args: Record<string, string> = {};
  parsed.fragment.inputs.forEach((input, i) => {
    const value: unknown = parsed.args[i];
    args[input.name || `arg${i}`] = typeof value === "string" ? value.toLowerCase() : String(value);
  });
  const decoded: DecodedRevert = { name: parsed.name, args, reason: describe(parsed.name, args) };
  if (args.index !== undefined) decoded.index = Number(args.index);
  if (args.caseKey !== undefined) decoded.caseKey = args.caseKey;
  return decoded;
}

const time = (seconds: string | undefined) => {
  const n = Number(seconds);
  return Number.isFinite(n) && n > 0 && n < 8.64e12 ? new Date(n * 1000).toISOString() : String(seconds);
};
const status = (value: string | undefined) => {
  try {
    return caseStatusName(BigInt(value ?? "-1"));
  } catch {
    return `status ${value}`;
  }
};

function describe(name: string, a: Record<string, string>): string {
  const c = `case ${a.caseKey}`;
  switch (name) {
    case "CaseRegistryAlreadyRegistered":
      return `${c} is already registered (by this or another creditor)`;
    case "CaseRegistryForeignKey":
      return `${c} names member ${a.originatorId} as its originator; only that member can register it`;
    case "CaseRegistryUnknownCase":
      return `${c} was never registered`;
    case "CaseRegistryNotCreditor":
      return `member ${a.memberId} is not the creditor of ${c}`;
    case "CaseRegistryNotAgency":
      return `member ${a.memberId} is not the agency of ${c}`;
    case "CaseRegistryInvalidTransition":
      return `${c} is ${status(a.status)}, and this step is not allowed from that status`;
    case "CaseRegistryMandateExpired":
      return `the mandate of ${c} ran out at ${time(a.until)}`;
    case "CaseRegistryMandateActive":
      return `${c} is held by agency ${a.agencyId} until ${time(a.until)}; recall it first`;
    case "CaseRegistryUntilNotLater":
      return `the new end ${time(a.until)} of ${c} is not later than its current end ${time(a.currentUntil)}`;
    case "CaseRegistryMandateTooLong":
      return `ending at ${time(a.until)} would make the mandate of ${c}, assigned at ${time(a.assignedAt)}, longer than allowed`;
    case "CaseRegistryZeroKey":
      return "the item has a zero case key or debtor key";
    case "CaseRegistryInvalidUntil":
      return `the mandate end ${time(a.until)} lies outside ${time(a.minUntil)} … ${time(a.maxUntil)}`;
    case "CaseRegistrySameCreditor":
      return `member ${a.memberId} already is the creditor`;
    case "CaseRegistryEmptyBatch":
      return "the batch is empty";
    case "CaseRegistryBatchTooLarge":
      return `the batch holds ${a.size} items, more than ${a.maxSize}`;
    case "MemberRegistryUnknownSigner":
      return `the gateway's signing account ${a.account} is not the signer of any member`;
    case "MemberRegistryMemberNotActive":
      return `member ${a.memberId} is not active`;
    case "MemberRegistryMissingRole":
      return `member ${a.memberId} lacks the role this step needs`;
    case "MemberRegistryUnknownMember":
      return `member ${a.memberId} does not exist`;
    default: {
      const list = Object.entries(a)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      return `${name}(${list})`;
    }
  }
}
