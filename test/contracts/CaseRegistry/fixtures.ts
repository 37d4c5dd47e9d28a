/**
 * CaseRegistry's tests share these: the consortium as each actor sees the registry, case-state readers and
 * event decoders, the lifecycle helper that brings a fresh case into any state, and the case fixtures. The tests
 * are split by behaviour (every function, event and error; the lifecycle table; who may act; mandate expiry;
 * batch policy) in this folder. Synthetic keys only.
 */
import type { ContractTransactionResponse } from "ethers";
import {
  CaseStatus,
  type CaseStatusName,
  DAY,
  type Consortium,
  deployConsortium,
  ethers,
  key,
  keys,
  loadFixture,
  now,
  NO_TERMS,
  time,
} from "../fixtures.js";

// ───────────────────────────────────────────── helpers ─────────────────────────────────────────────

export const MAX_BATCH = 500;
export const MAX_MANDATE = 730 * DAY;
/** Mandate used by the lifecycle helper and most tests. */
export const MANDATE = 30 * DAY;

type Signer = Awaited<ReturnType<typeof ethers.getSigners>>[number];
export type Registry = Consortium["caseRegistry"];
export type Tx = Promise<ContractTransactionResponse>;

/** The shared consortium fixture (loadFixture(deployConsortium)), wrapped by {wrap}. */
export async function world() {
  return wrap(await loadFixture(deployConsortium));
}

/**
 * A fresh deployment of the consortium, for the fixtures built on top of it. (Those fixtures do not nest
 * loadFixture(deployConsortium): in hardhat-network-helpers 3 a nested loadFixture makes the outer call
 * overwrite the inner call's snapshot list, and later fixture reverts fail.)
 */
export async function freshWorld() {
  return wrap(await deployConsortium());
}

/** The consortium, with the case registry connected as each actor. */
function wrap(c: Consortium) {
  const cr = c.caseRegistry;
  const as = (s: Signer): Registry => cr.connect(s);
  return {
    ...c,
    cr,
    mr: c.memberRegistry,
    as,
    /** lender (creditor 1) */
    L: as(c.lender),
    /** lender2 (creditor 2) */
    L2: as(c.lender2),
    /** agency (member 3) */
    A: as(c.agency),
    /** agency2 (member 4) */
    A2: as(c.agency2),
  };
}
export type World = ReturnType<typeof wrap>;

/** The debtor key that goes with a case key (synthetic). */
export function debtorOf(caseKey: string): string {
  return ethers.solidityPackedKeccak256(["bytes32", "string"], [caseKey, "debtor"]);
}
export const debtorsOf = (ks: readonly string[]) => ks.map(debtorOf);

export interface State {
  creditorId: number;
  agencyId: number;
  assignedAt: number;
  until: number;
  status: CaseStatusName;
  expired: boolean;
}

function statusName(value: bigint | number): CaseStatusName {
  const found = (Object.keys(CaseStatus) as CaseStatusName[]).find((n) => CaseStatus[n] === BigInt(value));
  if (found === undefined) throw new Error(`unknown status ${value}`);
  return found;
}

interface CaseStateOutput {
  creditorId: bigint;
  agencyId: bigint;
  assignedAt: bigint;
  until: bigint;
  status: bigint;
  expired: boolean;
}

function toState(r: CaseStateOutput): State {
  return {
    creditorId: Number(r.creditorId),
    agencyId: Number(r.agencyId),
    assignedAt: Number(r.assignedAt),
    until: Number(r.until),
    status: statusName(r.status),
    expired: Boolean(r.expired),
  };
}

export async function stateOf(w: World, caseKey: string): Promise<State> {
  return toState(await w.cr.caseOf(caseKey));
}

export async function statesOf(w: World, ks: readonly string[]): Promise<State[]> {
  return (await w.cr.casesOf([...ks])).map(toState);
}

export const NONE: State = { creditorId: 0, agencyId: 0, assignedAt: 0, until: 0, status: "None", expired: false };

/** Decoded args (deep, bigints) of every `name` event the transaction emitted, in log order. */
export async function eventsOf(w: World, tx: Tx, name: string): Promise<unknown[][]> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  const address = await w.cr.getAddress();
  return receipt.logs
    .filter((l) => l.address === address)
    .map((l) => w.cr.interface.parseLog(l))
    .filter((p) => p !== null && p.name === name)
    .map((p) => p!.args.toArray(true));
}

/** Names of every CaseRegistry event of the transaction, in log order. */
export async function eventNames(w: World, tx: Tx): Promise<string[]> {
  const receipt = await (await tx).wait();
  const address = await w.cr.getAddress();
  return receipt!.logs.filter((l) => l.address === address).map((l) => w.cr.interface.parseLog(l)!.name);
}

export const b = (n: number) => BigInt(n);

// ─────────────────────────────────────────── lifecycle helper ───────────────────────────────────────────

export const STATES = [
  "None",
  "Registered",
  "Assigned",
  "Accepted",
  "Returned",
  "Recalled",
  "Settled",
  "Closed",
  "AssignedExpired",
  "AcceptedExpired",
] as const;
export type LifecycleState = (typeof STATES)[number];

/** What caseOf shows for a case brought into each state by {bringTo}. */
export const STORED: Record<LifecycleState, { status: CaseStatusName; expired: boolean; agency: boolean }> = {
  None: { status: "None", expired: false, agency: false },
  Registered: { status: "Registered", expired: false, agency: false },
  Assigned: { status: "Assigned", expired: false, agency: true },
  Accepted: { status: "Accepted", expired: false, agency: true },
  Returned: { status: "Returned", expired: false, agency: true },
  Recalled: { status: "Recalled", expired: false, agency: true },
  Settled: { status: "Settled", expired: false, agency: true },
  Closed: { status: "Closed", expired: false, agency: true },
  AssignedExpired: { status: "Assigned", expired: true, agency: true },
  AcceptedExpired: { status: "Accepted", expired: true, agency: true },
};

/**
 * Brings the fresh case `caseKey` of creditor `lender` into `state`. Every state past Registered starts with
 * registerAndAssign to `agency` for MANDATE seconds and (except Assigned*) accept; the expired states move
 * chain time one second past `until`. Returns the mandate's `until` (0 when never assigned).
 */
async function bringTo(w: World, state: LifecycleState, caseKey: string): Promise<number> {
  if (state === "None") return 0;
  if (state === "Registered") {
    await w.L.register([caseKey], [debtorOf(caseKey)]);
    return 0;
  }
  const until = (await now()) + MANDATE;
  await w.L.registerAndAssign(w.ids.agency, until, [caseKey], [debtorOf(caseKey)]);
  if (state === "Assigned") return until;
  if (state === "AssignedExpired") {
    await time.increaseTo(until + 1);
    return until;
  }
  await w.A.accept([caseKey]);
  switch (state) {
    case "Accepted":
      break;
    case "AcceptedExpired":
      await time.increaseTo(until + 1);
      break;
    case "Returned":
      await w.A.returnCases([caseKey]);
      break;
    case "Recalled":
      await w.L.recall([caseKey]);
      break;
    case "Settled":
      await w.L.settle([caseKey], [0n], NO_TERMS);
      break;
    case "Closed":
      await w.L.close([caseKey]);
      break;
  }
  return until;
}

export interface CaseInState {
  w: World;
  k: string;
  until: number;
  state: LifecycleState;
}

async function caseIn(state: LifecycleState): Promise<CaseInState> {
  const w = await freshWorld();
  const k = key(`lifecycle/${state}`);
  const until = await bringTo(w, state, k);
  return { w, k, until, state };
}

/** One named fixture per state (loadFixture caches by function and rejects anonymous ones). */
export const STATE_FIXTURES = Object.fromEntries(
  STATES.map((s) => {
    const name = `case${s}`;
    const fixture = { [name]: () => caseIn(s) }[name]!;
    return [s, fixture];
  }),
) as Record<LifecycleState, () => Promise<CaseInState>>;

// ───────────────────────────────────────────── fixtures ─────────────────────────────────────────────

export const REG = keys("registered", 3);
export const ASG = keys("assigned", 3);

/** Three cases REG registered by lender; one case of lender2 (`other`). */
export async function registeredCases() {
  const w = await freshWorld();
  await w.L.register(REG, debtorsOf(REG));
  const other = key("lender2-case", 0, 2);
  await w.L2.register([other], [debtorOf(other)]);
  return { w, other };
}

/** Three cases ASG registered and assigned by lender to agency until `until`, at `assignedAt`. */
export async function assignedCases() {
  const w = await freshWorld();
  const until = (await now()) + MANDATE;
  await w.L.registerAndAssign(w.ids.agency, until, ASG, debtorsOf(ASG));
  const assignedAt = await now();
  return { w, until, assignedAt };
}

/** {assignedCases}, accepted by agency. */
export async function acceptedCases() {
  const f = await assignedCases();
  await f.w.A.accept(ASG);
  return f;
}
