/**
 * CaseRegistry: every function, event and error; the lifecycle as an exhaustive state × transition table;
 * who may act; mandate expiry; batch policy. Synthetic keys only.
 */
import { expect } from "chai";
import { ZeroHash, type ContractTransactionResponse } from "ethers";
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
  MemberStatus,
  now,
  Role,
  time,
} from "./fixtures.js";

// ───────────────────────────────────────────── helpers ─────────────────────────────────────────────

const MAX_BATCH = 500;
const MAX_MANDATE = 730 * DAY;
/** Mandate used by the lifecycle helper and most tests. */
const MANDATE = 30 * DAY;

type Signer = Awaited<ReturnType<typeof ethers.getSigners>>[number];
type Registry = Consortium["caseRegistry"];
type Tx = Promise<ContractTransactionResponse>;

/** The shared consortium fixture (loadFixture(deployConsortium)), wrapped by {wrap}. */
async function world() {
  return wrap(await loadFixture(deployConsortium));
}

/**
 * A fresh deployment of the consortium, for the fixtures built on top of it. (Those fixtures do not nest
 * loadFixture(deployConsortium): in hardhat-network-helpers 3 a nested loadFixture makes the outer call
 * overwrite the inner call's snapshot list, and later fixture reverts fail.)
 */
async function freshWorld() {
  return wrap(await deployConsortium());
}

/** The consortium, with the case registry connected as each actor. */
function wrap(c: Consortium) {
  const { lender, lender2, agency, agency2, court, amc, stranger, spare1 } = c;
  const cr = c.caseRegistry;
  const mr = c.memberRegistry;
  const as = (s: Signer): Registry => cr.connect(s);
  return {
    cr,
    mr,
    ids: c.ids,
    lender,
    lender2,
    agency,
    agency2,
    court,
    amc,
    stranger,
    spare1,
    as,
    /** lender (creditor 1) */
    L: as(lender),
    /** lender2 (creditor 2) */
    L2: as(lender2),
    /** agency (member 3) */
    A: as(agency),
    /** agency2 (member 4) */
    A2: as(agency2),
  };
}
type World = ReturnType<typeof wrap>;

/** The debtor key that goes with a case key (synthetic). */
function debtorOf(caseKey: string): string {
  return ethers.solidityPackedKeccak256(["bytes32", "string"], [caseKey, "debtor"]);
}
const debtorsOf = (ks: readonly string[]) => ks.map(debtorOf);

interface State {
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

async function stateOf(w: World, caseKey: string): Promise<State> {
  return toState(await w.cr.caseOf(caseKey));
}

async function statesOf(w: World, ks: readonly string[]): Promise<State[]> {
  return (await w.cr.casesOf([...ks])).map(toState);
}

const NONE: State = { creditorId: 0, agencyId: 0, assignedAt: 0, until: 0, status: "None", expired: false };

/** Decoded args (deep, bigints) of every `name` event the transaction emitted, in log order. */
async function eventsOf(w: World, tx: Tx, name: string): Promise<unknown[][]> {
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
async function eventNames(w: World, tx: Tx): Promise<string[]> {
  const receipt = await (await tx).wait();
  const address = await w.cr.getAddress();
  return receipt!.logs.filter((l) => l.address === address).map((l) => w.cr.interface.parseLog(l)!.name);
}

const b = (n: number) => BigInt(n);

// ─────────────────────────────────────────── lifecycle helper ───────────────────────────────────────────

const STATES = [
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
type LifecycleState = (typeof STATES)[number];

/** What caseOf shows for a case brought into each state by {bringTo}. */
const STORED: Record<LifecycleState, { status: CaseStatusName; expired: boolean; agency: boolean }> = {
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
      await w.L.settle([caseKey]);
      break;
    case "Closed":
      await w.L.close([caseKey]);
      break;
  }
  return until;
}

interface CaseInState {
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
const STATE_FIXTURES = Object.fromEntries(
  STATES.map((s) => {
    const name = `case${s}`;
    const fixture = { [name]: () => caseIn(s) }[name]!;
    return [s, fixture];
  }),
) as Record<LifecycleState, () => Promise<CaseInState>>;

// ───────────────────────────────────────────── fixtures ─────────────────────────────────────────────

const REG = keys("registered", 3);
const ASG = keys("assigned", 3);

/** Three cases REG registered by lender; one case of lender2 (`other`). */
async function registeredCases() {
  const w = await freshWorld();
  await w.L.register(REG, debtorsOf(REG));
  const other = key("lender2-case");
  await w.L2.register([other], [debtorOf(other)]);
  return { w, other };
}

/** Three cases ASG registered and assigned by lender to agency until `until`, at `assignedAt`. */
async function assignedCases() {
  const w = await freshWorld();
  const until = (await now()) + MANDATE;
  await w.L.registerAndAssign(w.ids.agency, until, ASG, debtorsOf(ASG));
  const assignedAt = await now();
  return { w, until, assignedAt };
}

/** {assignedCases}, accepted by agency. */
async function acceptedCases() {
  const f = await assignedCases();
  await f.w.A.accept(ASG);
  return f;
}

// ─────────────────────────────────────────────── tests ───────────────────────────────────────────────

describe("CaseRegistry", () => {
  describe("constants and views", () => {
    it("MAX_BATCH is 500 and MAX_MANDATE is 730 days", async () => {
      const w = await world();
      expect(await w.cr.MAX_BATCH()).to.equal(b(MAX_BATCH));
      expect(await w.cr.MAX_MANDATE()).to.equal(b(MAX_MANDATE));
    });

    it("memberRegistry is the registry given to the constructor", async () => {
      const w = await world();
      expect(await w.cr.memberRegistry()).to.equal(await w.mr.getAddress());
    });

    it("caseOf an unknown key is all zero with status None", async () => {
      const w = await world();
      expect(await stateOf(w, key("never"))).to.deep.equal(NONE);
      expect(await stateOf(w, ZeroHash)).to.deep.equal(NONE);
    });

    it("casesOf returns the cases in the order asked, unknown ones as None", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await w.L.register([REG[0]!], [debtorOf(REG[0]!)]);
      const states = await statesOf(w, [ASG[1]!, key("never"), REG[0]!, ASG[0]!]);
      const assigned: State = {
        creditorId: 1,
        agencyId: 3,
        assignedAt,
        until,
        status: "Assigned",
        expired: false,
      };
      expect(states).to.deep.equal([
        assigned,
        NONE,
        { creditorId: 1, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false },
        assigned,
      ]);
    });

    it("casesOf of no key is empty", async () => {
      const w = await world();
      expect(await statesOf(w, [])).to.deep.equal([]);
    });

    it("isAssignedTo is false for agency id 0, an unknown case, another agency and a non-agency", async () => {
      const { w } = await loadFixture(assignedCases);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      expect(await w.cr.isAssignedTo(ASG[0]!, 0)).to.equal(false);
      expect(await w.cr.isAssignedTo(key("never"), w.ids.agency)).to.equal(false);
      expect(await w.cr.isAssignedTo(key("never"), 0)).to.equal(false);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency2)).to.equal(false);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.lender)).to.equal(false);
      expect(await w.cr.isAssignedTo(ASG[0]!, 99)).to.equal(false);
    });

    it("isAssignedTo is false for a registered case that never had an agency", async () => {
      const { w } = await loadFixture(registeredCases);
      expect(await w.cr.isAssignedTo(REG[0]!, 0)).to.equal(false);
      expect(await w.cr.isAssignedTo(REG[0]!, w.ids.agency)).to.equal(false);
    });
  });

  describe("register", () => {
    it("registers one case for the caller as creditor", async () => {
      const w = await world();
      const k = key("one");
      await expect(w.L.register([k], [debtorOf(k)]))
        .to.emit(w.cr, "CaseRegistered")
        .withArgs(k, debtorOf(k), w.ids.lender);
      expect(await stateOf(w, k)).to.deep.equal({
        creditorId: 1,
        agencyId: 0,
        assignedAt: 0,
        until: 0,
        status: "Registered",
        expired: false,
      });
      expect(await w.cr.isAssignedTo(k, w.ids.agency)).to.equal(false);
    });

    it("registers a batch with one CaseRegistered per case, in order, and no CasesAssigned", async () => {
      const w = await world();
      const ks = keys("batch", 4);
      const tx = w.L2.register(ks, debtorsOf(ks));
      await expect(tx).not.to.emit(w.cr, "CasesAssigned");
      expect(await eventsOf(w, tx, "CaseRegistered")).to.deep.equal(ks.map((k) => [k, debtorOf(k), 2n]));
      for (const s of await statesOf(w, ks)) {
        expect(s).to.deep.equal({ creditorId: 2, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false });
      }
    });

    it("a member with every role registers as creditor with its own id", async () => {
      const w = await world();
      const k = key("amc");
      await expect(w.as(w.amc).register([k], [debtorOf(k)]))
        .to.emit(w.cr, "CaseRegistered")
        .withArgs(k, debtorOf(k), w.ids.amc);
      expect((await stateOf(w, k)).creditorId).to.equal(6);
    });

    it("the same debtor may have several cases", async () => {
      const w = await world();
      const ks = keys("same-debtor", 2);
      const d = key("debtor-x");
      const tx = w.L.register(ks, [d, d]);
      expect(await eventsOf(w, tx, "CaseRegistered")).to.deep.equal([
        [ks[0], d, 1n],
        [ks[1], d, 1n],
      ]);
    });

    it("LengthMismatch when debtorKeys is shorter or longer than caseKeys", async () => {
      const w = await world();
      const ks = keys("lm", 2);
      await expect(w.L.register(ks, [debtorOf(ks[0]!)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryLengthMismatch")
        .withArgs(2, 1);
      await expect(w.L.register([ks[0]!], debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryLengthMismatch")
        .withArgs(1, 2);
      await expect(w.L.register(ks, []))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryLengthMismatch")
        .withArgs(2, 0);
      expect(await statesOf(w, ks)).to.deep.equal([NONE, NONE]);
    });

    it("ZeroKey for a zero caseKey or a zero debtorKey, at the item's index", async () => {
      const w = await world();
      const ks = keys("zk", 3);
      await expect(w.L.register([ks[0]!, ZeroHash, ks[2]!], debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryZeroKey")
        .withArgs(1);
      await expect(w.L.register(ks, [debtorOf(ks[0]!), debtorOf(ks[1]!), ZeroHash]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryZeroKey")
        .withArgs(2);
      await expect(w.L.register([ZeroHash], [ZeroHash]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryZeroKey")
        .withArgs(0);
      expect(await statesOf(w, ks)).to.deep.equal([NONE, NONE, NONE]);
    });

    it("AlreadyRegistered for the caller's own case and for another lender's case", async () => {
      const { w, other } = await loadFixture(registeredCases);
      const fresh = key("fresh");
      await expect(w.L.register([fresh, REG[1]!], debtorsOf([fresh, REG[1]!])))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(1, REG[1]);
      await expect(w.L.register([other], [debtorOf(other)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(0, other);
      expect((await stateOf(w, other)).creditorId).to.equal(2);
      expect(await stateOf(w, fresh)).to.deep.equal(NONE);
    });
  });

  describe("registerAndAssign", () => {
    it("registers and assigns: CaseRegistered per case, then one CasesAssigned with every key", async () => {
      const w = await world();
      const ks = keys("ra", 3);
      const until = (await now()) + MANDATE;
      const tx = w.L.registerAndAssign(w.ids.agency, until, ks, debtorsOf(ks));
      await expect(tx).to.emit(w.cr, "CasesAssigned").withArgs(w.ids.lender, w.ids.agency, until, ks);
      const assignedAt = await now();
      expect(await eventNames(w, tx)).to.deep.equal(["CaseRegistered", "CaseRegistered", "CaseRegistered", "CasesAssigned"]);
      expect(await eventsOf(w, tx, "CaseRegistered")).to.deep.equal(ks.map((k) => [k, debtorOf(k), 1n]));
      expect(await eventsOf(w, tx, "CasesAssigned")).to.deep.equal([[1n, 3n, b(until), ks]]);
      for (const s of await statesOf(w, ks)) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Assigned", expired: false });
      }
      for (const k of ks) {
        expect(await w.cr.isAssignedTo(k, w.ids.agency)).to.equal(true);
        expect(await w.cr.isAssignedTo(k, w.ids.agency2)).to.equal(false);
      }
    });

    it("until may be one second after the block time and at most block time + MAX_MANDATE", async () => {
      const w = await world();
      const t = (await now()) + 100;
      const [k0, k1] = keys("bounds", 2) as [string, string];
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, t + MAX_MANDATE, [k0], [debtorOf(k0)]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 3, t + MAX_MANDATE, [k0]);
      await time.setNextBlockTimestamp(t + 10);
      await expect(w.L.registerAndAssign(w.ids.agency, t + 11, [k1], [debtorOf(k1)]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 3, t + 11, [k1]);
      expect(await stateOf(w, k0)).to.deep.include({ assignedAt: t, until: t + MAX_MANDATE });
      expect(await stateOf(w, k1)).to.deep.include({ assignedAt: t + 10, until: t + 11 });
    });

    it("InvalidUntil for until in the past or beyond now + MAX_MANDATE, with the exact bounds", async () => {
      const w = await world();
      const k = key("iu");
      const t = (await now()) + 100;
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, t - 1, [k], [debtorOf(k)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t - 1, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, t + MAX_MANDATE + 1, [k], [debtorOf(k)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t + MAX_MANDATE + 1, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, 0, [k], [debtorOf(k)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(0, t + 1, t + MAX_MANDATE);
      expect(await stateOf(w, k)).to.deep.equal(NONE);
    });

    it("the agency must be an active AGENCY member", async () => {
      const w = await world();
      const k = key("ag");
      const until = (await now()) + MANDATE;
      const send = (agencyId: number) => w.L.registerAndAssign(agencyId, until, [k], [debtorOf(k)]);
      await expect(send(w.ids.lender2)).to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole").withArgs(2, Role.AGENCY);
      await expect(send(w.ids.court)).to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole").withArgs(5, Role.AGENCY);
      await expect(send(99)).to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember").withArgs(99);
      await expect(send(0)).to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember").withArgs(0);
      await w.mr.suspend(w.ids.agency);
      await expect(send(w.ids.agency))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(3, MemberStatus.Suspended);
      await w.mr.remove(w.ids.agency2);
      await expect(send(w.ids.agency2))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(4, MemberStatus.Removed);
      expect(await stateOf(w, k)).to.deep.equal(NONE);
    });

    it("a multi-role member may be the agency, even of its own cases", async () => {
      const w = await world();
      const until = (await now()) + MANDATE;
      const [k0, k1] = keys("amc-agency", 2) as [string, string];
      await expect(w.L.registerAndAssign(w.ids.amc, until, [k0], [debtorOf(k0)]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 6, until, [k0]);
      await expect(w.as(w.amc).registerAndAssign(w.ids.amc, until, [k1], [debtorOf(k1)]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(6, 6, until, [k1]);
      await expect(w.as(w.amc).accept([k0, k1])).to.emit(w.cr, "CaseAccepted").withArgs(k1, 6);
      expect(await w.cr.isAssignedTo(k0, w.ids.amc)).to.equal(true);
    });

    it("ZeroKey, LengthMismatch and AlreadyRegistered as for register", async () => {
      const { w } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      const ks = keys("ra-err", 2);
      await expect(w.L.registerAndAssign(w.ids.agency, until, ks, [debtorOf(ks[0]!)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryLengthMismatch")
        .withArgs(2, 1);
      await expect(w.L.registerAndAssign(w.ids.agency, until, [ks[0]!, ZeroHash], debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryZeroKey")
        .withArgs(1);
      await expect(w.L.registerAndAssign(w.ids.agency, until, [ks[0]!, REG[2]!], debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(1, REG[2]);
      expect(await statesOf(w, ks)).to.deep.equal([NONE, NONE]);
      expect((await stateOf(w, REG[2]!)).status).to.equal("Registered");
    });
  });

  describe("assign", () => {
    it("assigns registered cases: one CasesAssigned, state read back", async () => {
      const { w } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      await expect(w.L.assign(w.ids.agency2, until, REG))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(w.ids.lender, w.ids.agency2, until, REG);
      const assignedAt = await now();
      for (const s of await statesOf(w, REG)) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 4, assignedAt, until, status: "Assigned", expired: false });
      }
      expect(await w.cr.isAssignedTo(REG[0]!, w.ids.agency2)).to.equal(true);
    });

    it("assign emits no per-case event", async () => {
      const { w } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      expect(await eventNames(w, w.L.assign(w.ids.agency, until, REG))).to.deep.equal(["CasesAssigned"]);
    });

    it("a returned case goes to another agency; the former agency no longer reaches it", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await w.A.returnCases([ASG[0]!]);
      const until2 = until + DAY;
      await expect(w.L.assign(w.ids.agency2, until2, [ASG[0]!]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 4, until2, [ASG[0]]);
      const assignedAt = await now();
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 1,
        agencyId: 4,
        assignedAt,
        until: until2,
        status: "Assigned",
        expired: false,
      });
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 3);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A2.accept([ASG[0]!])).to.emit(w.cr, "CaseAccepted").withArgs(ASG[0], 4);
    });

    it("InvalidUntil with exact bounds; both bounds themselves are allowed", async () => {
      const { w } = await loadFixture(registeredCases);
      const t = (await now()) + 100;
      await time.setNextBlockTimestamp(t);
      await expect(w.L.assign(w.ids.agency, t - 1, [REG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t - 1, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.assign(w.ids.agency, t + MAX_MANDATE + 1, [REG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t + MAX_MANDATE + 1, t + 1, t + MAX_MANDATE);
      expect((await stateOf(w, REG[0]!)).status).to.equal("Registered");
      await time.setNextBlockTimestamp(t);
      await expect(w.L.assign(w.ids.agency, t + MAX_MANDATE, [REG[0]!])).to.emit(w.cr, "CasesAssigned");
      await time.setNextBlockTimestamp(t + 1);
      await expect(w.L.assign(w.ids.agency, t + 1, [REG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t + 1, t + 2, t + 1 + MAX_MANDATE);
      await time.setNextBlockTimestamp(t + 2);
      await expect(w.L.assign(w.ids.agency, t + 3, [REG[1]!])).to.emit(w.cr, "CasesAssigned");
    });

    it("the agency must be an active AGENCY member", async () => {
      const { w } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      await expect(w.L.assign(w.ids.lender, until, REG))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
        .withArgs(1, Role.AGENCY);
      await expect(w.L.assign(42, until, REG)).to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember").withArgs(42);
      await w.mr.suspend(w.ids.agency2);
      await expect(w.L.assign(w.ids.agency2, until, REG))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(4, MemberStatus.Suspended);
    });

    it("UnknownCase and NotCreditor point at the item", async () => {
      const { w, other } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      const unknown = key("unknown");
      await expect(w.L.assign(w.ids.agency, until, [REG[0]!, unknown]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUnknownCase")
        .withArgs(1, unknown);
      await expect(w.L.assign(w.ids.agency, until, [REG[0]!, REG[1]!, other]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(2, other, 1);
    });

    it("MandateActive: an active assignment is exclusive, even for the same agency", async () => {
      const { w, until } = await loadFixture(assignedCases);
      const until2 = until + DAY;
      await expect(w.L.assign(w.ids.agency2, until2, [ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[0], 3, until);
      await expect(w.L.assign(w.ids.agency, until2, [ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[1], 3, until);
    });
  });

  describe("accept", () => {
    it("the agency accepts its cases: CaseAccepted per case, other fields kept", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      const tx = w.A.accept(ASG);
      await expect(tx).to.emit(w.cr, "CaseAccepted").withArgs(ASG[0], w.ids.agency);
      expect(await eventsOf(w, tx, "CaseAccepted")).to.deep.equal(ASG.map((k) => [k, 3n]));
      for (const s of await statesOf(w, ASG)) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Accepted", expired: false });
      }
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
    });

    it("accept at `until` exactly succeeds; one second later MandateExpired", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await time.setNextBlockTimestamp(until);
      await expect(w.A.accept([ASG[0]!])).to.emit(w.cr, "CaseAccepted").withArgs(ASG[0], 3);
      await expect(w.A.accept([ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[1], until);
    });

    it("NotAgency for another agency and for a case without an agency; UnknownCase", async () => {
      const { w } = await loadFixture(assignedCases);
      await expect(w.A2.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 4);
      const reg = key("reg-only");
      await w.L.register([reg], [debtorOf(reg)]);
      await expect(w.A.accept([ASG[0]!, reg]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(1, reg, 3);
      const unknown = key("unknown");
      await expect(w.A.accept([ASG[0]!, ASG[1]!, unknown]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUnknownCase")
        .withArgs(2, unknown);
      expect((await stateOf(w, ASG[0]!)).status).to.equal("Assigned");
    });

    it("InvalidTransition when already accepted", async () => {
      const { w } = await loadFixture(acceptedCases);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, ASG[0], CaseStatus.Accepted);
    });
  });

  describe("returnCases", () => {
    it("returns accepted cases: CaseReturned per case; the agency no longer holds them", async () => {
      const { w, until, assignedAt } = await loadFixture(acceptedCases);
      const tx = w.A.returnCases(ASG);
      await expect(tx).to.emit(w.cr, "CaseReturned").withArgs(ASG[2], w.ids.agency);
      expect(await eventsOf(w, tx, "CaseReturned")).to.deep.equal(ASG.map((k) => [k, 3n]));
      for (const s of await statesOf(w, ASG)) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Returned", expired: false });
      }
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
    });

    it("returns a case that was assigned but never accepted", async () => {
      const { w } = await loadFixture(assignedCases);
      await expect(w.A.returnCases([ASG[0]!])).to.emit(w.cr, "CaseReturned").withArgs(ASG[0], 3);
      expect((await stateOf(w, ASG[0]!)).status).to.equal("Returned");
    });

    it("return at `until` exactly succeeds; one second later MandateExpired", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await time.setNextBlockTimestamp(until);
      await expect(w.A.returnCases([ASG[0]!])).to.emit(w.cr, "CaseReturned").withArgs(ASG[0], 3);
      await expect(w.A.returnCases([ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[1], until);
    });

    it("NotAgency for another agency; InvalidTransition when already returned", async () => {
      const { w } = await loadFixture(acceptedCases);
      await expect(w.A2.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 4);
      await w.A.returnCases([ASG[0]!]);
      await expect(w.A.returnCases([ASG[1]!, ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(1, ASG[0], CaseStatus.Returned);
      expect((await stateOf(w, ASG[1]!)).status).to.equal("Accepted");
    });
  });

  describe("recall", () => {
    it("recalls assigned and accepted cases: CaseRecalled with the agency; fields kept", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await w.A.accept([ASG[1]!]);
      const tx = w.L.recall([ASG[0]!, ASG[1]!]);
      await expect(tx).to.emit(w.cr, "CaseRecalled").withArgs(ASG[0], w.ids.agency);
      expect(await eventsOf(w, tx, "CaseRecalled")).to.deep.equal([
        [ASG[0], 3n],
        [ASG[1], 3n],
      ]);
      for (const s of await statesOf(w, [ASG[0]!, ASG[1]!])) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Recalled", expired: false });
      }
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      // The agency can do nothing more with it.
      await expect(w.A.returnCases([ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, ASG[1], CaseStatus.Recalled);
    });

    it("recalls an expired assignment to make the end explicit", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await time.increaseTo(until + 1);
      await expect(w.L.recall([ASG[0]!])).to.emit(w.cr, "CaseRecalled").withArgs(ASG[0], 3);
      expect(await stateOf(w, ASG[0]!)).to.deep.include({ status: "Recalled", expired: false, until });
    });

    it("InvalidTransition for a case never assigned; NotCreditor for another lender", async () => {
      const { w, other } = await loadFixture(registeredCases);
      await expect(w.L.recall([REG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, REG[0], CaseStatus.Registered);
      await expect(w.L.recall([other]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, other, 1);
    });
  });

  describe("extend", () => {
    it("extends unexpired mandates: CaseMandateExtended with previous and new until; assignedAt kept", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await w.A.accept([ASG[1]!]);
      const until2 = until + 10 * DAY;
      const tx = w.L.extend([ASG[0]!, ASG[1]!], until2);
      await expect(tx).to.emit(w.cr, "CaseMandateExtended").withArgs(ASG[0], w.ids.agency, until, until2);
      expect(await eventsOf(w, tx, "CaseMandateExtended")).to.deep.equal([
        [ASG[0], 3n, b(until), b(until2)],
        [ASG[1], 3n, b(until), b(until2)],
      ]);
      expect(await statesOf(w, [ASG[0]!, ASG[1]!])).to.deep.equal([
        { creditorId: 1, agencyId: 3, assignedAt, until: until2, status: "Assigned", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until: until2, status: "Accepted", expired: false },
      ]);
      await time.increaseTo(until + 1);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      expect(await w.cr.isAssignedTo(ASG[2]!, w.ids.agency)).to.equal(false);
    });

    it("each case reports its own previous until", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await w.L.extend([ASG[1]!], until + DAY);
      const until3 = until + 2 * DAY;
      const tx = w.L.extend([ASG[0]!, ASG[1]!], until3);
      expect(await eventsOf(w, tx, "CaseMandateExtended")).to.deep.equal([
        [ASG[0], 3n, b(until), b(until3)],
        [ASG[1], 3n, b(until + DAY), b(until3)],
      ]);
    });

    it("UntilNotLater for the same or an earlier until", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await expect(w.L.extend([ASG[0]!], until))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUntilNotLater")
        .withArgs(0, ASG[0], until, until);
      await w.L.extend([ASG[1]!], until + DAY);
      await expect(w.L.extend([ASG[0]!, ASG[1]!], until + 1))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUntilNotLater")
        .withArgs(1, ASG[1], until + DAY, until + 1);
      expect((await stateOf(w, ASG[0]!)).until).to.equal(until);
    });

    it("InvalidUntil for an until in the past or beyond now + MAX_MANDATE", async () => {
      const { w, until } = await loadFixture(assignedCases);
      const t = (await now()) + 100;
      await time.setNextBlockTimestamp(t);
      await expect(w.L.extend([ASG[0]!], t - 1))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t - 1, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.extend([ASG[0]!], t + MAX_MANDATE + 1))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t + MAX_MANDATE + 1, t + 1, t + MAX_MANDATE);
      const { assignedAt } = await stateOf(w, ASG[0]!);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.extend([ASG[0]!], t + MAX_MANDATE))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateTooLong")
        .withArgs(0, ASG[0], assignedAt, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t + 1);
      await expect(w.L.extend([ASG[0]!], assignedAt + MAX_MANDATE))
        .to.emit(w.cr, "CaseMandateExtended")
        .withArgs(ASG[0], 3, until, assignedAt + MAX_MANDATE);
    });

    it("extend at `until` exactly succeeds; one second later MandateExpired", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await time.setNextBlockTimestamp(until);
      await expect(w.L.extend([ASG[0]!], until + DAY))
        .to.emit(w.cr, "CaseMandateExtended")
        .withArgs(ASG[0], 3, until, until + DAY);
      await expect(w.L.extend([ASG[0]!, ASG[1]!], until + 2 * DAY))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(1, ASG[1], until);
    });

    it("InvalidTransition for a case that is not assigned; NotCreditor for another lender", async () => {
      const { w, other } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      await expect(w.L.extend([REG[0]!], until))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, REG[0], CaseStatus.Registered);
      await expect(w.L.extend([other], until))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, other, 1);
    });
  });

  describe("settle", () => {
    it("settles registered, assigned and accepted cases: CaseSettled with the creditor", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await w.A.accept([ASG[1]!]);
      const reg = key("settle-reg");
      await w.L.register([reg], [debtorOf(reg)]);
      const tx = w.L.settle([reg, ASG[0]!, ASG[1]!]);
      await expect(tx).to.emit(w.cr, "CaseSettled").withArgs(reg, w.ids.lender);
      expect(await eventsOf(w, tx, "CaseSettled")).to.deep.equal([
        [reg, 1n],
        [ASG[0], 1n],
        [ASG[1], 1n],
      ]);
      expect(await statesOf(w, [reg, ASG[0]!, ASG[1]!])).to.deep.equal([
        { creditorId: 1, agencyId: 0, assignedAt: 0, until: 0, status: "Settled", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until, status: "Settled", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until, status: "Settled", expired: false },
      ]);
    });

    it("settling ends a held mandate: the agency no longer holds, accepts or returns the case", async () => {
      const { w } = await loadFixture(assignedCases);
      await w.L.settle([ASG[0]!]);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, ASG[0], CaseStatus.Settled);
      await expect(w.A.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, ASG[0], CaseStatus.Settled);
    });

    it("a settled case stays unexpired forever (expiry applies to Assigned/Accepted only)", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await w.L.settle([ASG[0]!]);
      await time.increaseTo(until + 365 * DAY);
      expect((await stateOf(w, ASG[0]!)).expired).to.equal(false);
      expect((await stateOf(w, ASG[1]!)).expired).to.equal(true);
    });

    it("NotCreditor for another lender; UnknownCase", async () => {
      const { w, other } = await loadFixture(registeredCases);
      await expect(w.L.settle([REG[0]!, other]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(1, other, 1);
      const unknown = key("unknown");
      await expect(w.L.settle([unknown]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUnknownCase")
        .withArgs(0, unknown);
      expect((await stateOf(w, REG[0]!)).status).to.equal("Registered");
    });
  });

  describe("close", () => {
    it("closes cases in any status: CaseClosed with the creditor; other fields kept", async () => {
      const { w, until, assignedAt } = await loadFixture(acceptedCases);
      const reg = key("close-reg");
      await w.L.register([reg], [debtorOf(reg)]);
      await w.L.settle([ASG[1]!]);
      const tx = w.L.close([reg, ASG[0]!, ASG[1]!]);
      await expect(tx).to.emit(w.cr, "CaseClosed").withArgs(ASG[0], w.ids.lender);
      expect(await eventsOf(w, tx, "CaseClosed")).to.deep.equal([
        [reg, 1n],
        [ASG[0], 1n],
        [ASG[1], 1n],
      ]);
      expect(await statesOf(w, [reg, ASG[0]!, ASG[1]!])).to.deep.equal([
        { creditorId: 1, agencyId: 0, assignedAt: 0, until: 0, status: "Closed", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until, status: "Closed", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until, status: "Closed", expired: false },
      ]);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
    });

    it("Closed is terminal; a closed key cannot be registered again", async () => {
      const { w } = await loadFixture(registeredCases);
      await w.L.close([REG[0]!]);
      await expect(w.L.close([REG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, REG[0], CaseStatus.Closed);
      await expect(w.L.register([REG[0]!], [debtorOf(REG[0]!)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(0, REG[0]);
    });

    it("NotCreditor for another lender", async () => {
      const { w, other } = await loadFixture(registeredCases);
      await expect(w.L.close([other]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, other, 1);
    });
  });

  describe("transferCreditor", () => {
    it("transfers registered cases: CaseCreditorTransferred; the case arrives as Registered", async () => {
      const { w } = await loadFixture(registeredCases);
      const tx = w.L.transferCreditor(REG, w.ids.lender2);
      await expect(tx).to.emit(w.cr, "CaseCreditorTransferred").withArgs(REG[0], w.ids.lender, w.ids.lender2);
      expect(await eventsOf(w, tx, "CaseCreditorTransferred")).to.deep.equal(REG.map((k) => [k, 1n, 2n]));
      for (const s of await statesOf(w, REG)) {
        expect(s).to.deep.equal({ creditorId: 2, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false });
      }
    });

    it("a returned case loses its former agency and mandate on transfer", async () => {
      const { w } = await loadFixture(acceptedCases);
      await w.A.returnCases([ASG[0]!]);
      await expect(w.L.transferCreditor([ASG[0]!], w.ids.amc))
        .to.emit(w.cr, "CaseCreditorTransferred")
        .withArgs(ASG[0], 1, 6);
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 6,
        agencyId: 0,
        assignedAt: 0,
        until: 0,
        status: "Registered",
        expired: false,
      });
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 3);
    });

    it("SameCreditor for a transfer to oneself", async () => {
      const { w } = await loadFixture(registeredCases);
      await expect(w.L.transferCreditor(REG, w.ids.lender))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistrySameCreditor")
        .withArgs(1);
    });

    it("the new creditor must be an active LENDER member", async () => {
      const { w } = await loadFixture(registeredCases);
      await expect(w.L.transferCreditor(REG, w.ids.agency))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
        .withArgs(3, Role.LENDER);
      await expect(w.L.transferCreditor(REG, w.ids.court))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
        .withArgs(5, Role.LENDER);
      await expect(w.L.transferCreditor(REG, 99))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember")
        .withArgs(99);
      await expect(w.L.transferCreditor(REG, 0))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember")
        .withArgs(0);
      await w.mr.suspend(w.ids.lender2);
      await expect(w.L.transferCreditor(REG, w.ids.lender2))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(2, MemberStatus.Suspended);
      for (const s of await statesOf(w, REG)) expect(s.creditorId).to.equal(1);
    });

    it("MandateActive while an assignment runs; after expiry the transfer goes through", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await expect(w.L.transferCreditor([ASG[0]!], w.ids.lender2))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[0], 3, until);
      await time.increaseTo(until + 1);
      await expect(w.L.transferCreditor([ASG[0]!], w.ids.lender2))
        .to.emit(w.cr, "CaseCreditorTransferred")
        .withArgs(ASG[0], 1, 2);
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 2,
        agencyId: 0,
        assignedAt: 0,
        until: 0,
        status: "Registered",
        expired: false,
      });
    });

    it("InvalidTransition for settled and closed cases; NotCreditor for another lender's case", async () => {
      const { w, other } = await loadFixture(registeredCases);
      await w.L.settle([REG[0]!]);
      await w.L.close([REG[1]!]);
      await expect(w.L.transferCreditor([REG[2]!, REG[0]!], w.ids.lender2))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(1, REG[0], CaseStatus.Settled);
      await expect(w.L.transferCreditor([REG[1]!], w.ids.lender2))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, REG[1], CaseStatus.Closed);
      await expect(w.L.transferCreditor([other], w.ids.amc))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, other, 1);
      expect((await stateOf(w, REG[2]!)).creditorId).to.equal(1);
    });
  });

  // ──────────────────────────────────────── lifecycle table ────────────────────────────────────────

  describe("lifecycle table (every state × every transition)", () => {
    type Transition =
      | "register"
      | "assign"
      | "accept"
      | "return"
      | "recall"
      | "extend"
      | "settle"
      | "close"
      | "transferCreditor";
    const TRANSITIONS: readonly Transition[] = [
      "register",
      "assign",
      "accept",
      "return",
      "recall",
      "extend",
      "settle",
      "close",
      "transferCreditor",
    ];
    type Failure =
      | "UnknownCase"
      | "AlreadyRegistered"
      | "NotAgency"
      | "MandateActive"
      | "MandateExpired"
      | `InvalidTransition(${CaseStatusName})`;
    /** A CaseStatus name: the transition succeeds and the case has that status; otherwise the error. */
    type Outcome = CaseStatusName | Failure;

    /*
     * Actors: creditor functions are called by `lender` (the creditor), agency functions by `agency` (the
     * case's agency in every state that has one). assign targets agency2 until now + 10 days, extend goes to
     * now + 60 days (later than the 30-day mandate), transferCreditor goes to lender2.
     */
    const LIFECYCLE: Record<LifecycleState, Record<Transition, Outcome>> = {
      None: {
        register: "Registered",
        assign: "UnknownCase",
        accept: "UnknownCase",
        return: "UnknownCase",
        recall: "UnknownCase",
        extend: "UnknownCase",
        settle: "UnknownCase",
        close: "UnknownCase",
        transferCreditor: "UnknownCase",
      },
      Registered: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "NotAgency",
        return: "NotAgency",
        recall: "InvalidTransition(Registered)",
        extend: "InvalidTransition(Registered)",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
      Assigned: {
        register: "AlreadyRegistered",
        assign: "MandateActive",
        accept: "Accepted",
        return: "Returned",
        recall: "Recalled",
        extend: "Assigned",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "MandateActive",
      },
      Accepted: {
        register: "AlreadyRegistered",
        assign: "MandateActive",
        accept: "InvalidTransition(Accepted)",
        return: "Returned",
        recall: "Recalled",
        extend: "Accepted",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "MandateActive",
      },
      Returned: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "InvalidTransition(Returned)",
        return: "InvalidTransition(Returned)",
        recall: "InvalidTransition(Returned)",
        extend: "InvalidTransition(Returned)",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
      Recalled: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "InvalidTransition(Recalled)",
        return: "InvalidTransition(Recalled)",
        recall: "InvalidTransition(Recalled)",
        extend: "InvalidTransition(Recalled)",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
      Settled: {
        register: "AlreadyRegistered",
        assign: "InvalidTransition(Settled)",
        accept: "InvalidTransition(Settled)",
        return: "InvalidTransition(Settled)",
        recall: "InvalidTransition(Settled)",
        extend: "InvalidTransition(Settled)",
        settle: "InvalidTransition(Settled)",
        close: "Closed",
        transferCreditor: "InvalidTransition(Settled)",
      },
      Closed: {
        register: "AlreadyRegistered",
        assign: "InvalidTransition(Closed)",
        accept: "InvalidTransition(Closed)",
        return: "InvalidTransition(Closed)",
        recall: "InvalidTransition(Closed)",
        extend: "InvalidTransition(Closed)",
        settle: "InvalidTransition(Closed)",
        close: "InvalidTransition(Closed)",
        transferCreditor: "InvalidTransition(Closed)",
      },
      AssignedExpired: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "MandateExpired",
        return: "MandateExpired",
        recall: "Recalled",
        extend: "MandateExpired",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
      AcceptedExpired: {
        register: "AlreadyRegistered",
        assign: "Assigned",
        accept: "InvalidTransition(Accepted)",
        return: "MandateExpired",
        recall: "Recalled",
        extend: "MandateExpired",
        settle: "Settled",
        close: "Closed",
        transferCreditor: "Registered",
      },
    };

    interface Sent {
      tx: Tx;
      /** The `until` the transition asked for (assign, extend). */
      newUntil: number;
    }
    interface TransitionSpec {
      send(c: CaseInState): Promise<Sent>;
      /** The event and its args on success. */
      event(c: CaseInState, before: State, sent: Sent): [string, unknown[]];
      /** caseOf after success; `at` is the block time of the transaction. */
      after(c: CaseInState, before: State, sent: Sent, at: number): State;
    }
    const settled = (before: State, status: CaseStatusName): State => ({ ...before, status, expired: false });
    const SPEC: Record<Transition, TransitionSpec> = {
      register: {
        send: async (c) => ({ tx: c.w.L.register([c.k], [debtorOf(c.k)]), newUntil: 0 }),
        event: (c) => ["CaseRegistered", [c.k, debtorOf(c.k), c.w.ids.lender]],
        after: () => ({ creditorId: 1, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false }),
      },
      assign: {
        send: async (c) => {
          const newUntil = (await now()) + 10 * DAY;
          return { tx: c.w.L.assign(c.w.ids.agency2, newUntil, [c.k]), newUntil };
        },
        event: (c, _b, s) => ["CasesAssigned", [c.w.ids.lender, c.w.ids.agency2, s.newUntil, [c.k]]],
        after: (_c, _b, s, at) => ({
          creditorId: 1,
          agencyId: 4,
          assignedAt: at,
          until: s.newUntil,
          status: "Assigned",
          expired: false,
        }),
      },
      accept: {
        send: async (c) => ({ tx: c.w.A.accept([c.k]), newUntil: 0 }),
        event: (c) => ["CaseAccepted", [c.k, c.w.ids.agency]],
        after: (_c, before) => settled(before, "Accepted"),
      },
      return: {
        send: async (c) => ({ tx: c.w.A.returnCases([c.k]), newUntil: 0 }),
        event: (c) => ["CaseReturned", [c.k, c.w.ids.agency]],
        after: (_c, before) => settled(before, "Returned"),
      },
      recall: {
        send: async (c) => ({ tx: c.w.L.recall([c.k]), newUntil: 0 }),
        event: (c) => ["CaseRecalled", [c.k, c.w.ids.agency]],
        after: (_c, before) => settled(before, "Recalled"),
      },
      extend: {
        send: async (c) => {
          const newUntil = (await now()) + 60 * DAY;
          return { tx: c.w.L.extend([c.k], newUntil), newUntil };
        },
        event: (c, _b, s) => ["CaseMandateExtended", [c.k, c.w.ids.agency, c.until, s.newUntil]],
        after: (_c, before, s) => ({ ...before, until: s.newUntil, expired: false }),
      },
      settle: {
        send: async (c) => ({ tx: c.w.L.settle([c.k]), newUntil: 0 }),
        event: (c) => ["CaseSettled", [c.k, c.w.ids.lender]],
        after: (_c, before) => settled(before, "Settled"),
      },
      close: {
        send: async (c) => ({ tx: c.w.L.close([c.k]), newUntil: 0 }),
        event: (c) => ["CaseClosed", [c.k, c.w.ids.lender]],
        after: (_c, before) => settled(before, "Closed"),
      },
      transferCreditor: {
        send: async (c) => ({ tx: c.w.L.transferCreditor([c.k], c.w.ids.lender2), newUntil: 0 }),
        event: (c) => ["CaseCreditorTransferred", [c.k, c.w.ids.lender, c.w.ids.lender2]],
        after: () => ({ creditorId: 2, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false }),
      },
    };

    /** The custom error name and its exact args for a failing cell. */
    function failure(c: CaseInState, f: Failure): [string, unknown[]] {
      const invalid = /^InvalidTransition\((\w+)\)$/.exec(f);
      if (invalid) return ["CaseRegistryInvalidTransition", [0, c.k, CaseStatus[invalid[1] as CaseStatusName]]];
      switch (f) {
        case "UnknownCase":
        case "AlreadyRegistered":
          return [`CaseRegistry${f}`, [0, c.k]];
        case "NotAgency":
          return ["CaseRegistryNotAgency", [0, c.k, c.w.ids.agency]];
        case "MandateActive":
          return ["CaseRegistryMandateActive", [0, c.k, c.w.ids.agency, c.until]];
        case "MandateExpired":
          return ["CaseRegistryMandateExpired", [0, c.k, c.until]];
      }
      throw new Error(`unhandled ${f}`);
    }
    const isStatus = (o: Outcome): o is CaseStatusName => o in CaseStatus;

    describe("the helper brings a fresh case into each state", () => {
      for (const state of STATES) {
        it(state, async () => {
          const c = await loadFixture(STATE_FIXTURES[state]);
          const s = await stateOf(c.w, c.k);
          expect(s.status).to.equal(STORED[state].status);
          expect(s.expired).to.equal(STORED[state].expired);
          expect(s.agencyId).to.equal(STORED[state].agency ? c.w.ids.agency : 0);
          expect(s.until).to.equal(c.until);
          expect(s.creditorId).to.equal(state === "None" ? 0 : 1);
          expect(await c.w.cr.isAssignedTo(c.k, c.w.ids.agency)).to.equal(
            state === "Assigned" || state === "Accepted",
          );
        });
      }
    });

    for (const state of STATES) {
      describe(`from ${state}`, () => {
        for (const transition of TRANSITIONS) {
          const outcome = LIFECYCLE[state][transition];
          it(`${transition} → ${outcome}`, async () => {
            const c = await loadFixture(STATE_FIXTURES[state]);
            const before = await stateOf(c.w, c.k);
            const spec = SPEC[transition];
            const sent = await spec.send(c);
            if (isStatus(outcome)) {
              const [event, args] = spec.event(c, before, sent);
              await expect(sent.tx)
                .to.emit(c.w.cr, event)
                .withArgs(...args);
              const after = await stateOf(c.w, c.k);
              expect(after.status).to.equal(outcome);
              expect(after).to.deep.equal(spec.after(c, before, sent, await now()));
            } else {
              const [error, args] = failure(c, outcome);
              await expect(sent.tx)
                .to.be.revertedWithCustomError(c.w.cr, error)
                .withArgs(...args);
              expect(await stateOf(c.w, c.k)).to.deep.equal(before);
            }
          });
        }
      });
    }
  });

  // ──────────────────────────────────────────── who may act ────────────────────────────────────────────

  describe("who may act", () => {
    type CreditorFn = "register" | "registerAndAssign" | "assign" | "recall" | "extend" | "settle" | "close" | "transferCreditor";
    type AgencyFn = "accept" | "returnCases";
    const creditorCalls: Record<CreditorFn, (w: World, r: Registry, until: number) => Tx> = {
      register: (_w, r) => r.register([ASG[0]!], [debtorOf(ASG[0]!)]),
      registerAndAssign: (w, r, until) => r.registerAndAssign(w.ids.agency, until, [key("ra-new")], [debtorOf(key("ra-new"))]),
      assign: (w, r, until) => r.assign(w.ids.agency2, until, [ASG[0]!]),
      recall: (_w, r) => r.recall([ASG[0]!]),
      extend: (_w, r, until) => r.extend([ASG[0]!], until),
      settle: (_w, r) => r.settle([ASG[0]!]),
      close: (_w, r) => r.close([ASG[0]!]),
      transferCreditor: (w, r) => r.transferCreditor([ASG[0]!], w.ids.amc),
    };
    const agencyCalls: Record<AgencyFn, (r: Registry) => Tx> = {
      accept: (r) => r.accept([ASG[0]!]),
      returnCases: (r) => r.returnCases([ASG[0]!]),
    };

    describe("callers without the LENDER role cannot call creditor functions", () => {
      for (const fn of Object.keys(creditorCalls) as CreditorFn[]) {
        it(`${fn}: court and agency get MissingRole, a stranger UnknownSigner`, async () => {
          const { w, until } = await loadFixture(assignedCases);
          const call = creditorCalls[fn];
          const u = until + DAY;
          await expect(call(w, w.as(w.court), u))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
            .withArgs(w.ids.court, Role.LENDER);
          await expect(call(w, w.A, u))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
            .withArgs(w.ids.agency, Role.LENDER);
          await expect(call(w, w.as(w.stranger), u))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownSigner")
            .withArgs(w.stranger.address);
        });
      }
    });

    describe("callers without the AGENCY role cannot call agency functions", () => {
      for (const fn of Object.keys(agencyCalls) as AgencyFn[]) {
        it(`${fn}: lender and court get MissingRole, a stranger UnknownSigner`, async () => {
          const { w } = await loadFixture(assignedCases);
          const call = agencyCalls[fn];
          await expect(call(w.L))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
            .withArgs(w.ids.lender, Role.AGENCY);
          await expect(call(w.as(w.court)))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
            .withArgs(w.ids.court, Role.AGENCY);
          await expect(call(w.as(w.stranger)))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownSigner")
            .withArgs(w.stranger.address);
        });
      }
    });

    describe("only the creditor: another lender gets NotCreditor with its member id", () => {
      for (const fn of ["assign", "recall", "extend", "settle", "close", "transferCreditor"] as const) {
        it(fn, async () => {
          const { w, until } = await loadFixture(assignedCases);
          const before = await stateOf(w, ASG[0]!);
          await expect(creditorCalls[fn](w, w.L2, until + DAY))
            .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
            .withArgs(0, ASG[0], w.ids.lender2);
          expect(await stateOf(w, ASG[0]!)).to.deep.equal(before);
        });
      }
    });

    describe("only the holding agency: the other agency gets NotAgency with its member id", () => {
      for (const fn of ["accept", "returnCases"] as const) {
        it(fn, async () => {
          const { w } = await loadFixture(assignedCases);
          await expect(agencyCalls[fn](w.A2))
            .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
            .withArgs(0, ASG[0], w.ids.agency2);
          // The holding agency can.
          await expect(agencyCalls[fn](w.A)).to.emit(w.cr, fn === "accept" ? "CaseAccepted" : "CaseReturned");
        });
      }
    });

    it("an active assignment is exclusive: MandateActive for any other agency, nothing for it", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await expect(w.L.assign(w.ids.agency2, until + DAY, [ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[0], w.ids.agency, until);
      await expect(w.L.assign(w.ids.amc, until + DAY, [ASG[1]!, ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[1], w.ids.agency, until);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency2)).to.equal(false);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
    });

    it("after transferCreditor the new creditor acts and the old one gets NotCreditor", async () => {
      const { w } = await loadFixture(registeredCases);
      const k = REG[0]!;
      await w.L.transferCreditor([k], w.ids.lender2);
      const until = (await now()) + MANDATE;
      await expect(w.L.assign(w.ids.agency, until, [k]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, k, w.ids.lender);
      await expect(w.L2.assign(w.ids.agency, until, [k])).to.emit(w.cr, "CasesAssigned").withArgs(2, 3, until, [k]);
      await expect(w.L.extend([k], until + DAY))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, k, w.ids.lender);
      await expect(w.L2.extend([k], until + DAY)).to.emit(w.cr, "CaseMandateExtended").withArgs(k, 3, until, until + DAY);
      await expect(w.L.recall([k])).to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor").withArgs(0, k, w.ids.lender);
      await expect(w.L2.recall([k])).to.emit(w.cr, "CaseRecalled").withArgs(k, 3);
      await expect(w.L.settle([k])).to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor").withArgs(0, k, w.ids.lender);
      await expect(w.L.transferCreditor([k], w.ids.amc))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, k, w.ids.lender);
      await expect(w.L2.settle([k])).to.emit(w.cr, "CaseSettled").withArgs(k, 2);
      await expect(w.L.close([k])).to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor").withArgs(0, k, w.ids.lender);
      await expect(w.L2.close([k])).to.emit(w.cr, "CaseClosed").withArgs(k, 2);
    });

    it("a transferred case can be transferred on, and back to the first creditor", async () => {
      const { w } = await loadFixture(registeredCases);
      const k = REG[0]!;
      await w.L.transferCreditor([k], w.ids.amc);
      await expect(w.as(w.amc).transferCreditor([k], w.ids.lender)).to.emit(w.cr, "CaseCreditorTransferred").withArgs(k, 6, 1);
      expect((await stateOf(w, k)).creditorId).to.equal(1);
    });

    it("a suspended lender can do nothing until reinstated; a removed one never again", async () => {
      const { w } = await loadFixture(registeredCases);
      await w.mr.suspend(w.ids.lender);
      await expect(w.L.settle([REG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.lender, MemberStatus.Suspended);
      await expect(w.L.register([key("s")], [debtorOf(key("s"))]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.lender, MemberStatus.Suspended);
      await w.mr.reinstate(w.ids.lender);
      await expect(w.L.settle([REG[0]!])).to.emit(w.cr, "CaseSettled").withArgs(REG[0], 1);
      await w.mr.remove(w.ids.lender);
      await expect(w.L.close([REG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.lender, MemberStatus.Removed);
    });

    it("a suspended agency holds nothing and can do nothing; reinstated within the window, it holds again", async () => {
      const { w } = await loadFixture(assignedCases);
      await w.mr.suspend(w.ids.agency);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.agency, MemberStatus.Suspended);
      await w.mr.reinstate(w.ids.agency);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      await w.mr.remove(w.ids.agency);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.agency, MemberStatus.Removed);
    });

    it("an agency that lost the AGENCY role holds nothing", async () => {
      const { w } = await loadFixture(assignedCases);
      await w.mr.setRoles(w.ids.agency, Role.COURT);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
        .withArgs(w.ids.agency, Role.AGENCY);
    });

    it("the case of a suspended agency stays blocked for other agencies until recalled (MandateActive)", async () => {
      // Documented as is: the creditor recalls to move it, although isAssignedTo is already false.
      const { w, until } = await loadFixture(assignedCases);
      await w.mr.suspend(w.ids.agency);
      await expect(w.L.assign(w.ids.agency2, until, [ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[0], w.ids.agency, until);
      await expect(w.L.recall([ASG[0]!])).to.emit(w.cr, "CaseRecalled").withArgs(ASG[0], w.ids.agency);
      await expect(w.L.assign(w.ids.agency2, until, [ASG[0]!])).to.emit(w.cr, "CasesAssigned").withArgs(1, 4, until, [ASG[0]]);
    });

    it("after a signer rotation the old key is RetiredSigner and the new key acts for the member", async () => {
      const { w } = await loadFixture(registeredCases);
      await w.mr.rotateSigner(w.ids.lender, w.spare1.address);
      await expect(w.L.settle([REG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryRetiredSigner")
        .withArgs(w.lender.address, w.ids.lender);
      await expect(w.as(w.spare1).settle([REG[0]!])).to.emit(w.cr, "CaseSettled").withArgs(REG[0], w.ids.lender);
    });
  });

  // ───────────────────────────────────────────── expiry ─────────────────────────────────────────────

  describe("expiry", () => {
    it("isAssignedTo is true at `until` exactly and false one second later; caseOf.expired follows", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await time.increaseTo(until - 1);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      await time.increaseTo(until);
      expect(await now()).to.equal(until);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 1,
        agencyId: 3,
        assignedAt,
        until,
        status: "Assigned",
        expired: false,
      });
      await time.increaseTo(until + 1);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 1,
        agencyId: 3,
        assignedAt,
        until,
        status: "Assigned",
        expired: true,
      });
    });

    it("an accepted case expires the same way", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await time.increaseTo(until);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      expect((await stateOf(w, ASG[0]!)).expired).to.equal(false);
      await time.increaseTo(until + 1);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      expect(await stateOf(w, ASG[0]!)).to.deep.include({ status: "Accepted", expired: true });
    });

    it("accept, return and extend after expiry give MandateExpired with the until", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await w.A.accept([ASG[1]!]);
      await time.increaseTo(until + 1);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[0], until);
      await expect(w.A.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[0], until);
      await expect(w.A.returnCases([ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[1], until);
      const later = (await now()) + DAY;
      await expect(w.L.extend([ASG[0]!], later))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[0], until);
      await expect(w.L.extend([ASG[1]!], later))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[1], until);
    });

    it("an expired case can be reassigned, to another agency or the same one", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await time.increaseTo(until + 1);
      const until2 = (await now()) + MANDATE;
      await expect(w.L.assign(w.ids.agency2, until2, [ASG[0]!]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 4, until2, [ASG[0]]);
      const assignedAt = await now();
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 1,
        agencyId: 4,
        assignedAt,
        until: until2,
        status: "Assigned",
        expired: false,
      });
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency2)).to.equal(true);
      await expect(w.A.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 3);
      await expect(w.L.assign(w.ids.agency, until2, [ASG[1]!])).to.emit(w.cr, "CasesAssigned").withArgs(1, 3, until2, [ASG[1]]);
      expect(await stateOf(w, ASG[1]!)).to.deep.include({ status: "Assigned", expired: false, until: until2 });
      await expect(w.A.accept([ASG[1]!])).to.emit(w.cr, "CaseAccepted").withArgs(ASG[1], 3);
    });

    it("an expired case can be transferred", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await time.increaseTo(until + 1);
      await expect(w.L.transferCreditor(ASG, w.ids.lender2))
        .to.emit(w.cr, "CaseCreditorTransferred")
        .withArgs(ASG[2], 1, 2);
      for (const s of await statesOf(w, ASG)) {
        expect(s).to.deep.equal({ creditorId: 2, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false });
      }
    });

    it("extend cannot make the window [assignedAt, until] longer than MAX_MANDATE", async () => {
      const w = await world();
      const k = key("long-window");
      const t = (await now()) + 10;
      await time.setNextBlockTimestamp(t);
      await w.L.registerAndAssign(w.ids.agency, t + MAX_MANDATE - DAY, [k], [debtorOf(k)]);
      await time.setNextBlockTimestamp(t + DAY);
      await expect(w.L.extend([k], t + DAY + MAX_MANDATE - DAY + 1))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateTooLong")
        .withArgs(0, k, t, t + MAX_MANDATE + 1);
      await time.setNextBlockTimestamp(t + 2 * DAY);
      await expect(w.L.extend([k], t + MAX_MANDATE))
        .to.emit(w.cr, "CaseMandateExtended")
        .withArgs(k, 3, t + MAX_MANDATE - DAY, t + MAX_MANDATE);
      const s = await stateOf(w, k);
      expect(s.until - s.assignedAt).to.equal(MAX_MANDATE);
    });

    it("a mandate must end after the block that grants it (until = block time is InvalidUntil)", async () => {
      const w = await world();
      const k = key("zero-length");
      const t = (await now()) + 10;
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, t, [k], [debtorOf(k)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t + 1);
      await w.L.registerAndAssign(w.ids.agency, t + 2, [k], [debtorOf(k)]);
      expect(await w.cr.isAssignedTo(k, w.ids.agency)).to.equal(true);
      await expect(w.A.accept([k])).to.emit(w.cr, "CaseAccepted").withArgs(k, 3);
    });
  });

  // ───────────────────────────────────────────── batches ─────────────────────────────────────────────

  describe("batches", () => {
    const NEW = keys("b/new", 5);
    const BR = keys("b/reg", 5);
    const BA = keys("b/asg", 5);
    const BC = keys("b/acc", 5);
    const X2 = key("b/agency2");
    const RET = key("b/returned");
    const L2K = key("b/lender2");
    const LATE = key("b/late");
    const SET = key("b/settled");
    const UNKNOWN = key("b/unknown");

    /** Cases in every state a batch test needs, all created in one fixture. */
    async function batchCases() {
      const w = await freshWorld();
      const until = (await now()) + MANDATE;
      const lateUntil = until + 20 * DAY;
      await w.L.register([...BR, SET], debtorsOf([...BR, SET]));
      await w.L.settle([SET]);
      await w.L.registerAndAssign(w.ids.agency, until, [...BA, ...BC, RET], debtorsOf([...BA, ...BC, RET]));
      await w.A.accept([...BC, RET]);
      await w.A.returnCases([RET]);
      await w.L.registerAndAssign(w.ids.agency2, until, [X2], [debtorOf(X2)]);
      await w.L.registerAndAssign(w.ids.agency, lateUntil, [LATE], [debtorOf(LATE)]);
      await w.L2.registerAndAssign(w.ids.agency, until, [L2K], [debtorOf(L2K)]);
      return { w, until, lateUntil, assignUntil: until + DAY, extendUntil: until + 10 * DAY };
    }
    type BatchCtx = Awaited<ReturnType<typeof batchCases>>;

    interface BatchFn {
      send(c: BatchCtx, ks: string[]): Tx;
      /** Keys in a state where the function succeeds. */
      valid: readonly string[];
      /** The event (and args) for a one-item batch of `k`. */
      one(c: BatchCtx, k: string): [string, unknown[]];
      /** An invalid item and the error it gives at index `i`. */
      bad(c: BatchCtx): { key: string; error: string; args: (i: number) => unknown[] };
      /** The error of the second occurrence of `k`, at index `i`. */
      duplicate(c: BatchCtx, k: string, i: number): [string, unknown[]];
    }

    const FNS: Record<string, BatchFn> = {
      register: {
        send: (c, ks) => c.w.L.register(ks, debtorsOf(ks)),
        valid: NEW,
        one: (_c, k) => ["CaseRegistered", [k, debtorOf(k), 1]],
        bad: () => ({ key: BA[0]!, error: "AlreadyRegistered", args: (i) => [i, BA[0]] }),
        duplicate: (_c, k, i) => ["AlreadyRegistered", [i, k]],
      },
      registerAndAssign: {
        send: (c, ks) => c.w.L.registerAndAssign(c.w.ids.agency, c.assignUntil, ks, ks.map((k) => (k === ZeroHash ? key("d0") : debtorOf(k)))),
        valid: NEW,
        one: (c, k) => ["CasesAssigned", [1, 3, c.assignUntil, [k]]],
        bad: () => ({ key: ZeroHash, error: "ZeroKey", args: (i) => [i] }),
        duplicate: (_c, k, i) => ["AlreadyRegistered", [i, k]],
      },
      assign: {
        send: (c, ks) => c.w.L.assign(c.w.ids.agency, c.assignUntil, ks),
        valid: BR,
        one: (c, k) => ["CasesAssigned", [1, 3, c.assignUntil, [k]]],
        bad: (c) => ({ key: X2, error: "MandateActive", args: (i) => [i, X2, 4, c.until] }),
        duplicate: (c, k, i) => ["MandateActive", [i, k, 3, c.assignUntil]],
      },
      accept: {
        send: (c, ks) => c.w.A.accept(ks),
        valid: BA,
        one: (_c, k) => ["CaseAccepted", [k, 3]],
        bad: () => ({ key: X2, error: "NotAgency", args: (i) => [i, X2, 3] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Accepted]],
      },
      returnCases: {
        send: (c, ks) => c.w.A.returnCases(ks),
        valid: BC,
        one: (_c, k) => ["CaseReturned", [k, 3]],
        bad: () => ({ key: RET, error: "InvalidTransition", args: (i) => [i, RET, CaseStatus.Returned] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Returned]],
      },
      recall: {
        send: (c, ks) => c.w.L.recall(ks),
        valid: BA,
        one: (_c, k) => ["CaseRecalled", [k, 3]],
        bad: () => ({ key: L2K, error: "NotCreditor", args: (i) => [i, L2K, 1] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Recalled]],
      },
      extend: {
        send: (c, ks) => c.w.L.extend(ks, c.extendUntil),
        valid: BC,
        one: (c, k) => ["CaseMandateExtended", [k, 3, c.until, c.extendUntil]],
        bad: (c) => ({ key: LATE, error: "UntilNotLater", args: (i) => [i, LATE, c.lateUntil, c.extendUntil] }),
        duplicate: (c, k, i) => ["UntilNotLater", [i, k, c.extendUntil, c.extendUntil]],
      },
      settle: {
        send: (c, ks) => c.w.L.settle(ks),
        valid: BA,
        one: (_c, k) => ["CaseSettled", [k, 1]],
        bad: () => ({ key: SET, error: "InvalidTransition", args: (i) => [i, SET, CaseStatus.Settled] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Settled]],
      },
      close: {
        send: (c, ks) => c.w.L.close(ks),
        valid: BC,
        one: (_c, k) => ["CaseClosed", [k, 1]],
        bad: () => ({ key: UNKNOWN, error: "UnknownCase", args: (i) => [i, UNKNOWN] }),
        duplicate: (_c, k, i) => ["InvalidTransition", [i, k, CaseStatus.Closed]],
      },
      transferCreditor: {
        send: (c, ks) => c.w.L.transferCreditor(ks, c.w.ids.lender2),
        valid: BR,
        one: (_c, k) => ["CaseCreditorTransferred", [k, 1, 2]],
        bad: (c) => ({ key: BA[0]!, error: "MandateActive", args: (i) => [i, BA[0], 3, c.until] }),
        // The second occurrence already belongs to lender2.
        duplicate: (_c, k, i) => ["NotCreditor", [i, k, 1]],
      },
    };

    for (const [name, fn] of Object.entries(FNS)) {
      describe(name, () => {
        it("EmptyBatch for no item", async () => {
          const c = await loadFixture(batchCases);
          await expect(fn.send(c, [])).to.be.revertedWithCustomError(c.w.cr, "CaseRegistryEmptyBatch").withArgs();
        });

        it(`BatchTooLarge for ${MAX_BATCH + 1} items`, async () => {
          const c = await loadFixture(batchCases);
          const big = keys("b/big", MAX_BATCH + 1);
          await expect(fn.send(c, big))
            .to.be.revertedWithCustomError(c.w.cr, "CaseRegistryBatchTooLarge")
            .withArgs(MAX_BATCH + 1, MAX_BATCH);
        });

        it("one item", async () => {
          const c = await loadFixture(batchCases);
          const k = fn.valid[0]!;
          const [event, args] = fn.one(c, k);
          await expect(fn.send(c, [k]))
            .to.emit(c.w.cr, event)
            .withArgs(...args);
        });

        it("a duplicate inside the batch fails at its second occurrence; nothing written", async () => {
          const c = await loadFixture(batchCases);
          const [k0, k1] = fn.valid as [string, string];
          const before = await statesOf(c.w, [k0, k1]);
          const [error, args] = fn.duplicate(c, k0, 2);
          await expect(fn.send(c, [k0, k1, k0]))
            .to.be.revertedWithCustomError(c.w.cr, `CaseRegistry${error}`)
            .withArgs(...args);
          expect(await statesOf(c.w, [k0, k1])).to.deep.equal(before);
        });

        for (const [where, index] of [
          ["first", 0],
          ["middle", 2],
          ["last", 4],
        ] as const) {
          it(`one invalid item in ${where} position reverts the whole batch with index ${index}; nothing written`, async () => {
            const c = await loadFixture(batchCases);
            const bad = fn.bad(c);
            const batch = fn.valid.slice(0, 4);
            batch.splice(index, 0, bad.key);
            expect(batch).to.have.length(5);
            const touched = [...fn.valid.slice(0, 4), bad.key];
            const before = await statesOf(c.w, touched);
            await expect(fn.send(c, batch))
              .to.be.revertedWithCustomError(c.w.cr, `CaseRegistry${bad.error}`)
              .withArgs(...bad.args(index));
            expect(await statesOf(c.w, touched)).to.deep.equal(before);
            // Without the bad item, the same batch goes through.
            await expect(fn.send(c, fn.valid.slice(0, 4))).not.to.revert(ethers);
          });
        }
      });
    }

    it("EmptyBatch before LengthMismatch; BatchTooLarge before LengthMismatch", async () => {
      const c = await loadFixture(batchCases);
      await expect(c.w.L.register([], [key("d")])).to.be.revertedWithCustomError(c.w.cr, "CaseRegistryEmptyBatch");
      await expect(c.w.L.register(keys("b/big", MAX_BATCH + 1), []))
        .to.be.revertedWithCustomError(c.w.cr, "CaseRegistryBatchTooLarge")
        .withArgs(MAX_BATCH + 1, MAX_BATCH);
    });

    it(`the largest batch: ${MAX_BATCH} items of registerAndAssign, then accepted in one batch`, async () => {
      const w = await world();
      const ks = keys("b/max", MAX_BATCH);
      const until = (await now()) + MANDATE;
      const tx = w.L.registerAndAssign(w.ids.agency, until, ks, debtorsOf(ks));
      await expect(tx).to.emit(w.cr, "CasesAssigned").withArgs(1, 3, until, ks);
      const receipt = await (await tx).wait();
      // The contract's stated budget: under the 16,777,216 per-transaction gas cap of EIP-7825.
      expect(receipt!.gasUsed).to.be.lessThan(16_777_216n);
      expect(await eventsOf(w, tx, "CaseRegistered")).to.have.length(MAX_BATCH);
      const assignedAt = await now();
      const states = await statesOf(w, ks);
      expect(states).to.have.length(MAX_BATCH);
      for (const s of states) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Assigned", expired: false });
      }
      await expect(w.A.accept(ks)).to.emit(w.cr, "CaseAccepted").withArgs(ks[MAX_BATCH - 1], 3);
      expect((await stateOf(w, ks[MAX_BATCH - 1]!)).status).to.equal("Accepted");
    });

    it(`${MAX_BATCH + 1} items of registerAndAssign give BatchTooLarge and write nothing`, async () => {
      const w = await world();
      const ks = keys("b/max", MAX_BATCH + 1);
      const until = (await now()) + MANDATE;
      await expect(w.L.registerAndAssign(w.ids.agency, until, ks, debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryBatchTooLarge")
        .withArgs(MAX_BATCH + 1, MAX_BATCH);
      expect(await statesOf(w, [ks[0]!, ks[MAX_BATCH]!])).to.deep.equal([NONE, NONE]);
    });

    it("registerAndAssign with a bad item in the middle of a large batch writes nothing", async () => {
      const w = await world();
      const ks = keys("b/large", 300);
      const taken = key("b/taken");
      await w.L2.register([taken], [debtorOf(taken)]);
      const batch = [...ks.slice(0, 150), taken, ...ks.slice(150)];
      const until = (await now()) + MANDATE;
      await expect(w.L.registerAndAssign(w.ids.agency, until, batch, debtorsOf(batch)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(150, taken);
      for (const s of await statesOf(w, ks)) expect(s).to.deep.equal(NONE);
    });
  });
});
