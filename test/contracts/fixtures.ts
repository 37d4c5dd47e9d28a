import { network } from "hardhat";

/**
 * One in-process Hardhat network for the contract tests, and the fixtures they share. Every test starts
 * from a snapshot of a fixture (loadFixture), so tests never see each other's state.
 */
export const connection = await network.create();
export const { ethers, networkHelpers } = connection;
// eslint-disable-next-line @typescript-eslint/unbound-method -- Hardhat binds the helpers' methods to their instance
export const { loadFixture, time } = networkHelpers;

export const Role = { LENDER: 1, AGENCY: 2, COURT: 4, OPERATOR: 8, SUPERVISOR: 16, MEDIATOR: 32 } as const;
export const MemberStatus = { None: 0n, Active: 1n, Suspended: 2n, Removed: 3n } as const;
export const CaseStatus = {
  None: 0n,
  Registered: 1n,
  Assigned: 2n,
  Accepted: 3n,
  Returned: 4n,
  Recalled: 5n,
  Settled: 6n,
  Closed: 7n,
} as const;
export type CaseStatusName = keyof typeof CaseStatus;

export const DAY = 24 * 60 * 60;
/** The termsHash of a settlement without a terms document. */
export const NO_TERMS = `0x${"00".repeat(32)}`;

/**
 * A deterministic bytes32 key for the tests, never zero: `key("case", 3)`. Bytes 1–4 name the originator,
 * as in a real caseKey, because CaseRegistry lets only that member register it: member 1 (the lender)
 * unless `originator` says otherwise.
 */
export function key(label: string, i: number | bigint = 0, originator = 1): string {
  const hash = ethers.keccak256(ethers.toUtf8Bytes(`caseledger/test/${label}/${i}`));
  return withOriginator(hash, originator);
}

export function keys(label: string, count: number, from = 0, originator = 1): string[] {
  return Array.from({ length: count }, (_, i) => key(label, from + i, originator));
}

/** `k` with bytes 1–4 set to `originator` (uint32, big-endian). */
export function withOriginator(k: string, originator: number): string {
  return `${k.slice(0, 4)}${originator.toString(16).padStart(8, "0")}${k.slice(12)}`;
}

/** The first `count` test accounts, typed as present (Hardhat provides 20). */
export async function signers<N extends number>(count: N) {
  const all = await ethers.getSigners();
  if (all.length < count) throw new Error(`the test network has ${all.length} accounts, ${count} needed`);
  type Signer = (typeof all)[number];
  return all.slice(0, count) as Signer[] & { [index: number]: Signer } as unknown as Tuple<Signer, N>;
}

type Tuple<T, N extends number, Acc extends T[] = []> = Acc["length"] extends N ? Acc : Tuple<T, N, [...Acc, T]>;

/**
 * The consortium every contract test starts from: an operator; lenders 1 and 2; agencies 3 and 4; a
 * court 5; a member with every role 6 (an AMC that also collects) — all active — and `stranger`, who is
 * not a member. Every member `x` has a recovery key `recovery.x` (accounts 10–15); `spareRecovery1` and
 * `spareRecovery2` are fresh addresses for admissions and key changes.
 */
export async function deployConsortium() {
  const [operator, lender, lender2, agency, agency2, court, amc, stranger, spare1, spare2, ...rest] = await signers(18);
  const [rLender, rLender2, rAgency, rAgency2, rCourt, rAmc, spareRecovery1, spareRecovery2] = rest;
  const recovery = { lender: rLender, lender2: rLender2, agency: rAgency, agency2: rAgency2, court: rCourt, amc: rAmc };
  const memberRegistry = await ethers.deployContract("MemberRegistry", [operator.address]);
  const caseRegistry = await ethers.deployContract("CaseRegistry", [await memberRegistry.getAddress()]);
  const evidenceRegistry = await ethers.deployContract("EvidenceRegistry", [await memberRegistry.getAddress()]);
  const meta = (name: string) => ethers.keccak256(ethers.toUtf8Bytes(name));
  await memberRegistry.admit(lender.address, recovery.lender.address, Role.LENDER, meta("lender"));
  await memberRegistry.admit(lender2.address, recovery.lender2.address, Role.LENDER, meta("lender2"));
  await memberRegistry.admit(agency.address, recovery.agency.address, Role.AGENCY, meta("agency"));
  await memberRegistry.admit(agency2.address, recovery.agency2.address, Role.AGENCY, meta("agency2"));
  await memberRegistry.admit(court.address, recovery.court.address, Role.COURT, meta("court"));
  await memberRegistry.admit(amc.address, recovery.amc.address, Role.LENDER | Role.AGENCY | Role.COURT | Role.OPERATOR | Role.SUPERVISOR | Role.MEDIATOR, meta("amc"));
  return {
    memberRegistry,
    caseRegistry,
    evidenceRegistry,
    operator,
    lender,
    lender2,
    agency,
    agency2,
    court,
    amc,
    stranger,
    spare1,
    spare2,
    recovery,
    spareRecovery1,
    spareRecovery2,
    ids: { lender: 1, lender2: 2, agency: 3, agency2: 4, court: 5, amc: 6 },
    meta,
  };
}

export type Consortium = Awaited<ReturnType<typeof deployConsortium>>;

/** Block time of the latest block. */
export async function now(): Promise<number> {
  return time.latest();
}
