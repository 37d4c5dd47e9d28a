import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { consistencyProof, inclusionProof, leafHash, rootOf, toBytes32 } from "../../node/domain/merkle/index.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { DAY, deployConsortium, ethers, keys, loadFixture, now, Role } from "./fixtures.js";

/**
 * Gas of every state-changing function in a fixed scenario, compared with the committed snapshot
 * (snapshots/gas.json). A function whose gas grows by more than 2 % fails the suite until the snapshot is
 * updated on purpose with `npm run snapshot:gas` (and the change explained in its commit).
 */
const SNAPSHOT = join(PROJECT_ROOT, "snapshots", "gas.json");
const TOLERANCE = 0.02;
const BATCH = 200;

type Receipt = { gasUsed: bigint } | null;
const gas = async (tx: Promise<{ wait(): Promise<Receipt> }>) => Number((await (await tx).wait())?.gasUsed ?? 0n);

async function measure(): Promise<Record<string, number>> {
  const c = await loadFixture(deployConsortium);
  const g: Record<string, number> = {};
  const lender = c.caseRegistry.connect(c.lender);
  const agency = c.caseRegistry.connect(c.agency);
  const until = (await now()) + 90 * DAY;

  // MemberRegistry
  g["MemberRegistry.admit"] = await gas(c.memberRegistry.admit(c.spare1.address, c.spareRecovery1.address, Role.AGENCY, c.meta("spare")));
  g["MemberRegistry.setRoles"] = await gas(c.memberRegistry.setRoles(7, Role.AGENCY | Role.LENDER));
  g["MemberRegistry.proposeMetadataUpdate"] = await gas(c.memberRegistry.proposeMetadataUpdate(7, c.meta("spare v3")));
  g["MemberRegistry.cancelChange"] = await gas(c.memberRegistry.connect(c.spare1).cancelChange(7));
  g["MemberRegistry.updateMetadata"] = await gas(c.memberRegistry.connect(c.spare1).updateMetadata(7, c.meta("spare v2")));
  g["MemberRegistry.rotateSigner"] = await gas(c.memberRegistry.connect(c.spare1).rotateSigner(7, c.spare2.address));
  const recoveryKey = c.memberRegistry.connect(c.spareRecovery1);
  g["MemberRegistry.proposeRecoveryChange"] = await gas(c.memberRegistry.proposeRecoveryChange(7, c.spareRecovery2.address));
  g["MemberRegistry.cancelChange(recovery key)"] = await gas(recoveryKey.cancelChange(7));
  g["MemberRegistry.rotateSigner(recovery key)"] = await gas(recoveryKey.rotateSigner(7, `0x${"5a".repeat(20)}`));
  g["MemberRegistry.changeRecovery"] = await gas(recoveryKey.changeRecovery(7, c.spareRecovery2.address));
  g["MemberRegistry.suspend"] = await gas(c.memberRegistry.suspend(7));
  g["MemberRegistry.reinstate"] = await gas(c.memberRegistry.reinstate(7));
  g["MemberRegistry.remove"] = await gas(c.memberRegistry.remove(7));
  g["MemberRegistry.transferOperator"] = await gas(c.memberRegistry.transferOperator(c.stranger.address));
  g["MemberRegistry.acceptOperator"] = await gas(c.memberRegistry.connect(c.stranger).acceptOperator());

  // CaseRegistry: one item and a batch of 200 for every transition.
  const one = keys("snap-one", 1);
  g["CaseRegistry.registerAndAssign(1)"] = await gas(lender.registerAndAssign(c.ids.agency, until, one, keys("snap-d1", 1)));
  const batch = keys("snap-batch", BATCH);
  g[`CaseRegistry.registerAndAssign(${BATCH})`] = await gas(
    lender.registerAndAssign(c.ids.agency, until, batch, keys("snap-debtor", BATCH)),
  );
  g[`CaseRegistry.accept(${BATCH})`] = await gas(agency.accept(batch));
  g[`CaseRegistry.extend(${BATCH})`] = await gas(lender.extend(batch, until + DAY));
  g[`CaseRegistry.returnCases(${BATCH})`] = await gas(agency.returnCases(batch));
  g[`CaseRegistry.assign(${BATCH})`] = await gas(lender.assign(c.ids.agency2, until, batch));
  g[`CaseRegistry.recall(${BATCH})`] = await gas(lender.recall(batch));
  g[`CaseRegistry.transferCreditor(${BATCH})`] = await gas(lender.transferCreditor(batch, c.ids.lender2));
  const lender2 = c.caseRegistry.connect(c.lender2);
  g[`CaseRegistry.settle(${BATCH})`] = await gas(lender2.settle(batch, batch.map((_, i) => 1_000_000n + BigInt(i)), `0x${"ab".repeat(32)}`));
  g[`CaseRegistry.close(${BATCH})`] = await gas(lender2.close(batch));
  g[`CaseRegistry.register(${BATCH})`] = await gas(lender.register(keys("snap-reg", BATCH), keys("snap-regd", BATCH)));

  // EvidenceRegistry: a first anchor, a second one covering 1,000 more records, a court's verification.
  const records = Array.from({ length: 2_000 }, (_, i) => new TextEncoder().encode(`snapshot record ${i}`));
  const leaves = records.map((r) => leafHash(r));
  const evidence = c.evidenceRegistry.connect(c.agency);
  g["EvidenceRegistry.anchor(first, 1000)"] = await gas(evidence.anchor(1_000, toBytes32(rootOf(leaves, 1_000)), []));
  g["EvidenceRegistry.anchor(+1000)"] = await gas(
    evidence.anchor(2_000, toBytes32(rootOf(leaves)), consistencyProof(leaves, 1_000).map(toBytes32)),
  );
  g["EvidenceRegistry.recordVerification"] = await gas(
    c.evidenceRegistry
      .connect(c.court)
      .recordVerification(c.ids.agency, 2_000, 1_234, records[1_234]!, inclusionProof(leaves, 1_234).map(toBytes32)),
  );
  g["EvidenceRegistry.recordBundleVerification"] = await gas(
    c.evidenceRegistry.connect(c.court).recordBundleVerification(`0x${"ca".repeat(32)}`, `0x${"b0".repeat(32)}`, `0x${"e0".repeat(32)}`, 1),
  );

  // ConductPolicy: the operator's new version (with its notice), a lender's stricter hours.
  const conduct = await ethers.deployContract("ConductPolicy", [await c.memberRegistry.getAddress()]);
  const version = { allowedFromMinute: 9 * 60, allowedToMinute: 21 * 60, dailyCap: 2, pauseOnComplaint: true, pauseOnPromise: true, failClosed: true, effectiveFrom: (await now()) + 8 * DAY };
  // The scenario above may have handed the operator account on: whoever holds it now publishes.
  const operator = await ethers.getSigner(await c.memberRegistry.operator());
  g["ConductPolicy.publishPolicy"] = await gas(conduct.connect(operator).publishPolicy(version));
  g["ConductPolicy.publishLenderHours"] = await gas(conduct.connect(c.lender).publishLenderHours(9 * 60, 20 * 60));
  return g;
}

describe("gas snapshot (snapshots/gas.json)", () => {
  it("no function costs more than 2 % above its committed snapshot", async () => {
    const measured = await measure();
    if (process.env.UPDATE_GAS_SNAPSHOT === "1") {
      await writeFile(SNAPSHOT, `${JSON.stringify(measured, null, 2)}\n`);
      console.log(`      updated ${SNAPSHOT}`);
      return;
    }
    const committed = JSON.parse(await readFile(SNAPSHOT, "utf8")) as Record<string, number>;
    const problems: string[] = [];
    for (const [name, value] of Object.entries(measured)) {
      const before = committed[name];
      if (before === undefined) problems.push(`${name}: ${value} gas, not in the snapshot`);
      else if (value > before * (1 + TOLERANCE)) {
        problems.push(`${name}: ${before} → ${value} gas (+${(((value - before) / before) * 100).toFixed(1)} %)`);
      } else if (value < before * (1 - TOLERANCE)) {
        console.log(`      ${name} improved: ${before} → ${value} gas; run \`npm run snapshot:gas\` to record it`);
      }
    }
    for (const name of Object.keys(committed)) if (!(name in measured)) problems.push(`${name}: no longer measured`);
    expect(problems, `gas grew; if intended, run \`npm run snapshot:gas\`:\n${problems.join("\n")}`).to.deep.equal([]);
  });
});
