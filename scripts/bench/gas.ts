/**
 * `npm run bench:gas` — gas per case of register+assign and gas per record of evidence anchoring, each
 * beside a naive baseline measured in the same run. Writes scripts/bench/results/gas.json and the gas
 * section of BENCHMARKS.md. Run by `hardhat run` on the in-process Hardhat network.
 */
import { network } from "hardhat";
import { ROLE } from "../../node/domain/consortium/index.js";
import { consistencyProof, leafHash, rootOf, toBytes32 } from "../../node/domain/merkle/index.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";

const ASSIGN_BATCHES = [1, 10, 100, 200, 500] as const;
const ANCHOR_RECORDS = [1, 100, 1_000, 10_000] as const;
const TARGET_ASSIGN_PER_CASE = 26_000;
const TARGET_ANCHOR_PER_RECORD = 100;
/** Naive cases measured one transaction each; the average is the baseline. */
const BASELINE_CASES = 20;
/** Naive evidence: records per transaction (a thousand fresh slots would pass the block gas limit). */
const BASELINE_RECORDS = 100;
const DAY = 86_400;

const { ethers } = await network.create();
const progress = (line: string) => console.log(`[bench:gas] ${line}`);

const [operator, lender, agency] = await ethers.getSigners();
if (!operator || !lender || !agency) throw new Error("the benchmark needs three accounts");
const members = await ethers.deployContract("MemberRegistry", [operator.address]);
const cases = await ethers.deployContract("CaseRegistry", [await members.getAddress()]);
const evidence = await ethers.deployContract("EvidenceRegistry", [await members.getAddress()]);
// Recovery keys are never used here: fresh addresses (the cold keys of a real member).
await (await members.admit(lender.address, ethers.Wallet.createRandom().address, ROLE.LENDER, ethers.ZeroHash)).wait();
await (await members.admit(agency.address, ethers.Wallet.createRandom().address, ROLE.AGENCY, ethers.ZeroHash)).wait();
const LENDER_ID = 1;
const AGENCY_ID = 2;

let counter = 0;
/** Fresh synthetic keys; case keys carry the lender's id in bytes 1–4, as CaseRegistry requires. */
const freshKeys = (n: number, label: string) =>
  Array.from({ length: n }, () => {
    const hash = ethers.keccak256(ethers.toUtf8Bytes(`bench/${label}/${counter++}`));
    return label.endsWith("case") ? `0x01${LENDER_ID.toString(16).padStart(8, "0")}${hash.slice(12)}` : hash;
  });
const gasOf = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) =>
  Number((await (await tx).wait())?.gasUsed ?? 0n);
const latestTime = async () => (await ethers.provider.getBlock("latest"))!.timestamp;

// Register + assign, batched.
const assignGasPerCase: Record<string, number> = {};
for (const size of ASSIGN_BATCHES) {
  const until = (await latestTime()) + 90 * DAY;
  const gas = await gasOf(
    cases.connect(lender).registerAndAssign(AGENCY_ID, until, freshKeys(size, "case"), freshKeys(size, "debtor")),
  );
  assignGasPerCase[size] = Math.round(gas / size);
  progress(`registerAndAssign × ${size}: ${gas} gas, ${assignGasPerCase[size]} per case`);
}

// Baseline: one struct with strings per case, one transaction per case.
const naiveCases = await ethers.deployContract("NaiveCaseRegistry");
let naiveTotal = 0;
for (let i = 0; i < BASELINE_CASES; i++) {
  const [caseKey] = freshKeys(1, "naive-case");
  const [debtorKey] = freshKeys(1, "naive-debtor");
  const until = (await latestTime()) + 90 * DAY;
  naiveTotal += await gasOf(
    naiveCases.registerAndAssign(caseKey!, debtorKey!, LENDER_ID, AGENCY_ID, until, `LOAN-2026-${String(i).padStart(8, "0")}`),
  );
}
const baselineAssign = Math.round(naiveTotal / BASELINE_CASES);
progress(`baseline (struct with strings, one tx per case): ${baselineAssign} per case`);

// Evidence anchoring: one anchor after a first one, covering N new records, with its consistency proof.
const anchorGasPerRecord: Record<string, number> = {};
const anchorGas: Record<string, number> = {};
const leaves: Uint8Array[] = [];
const grow = (n: number) => {
  for (let i = 0; i < n; i++) leaves.push(leafHash(ethers.toUtf8Bytes(`bench/record/${leaves.length}`)));
};
grow(1);
const firstAnchorGas = await gasOf(evidence.connect(lender).anchor(1, toBytes32(rootOf(leaves)), []));
progress(`first anchor (size 1): ${firstAnchorGas} gas`);
for (const n of ANCHOR_RECORDS) {
  const oldSize = leaves.length;
  grow(n);
  const proof = consistencyProof(leaves, oldSize).map(toBytes32);
  const gas = await gasOf(evidence.connect(lender).anchor(leaves.length, toBytes32(rootOf(leaves)), proof));
  anchorGas[n] = gas;
  anchorGasPerRecord[n] = Math.round((gas / n) * 100) / 100;
  progress(`anchor of ${n} new records (${oldSize} → ${leaves.length}, proof of ${proof.length}): ${gas} gas, ${anchorGasPerRecord[n]} per record`);
}

// Baseline: one stored hash per record.
const naiveEvidence = await ethers.deployContract("NaiveEvidenceRegistry");
const naiveEvidenceGas = await gasOf(naiveEvidence.notarize(freshKeys(BASELINE_RECORDS, "naive-record")));
const baselineAnchor = Math.round(naiveEvidenceGas / BASELINE_RECORDS);
progress(`baseline (one stored hash per record): ${baselineAnchor} per record`);

const assign200 = assignGasPerCase[200]!;
const anchor1000 = anchorGasPerRecord[1_000]!;
const result = {
  measuredAt: new Date().toISOString(),
  machine: machine(),
  evmVersion: "cancun",
  assignGasPerCase,
  anchorGasPerRecord,
  anchorGas,
  firstAnchorGas,
  baseline: {
    assignGasPerCase: baselineAssign,
    assignDesign: "NaiveCaseRegistry: struct with strings per case, one transaction per case",
    anchorGasPerRecord: baselineAnchor,
    anchorDesign: `NaiveEvidenceRegistry: one stored hash per record, ${BASELINE_RECORDS} per transaction`,
  },
  ratios: {
    assignBaselineOverOurs: Math.round((baselineAssign / assign200) * 100) / 100,
    anchorBaselineOverOurs: Math.round((baselineAnchor / anchor1000) * 100) / 100,
  },
  targets: {
    assignGasPerCaseAt200: TARGET_ASSIGN_PER_CASE,
    anchorGasPerRecordAt1000: TARGET_ANCHOR_PER_RECORD,
    assignMet: assign200 <= TARGET_ASSIGN_PER_CASE,
    anchorMet: anchor1000 <= TARGET_ANCHOR_PER_RECORD,
  },
};
const file = await writeResult("gas", result);

const yes = (ok: boolean) => (ok ? "met" : "**missed**");
await updateBenchmarksSection(
  "gas",
  `## Gas (\`npm run bench:gas\`)

Measured ${result.measuredAt.slice(0, 10)} on ${describeMachine(result.machine)}; Hardhat in-process network,
EVM ${result.evmVersion}, optimizer 10,000 runs. Figures are whole-transaction gas (21,000 base and calldata included)
divided by the items in the transaction.

| register + assign, batch of | ${ASSIGN_BATCHES.join(" | ")} | baseline: one tx per case |
| --- | ${ASSIGN_BATCHES.map(() => "---").join(" | ")} | --- |
| gas per case | ${ASSIGN_BATCHES.map((b) => assignGasPerCase[b]!.toLocaleString("en")).join(" | ")} | ${baselineAssign.toLocaleString("en")} |

| anchor covering new records | ${ANCHOR_RECORDS.map((n) => n.toLocaleString("en")).join(" | ")} | baseline: one stored hash per record |
| --- | ${ANCHOR_RECORDS.map(() => "---").join(" | ")} | --- |
| gas per record | ${ANCHOR_RECORDS.map((n) => anchorGasPerRecord[n]!.toLocaleString("en")).join(" | ")} | ${baselineAnchor.toLocaleString("en")} |

- Assignment at 200 a batch: **${assign200.toLocaleString("en")}** gas per case, target ≤ ${TARGET_ASSIGN_PER_CASE.toLocaleString("en")} — ${yes(result.targets.assignMet)}; the baseline costs ${result.ratios.assignBaselineOverOurs}× as much.
- Anchoring 1,000 records: **${anchor1000}** gas per record, target ≤ ${TARGET_ANCHOR_PER_RECORD} — ${yes(result.targets.anchorMet)}; the baseline costs ${result.ratios.anchorBaselineOverOurs}× as much.
- A member's first anchor (no consistency proof): ${firstAnchorGas.toLocaleString("en")} gas.`,
);
progress(`wrote ${file} and BENCHMARKS.md`);
progress(
  `register+assign @200: ${assign200} gas/case (target ≤ ${TARGET_ASSIGN_PER_CASE}, baseline ${baselineAssign}, ratio ${result.ratios.assignBaselineOverOurs}×)`,
);
progress(
  `anchor @1000: ${anchor1000} gas/record (target ≤ ${TARGET_ANCHOR_PER_RECORD}, baseline ${baselineAnchor}, ratio ${result.ratios.anchorBaselineOverOurs}×)`,
);
