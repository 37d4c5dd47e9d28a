/**
 * The consortium rules of node/domain/consortium against the compiled contracts: the enums and constants read from
 * the compiler's output, and every (status, mandate, action) done on a deployed CaseRegistry — the table's steps must
 * land on the table's status, every other one must revert with a lifecycle error. Synthetic keys only.
 */
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { artifacts } from "hardhat";
import {
  ACTOR_ROLE,
  ALL_ROLES,
  CASE_ACTIONS,
  CASE_STATUSES,
  type CaseAction,
  type CaseStatusName,
  caseStatusName,
  isHeldStatus,
  CASE_KEY_ORIGINATOR_SHIFT,
  MAX_BATCH,
  MAX_MANDATE_SECONDS,
  MAX_PROOF_LENGTH,
  MEMBER_STATUS,
  CHANGE_KINDS,
  MEMBER_STATUSES,
  ROLE,
  transitionOf,
} from "../../../../node/domain/consortium/index.js";
import { ethers, loadFixture, time } from "../../../contracts/fixtures.js";

const DAY = 86_400;

/** A node of solc's AST, with only the fields read here. */
interface AstNode {
  nodeType?: string;
  name?: string;
  constant?: boolean;
  members?: Array<{ name: string }>;
  value?: { typeDescriptions?: { typeString?: string } };
}

/** The AST of the source that defines `fullyQualifiedName`, from the build the test run compiled. */
async function astOf(fullyQualifiedName: string): Promise<unknown> {
  const id = await artifacts.getBuildInfoId(fullyQualifiedName);
  const path = id === undefined ? undefined : await artifacts.getBuildInfoOutputPath(id);
  if (path === undefined) throw new Error(`no build output for ${fullyQualifiedName}`);
  const output = JSON.parse(await readFile(path, "utf8")) as { output: { sources: Record<string, { ast: unknown }> } };
  const source = Object.entries(output.output.sources).find(([name]) => name.endsWith(fullyQualifiedName.split(":")[0]!));
  if (!source) throw new Error(`no source for ${fullyQualifiedName}`);
  return source[1].ast;
}

function* nodes(tree: unknown): Generator<AstNode> {
  if (tree === null || typeof tree !== "object") return;
  yield tree;
  for (const child of Object.values(tree)) yield* nodes(child);
}

async function enumMembers(fullyQualifiedName: string, enumName: string): Promise<string[]> {
  const found = [...nodes(await astOf(fullyQualifiedName))].find((n) => n.nodeType === "EnumDefinition" && n.name === enumName);
  return (found?.members ?? []).map((m) => m.name);
}

/** The value of each constant the compiler folded to a literal ("int_const N"), by name. */
async function constants(fullyQualifiedName: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const n of nodes(await astOf(fullyQualifiedName))) {
    const folded = /^int_const (\d+)$/.exec(n.value?.typeDescriptions?.typeString ?? "");
    if (n.nodeType === "VariableDeclaration" && n.constant && n.name && folded) out[n.name] = Number(folded[1]);
  }
  return out;
}

/** lender (member 1) and lender2 (member 2) as LENDER, agency (member 3) as AGENCY, with the domain's role bits. */
async function deploy() {
  const [operator, lender, lender2, agency, court] = await ethers.getSigners();
  if (!operator || !lender || !lender2 || !agency || !court) throw new Error("the test network has too few accounts");
  const members = await ethers.deployContract("MemberRegistry", [operator.address]);
  const cases = await ethers.deployContract("CaseRegistry", [await members.getAddress()]);
  await members.admit(lender.address, ethers.Wallet.createRandom().address, ROLE.LENDER, ethers.ZeroHash);
  await members.admit(lender2.address, ethers.Wallet.createRandom().address, ROLE.LENDER, ethers.ZeroHash);
  await members.admit(agency.address, ethers.Wallet.createRandom().address, ROLE.AGENCY, ethers.ZeroHash);
  await members.admit(court.address, ethers.Wallet.createRandom().address, ROLE.COURT | ROLE.OPERATOR, ethers.ZeroHash);
  return { members, cases, lender, lender2, agency, court, ids: { lender2: 2, agency: 3, court: 4 } };
}
type World = Awaited<ReturnType<typeof deploy>>;

/** The lender's case: member 1 in bytes 1–4, as CaseRegistry requires of the member that registers it. */
const CASE = `0x0100000001${ethers.keccak256(ethers.toUtf8Bytes("caseledger/test/consortium/case")).slice(12)}`;
const DEBTOR = ethers.keccak256(ethers.toUtf8Bytes("caseledger/test/consortium/debtor"));

/** Does `action` on CASE as the action's actor (the only creditor or agency the world has). */
async function perform(w: World, action: CaseAction): Promise<void> {
  const signer = CASE_ACTIONS[action] === "creditor" ? w.lender : w.agency;
  const cr = w.cases.connect(signer);
  const later = (days: number) => time.latest().then((now) => now + days * DAY);
  switch (action) {
    case "register":
      return void (await cr.register([CASE], [DEBTOR]));
    case "registerAndAssign":
      return void (await cr.registerAndAssign(w.ids.agency, await later(30), [CASE], [DEBTOR]));
    case "assign":
      return void (await cr.assign(w.ids.agency, await later(30), [CASE]));
    case "extend":
      return void (await cr.extend([CASE], await later(40)));
    case "transferCreditor":
      return void (await cr.transferCreditor([CASE], w.ids.lender2));
    case "accept":
    case "returnCases":
    case "recall":
    case "close":
      return void (await cr[action]([CASE]));
    case "settle":
      return void (await cr.settle([CASE], [0n], `0x${"00".repeat(32)}`));
  }
}

/** The custom error a reverted call raised, by name, as CaseRegistry's ABI decodes its revert data. */
function revertName(w: World, error: unknown): string {
  const data = error !== null && typeof error === "object" && "data" in error && typeof error.data === "string" ? error.data : undefined;
  return (data === undefined ? undefined : w.cases.interface.parseError(data)?.name) ?? String(error);
}

/** The shortest way to each status, every step one of the table's. */
const SETUP: Record<CaseStatusName, CaseAction[]> = {
  None: [],
  Registered: ["register"],
  Assigned: ["registerAndAssign"],
  Accepted: ["registerAndAssign", "accept"],
  Returned: ["registerAndAssign", "returnCases"],
  Recalled: ["registerAndAssign", "recall"],
  Settled: ["register", "settle"],
  Closed: ["register", "close"],
};

/** The errors a refused step may raise: the lifecycle's, never a parameter's (an invalid `until`, say). */
const LIFECYCLE_ERRORS = [
  "CaseRegistryAlreadyRegistered",
  "CaseRegistryUnknownCase",
  "CaseRegistryNotAgency",
  "CaseRegistryInvalidTransition",
  "CaseRegistryMandateActive",
  "CaseRegistryMandateExpired",
];

describe("domain/consortium against the compiled contracts", function () {
  this.timeout(120_000);

  it("the case and member status enums, in order", async () => {
    expect(await enumMembers("contracts/interfaces/ICaseRegistry.sol:ICaseRegistry", "CaseStatus")).to.deep.equal([...CASE_STATUSES]);
    expect(await enumMembers("contracts/interfaces/IMemberRegistry.sol:IMemberRegistry", "MemberStatus")).to.deep.equal([...MEMBER_STATUSES]);
    expect(await enumMembers("contracts/interfaces/IMemberRegistry.sol:IMemberRegistry", "ChangeKind")).to.deep.equal([...CHANGE_KINDS]);
  });

  it("the role bits and the limits", async () => {
    const roles = await constants("contracts/libraries/MemberRoles.sol:MemberRoles");
    expect(roles).to.include({ LENDER: ROLE.LENDER, AGENCY: ROLE.AGENCY, COURT: ROLE.COURT, OPERATOR: ROLE.OPERATOR, SUPERVISOR: ROLE.SUPERVISOR, MEDIATOR: ROLE.MEDIATOR });
    expect(await constants("contracts/CaseRegistry.sol:CaseRegistry")).to.deep.equal({
      MAX_BATCH,
      MAX_MANDATE: MAX_MANDATE_SECONDS,
      ORIGINATOR_SHIFT: CASE_KEY_ORIGINATOR_SHIFT,
    });
    expect(await constants("contracts/libraries/MerkleLog.sol:MerkleLog")).to.deep.equal({ MAX_PROOF_LENGTH });

    const w = await loadFixture(deploy);
    expect(await w.cases.MAX_BATCH()).to.equal(BigInt(MAX_BATCH));
    expect(await w.cases.MAX_MANDATE()).to.equal(BigInt(MAX_MANDATE_SECONDS));
    expect(await w.members.isActive(w.ids.court, ROLE.COURT | ROLE.OPERATOR)).to.equal(true);
    // ALL_ROLES is every bit the registry accepts: one more is refused.
    await w.members.setRoles(w.ids.court, ALL_ROLES);
    await expect(w.members.setRoles(w.ids.court, ALL_ROLES + 1)).to.be.revertedWithCustomError(w.members, "MemberRegistryInvalidRoles");
  });

  it("member statuses as memberOf reports them", async () => {
    const w = await loadFixture(deploy);
    const statusOf = async (id: number) => Number((await w.members.memberOf(id)).status);
    expect(await statusOf(w.ids.agency)).to.equal(MEMBER_STATUS.Active);
    await w.members.suspend(w.ids.agency);
    expect(await statusOf(w.ids.agency)).to.equal(MEMBER_STATUS.Suspended);
    await w.members.remove(w.ids.agency);
    expect(await statusOf(w.ids.agency)).to.equal(MEMBER_STATUS.Removed);
  });

  it("the actors' roles are the ones the contract asks for", async () => {
    const w = await loadFixture(deploy);
    // The court member lacks both roles: as creditor it cannot register, as agency it cannot be assigned.
    expect(ACTOR_ROLE).to.deep.equal({ creditor: ROLE.LENDER, agency: ROLE.AGENCY });
    await expect(w.cases.connect(w.court).register([CASE], [DEBTOR])).to.be.revertedWithCustomError(w.members, "MemberRegistryMissingRole");
    await expect(w.cases.connect(w.lender).registerAndAssign(w.ids.court, (await time.latest()) + DAY, [CASE], [DEBTOR]))
      .to.be.revertedWithCustomError(w.members, "MemberRegistryMissingRole");
  });

  // Every status, and for the held ones both sides of the mandate's end, times every action.
  const starts = CASE_STATUSES.flatMap((status) => (isHeldStatus(status) ? [{ status, expired: false }, { status, expired: true }] : [{ status, expired: false }]));
  for (const { status, expired } of starts) {
    for (const action of Object.keys(CASE_ACTIONS) as CaseAction[]) {
      const step = transitionOf(status, action, expired);
      const from = `${status}${expired ? " (expired)" : ""}`;
      it(step ? `${from} —${action}→ ${step.to}` : `${from} —${action}→ reverts`, async () => {
        const w = await loadFixture(deploy);
        for (const setup of SETUP[status]) await perform(w, setup);
        if (expired) await time.increase(31 * DAY);
        const before = await w.cases.caseOf(CASE);
        expect(caseStatusName(before.status)).to.equal(status);
        expect(before.expired).to.equal(expired);
        if (step) {
          await perform(w, action);
          expect(caseStatusName((await w.cases.caseOf(CASE)).status)).to.equal(step.to);
        } else {
          const reason = await perform(w, action).then(
            () => "no revert",
            (error: unknown) => revertName(w, error),
          );
          expect(LIFECYCLE_ERRORS, reason).to.include(reason);
        }
      });
    }
  }
});
