import { createHash } from "node:crypto";
import type {
  AgencyProfile,
  AgencyStats,
  Allocation,
  AllocationInput,
  CaseToAllocate,
  Decision,
  DebtorHolding,
} from "../../../../node/domain/matching/index.js";
import { prng } from "../../../support/prng.js";

export { prng };

/** A synthetic bytes32 key: `0x` + SHA-256 of a label ("case 1", "debtor 7"). Never a real pseudonym. */
export function key(label: string): string {
  return `0x${createHash("sha256").update(label, "utf8").digest("hex")}`;
}

/** The allocating lender's member id. */
export const LENDER_ID = 1;

/** A profile that takes everything everywhere unless told otherwise. */
export function agency(agencyId: number, overrides: Partial<AgencyProfile> = {}): AgencyProfile {
  return {
    agencyId,
    name: `测试机构 ${agencyId}`,
    regions: ["*"],
    outstandingFen: { min: 0n },
    overdueDays: { min: 0 },
    capacity: 1_000,
    ...overrides,
  };
}

/** Case `i` of debtor `i` in Guangdong (44), 1,000.00 yuan, 90 days overdue, unless told otherwise. */
export function caseOf(i: number | string, overrides: Partial<CaseToAllocate> = {}): CaseToAllocate {
  return {
    caseKey: key(`case ${i}`),
    debtorKey: key(`debtor ${i}`),
    provinceCode: "44",
    outstandingFen: 100_000n,
    overdueDays: 90,
    ...overrides,
  };
}

export function holding(debtor: string, i: number | string, creditorId: number, agencyId: number): DebtorHolding {
  return { debtorKey: debtor, caseKey: key(`held ${i}`), creditorId, agencyId };
}

/** holdingsOf over a fixed list of holdings. */
export function holdingsFrom(list: readonly DebtorHolding[]): (debtorKey: string) => DebtorHolding[] {
  const byDebtor = new Map<string, DebtorHolding[]>();
  for (const h of list) {
    const held = byDebtor.get(h.debtorKey) ?? [];
    held.push(h);
    byDebtor.set(h.debtorKey, held);
  }
  return (debtorKey) => byDebtor.get(debtorKey) ?? [];
}

export function input(partial: Partial<AllocationInput> & Pick<AllocationInput, "cases" | "agencies">): AllocationInput {
  return { lenderId: LENDER_ID, stats: [], holdingsOf: () => [], ...partial };
}

/** The one decision of a one-case allocation. */
export function only(allocation: Allocation): Decision {
  const [decision, ...rest] = allocation.decisions;
  if (decision === undefined || rest.length > 0) throw new Error(`expected one decision, got ${allocation.decisions.length}`);
  return decision;
}

export function stats(agencyId: number, activeCases: number, recovery90d?: number): AgencyStats {
  return { agencyId, activeCases, recovery90d };
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The same object with its keys in reverse order (nested plain objects too). */
export function reversedKeys<T>(value: T): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reversedKeys(v)])) as T;
}

/** The tie-break digest computed here independently: SHA-256(32 bytes of caseKey ‖ uint32 big-endian agencyId). */
export function expectedDigest(caseKey: string, agencyId: number): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(agencyId);
  return createHash("sha256").update(Buffer.from(caseKey.slice(2), "hex")).update(id).digest("hex");
}
