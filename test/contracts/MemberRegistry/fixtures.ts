/**
 * MemberRegistry's tests share these: typed views of the consortium fixture and the helpers every behaviour uses.
 * The tests are split by behaviour in this folder: every external function, every custom error with its exact
 * arguments, the member status machine walked as a table, the role checks the other contracts rely on, and the
 * effect of a suspension or removal on CaseRegistry and EvidenceRegistry. All data is synthetic.
 */
import type { BaseContractMethod, ContractRunner, Interface } from "ethers";
import { ethers, key, Role } from "../fixtures.js";
import type { Consortium } from "../fixtures.js";

// ---------------------------------------------------------------------------------------------------------
// Typed views of the fixture. The contracts come out of hardhat-ethers untyped (no typechain), so each test
// wraps its fixture in `view(...)`, which names the methods it calls and checks the signers are present.
// ---------------------------------------------------------------------------------------------------------

type Api<K extends string> = { readonly [P in K]: BaseContractMethod } & {
  connect(runner: ContractRunner | null): Api<K>;
  getAddress(): Promise<string>;
  readonly interface: Interface;
};

export type RegistryApi = Api<
  | "admit"
  | "setRoles"
  | "suspend"
  | "reinstate"
  | "remove"
  | "rotateSigner"
  | "changeRecovery"
  | "proposeRecoveryChange"
  | "recoveryOf"
  | "updateMetadata"
  | "proposeSignerRotation"
  | "proposeMetadataUpdate"
  | "cancelChange"
  | "executeChange"
  | "pendingChangeOf"
  | "CHANGE_DELAY"
  | "transferOperator"
  | "acceptOperator"
  | "operator"
  | "pendingOperator"
  | "memberCount"
  | "memberOf"
  | "memberIdOf"
  | "isActive"
  | "requireActiveSigner"
  | "requireActiveMember"
>;
type CaseApi = Api<"registerAndAssign" | "accept" | "isAssignedTo">;
type EvidenceApi = Api<"anchor" | "recordVerification">;

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`fixture: ${what} is missing`);
  return value;
}

export function view(c: Consortium) {
  return {
    members: c.memberRegistry as unknown as RegistryApi,
    cases: c.caseRegistry as unknown as CaseApi,
    evidence: c.evidenceRegistry as unknown as EvidenceApi,
    operator: must(c.operator, "operator"),
    lender: must(c.lender, "lender"),
    lender2: must(c.lender2, "lender2"),
    agency: must(c.agency, "agency"),
    agency2: must(c.agency2, "agency2"),
    court: must(c.court, "court"),
    amc: must(c.amc, "amc"),
    stranger: must(c.stranger, "stranger"),
    spare1: must(c.spare1, "spare1"),
    spare2: must(c.spare2, "spare2"),
    recovery: c.recovery,
    spareRecovery1: must(c.spareRecovery1, "spareRecovery1"),
    spareRecovery2: must(c.spareRecovery2, "spareRecovery2"),
    ids: c.ids,
    meta: c.meta,
  };
}
export type World = ReturnType<typeof view>;
type Account = World["operator"];

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

export const ZERO = ethers.ZeroAddress;
export const ZERO_HASH = ethers.ZeroHash;
export const ALL = Role.LENDER | Role.AGENCY | Role.COURT | Role.OPERATOR | Role.SUPERVISOR | Role.MEDIATOR;
export const ANY = 0;
/** Every role query of interest: ANY, each bit and each combination of the four, and bits outside them. */
export const ROLE_QUERIES = [...Array.from({ length: 16 }, (_, i) => i), 0x10, 0x11, 0x20, 0x21, 0x40, 0x80, 0xff];
export const OUTSIDE_ROLES = [0x40, 0x80, 0x7f, 0x48, 0xc0, 0xff];
export const STATUS_NAME: Record<string, string> = { "0": "None", "1": "Active", "2": "Suspended", "3": "Removed" };

/** A deterministic address that no test account holds (for admits that never transact). */
export function address(label: string, i = 0): string {
  return ethers.getAddress(ethers.dataSlice(key(`address/${label}`, i), 12));
}

export const E = (name: string) => `MemberRegistry${name}`;

export interface StoredMember {
  signer: string;
  roles: number;
  status: bigint;
  metadataHash: string;
}

export async function memberOf(w: World, id: number): Promise<StoredMember> {
  const m = await w.members.memberOf(id);
  return { signer: m[0] as string, roles: Number(m[1]), status: BigInt(m[2]), metadataHash: m[3] as string };
}

/** What the fixture admitted (see deployConsortium). */
export function fixtureMembers(w: World): Array<{ id: number; who: Account; roles: number; meta: string }> {
  return [
    { id: w.ids.lender, who: w.lender, roles: Role.LENDER, meta: w.meta("lender") },
    { id: w.ids.lender2, who: w.lender2, roles: Role.LENDER, meta: w.meta("lender2") },
    { id: w.ids.agency, who: w.agency, roles: Role.AGENCY, meta: w.meta("agency") },
    { id: w.ids.agency2, who: w.agency2, roles: Role.AGENCY, meta: w.meta("agency2") },
    { id: w.ids.court, who: w.court, roles: Role.COURT, meta: w.meta("court") },
    { id: w.ids.amc, who: w.amc, roles: ALL, meta: w.meta("amc") },
  ];
}

/** Leaf hash of RFC 6962: SHA-256(0x00 ‖ record). A one-leaf tree has this as its root. */
export function leafHash(record: string): string {
  return ethers.sha256(ethers.concat(["0x00", ethers.toUtf8Bytes(record)]));
}
