import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { CaseRecord } from "../../../node/chain/case-events.js";
import { CASE_STATUS } from "../../../node/domain/consortium/index.js";
import type { ChainCaseState } from "../../../node/services/repayments/chain-case.js";
import { EvidenceService } from "../../../node/services/evidence.js";
import { ServiceError } from "../../../node/services/service-error.js";
import { BlobStore } from "../../../node/store/blob-store.js";
import { openDatabase, type GatewayDatabase } from "../../../node/store/database.js";
import { AnchorStore } from "../../../node/store/evidence-log/anchor-store.js";
import { EvidenceLog } from "../../../node/store/evidence-log/evidence-log.js";

const CASE = `0x01${"00000001"}${"ab".repeat(27)}`;
const AGENCY_MEMBER = 7;
const NOW = 1_790_000_000;

/**
 * Who may record evidence for a case when the gateway's chain index lags the chain, and what happens when the chain
 * does not answer: the index's answer stands, after at most holderCheckMs. Real LevelDB; the chain's answer is given as
 * CaseRegistry.casesOf would give it (the HTTP test asks a real chain: test/node/http/evidence-handover.test.ts).
 */
describe("node/services/evidence: holding a case the index has not caught up with", () => {
  let dir: string;
  let db: GatewayDatabase;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-evidence-holds-"));
    db = await openDatabase(dir);
  });
  after(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function service(index: CaseRecord | undefined, casesOf?: (keys: string[]) => Promise<ChainCaseState[]>) {
    return new EvidenceService({
      log: await EvidenceLog.open(db.kv.evidence, AGENCY_MEMBER, () => NOW * 1000),
      anchors: new AnchorStore(db.kv.evidence),
      blobs: new BlobStore(dir),
      indexer: { caseOf: () => Promise.resolve(index), history: () => Promise.resolve([]) },
      memberId: AGENCY_MEMBER,
      clock: () => NOW * 1000,
      holderCheckMs: 50,
      ...(casesOf ? { casesOf } : {}),
    });
  }
  const onChain = (agencyId: number, status: "Assigned" | "Recalled", until = NOW + 86_400): ChainCaseState => ({
    creditorId: 1n,
    agencyId: BigInt(agencyId),
    status: BigInt(CASE_STATUS[status]),
    until: BigInt(until),
  });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "none",
      (error: unknown) => (error instanceof ServiceError ? error.code : String(error)),
    );

  it("lets the agency record once the chain shows the case assigned to it, though the index does not know the case yet", async () => {
    expect(await refusal((await service(undefined, () => Promise.resolve([onChain(AGENCY_MEMBER, "Assigned")]))).assertHolds(CASE))).to.equal("none");
  });

  it("refuses (403) when the chain shows the case with another agency, or recalled, or past its mandate", async () => {
    expect(await refusal((await service(undefined, () => Promise.resolve([onChain(8, "Assigned")]))).assertHolds(CASE))).to.equal("FORBIDDEN");
    expect(await refusal((await service(undefined, () => Promise.resolve([onChain(AGENCY_MEMBER, "Recalled")]))).assertHolds(CASE))).to.equal("FORBIDDEN");
    expect(await refusal((await service(undefined, () => Promise.resolve([onChain(AGENCY_MEMBER, "Assigned", NOW - 1)]))).assertHolds(CASE))).to.equal("FORBIDDEN");
  });

  it("says 404 when neither knows the case, and keeps the index's answer when the chain refuses the connection or never answers", async () => {
    const none: ChainCaseState = { creditorId: 0n, agencyId: 0n, status: 0n, until: 0n };
    expect(await refusal((await service(undefined, () => Promise.resolve([none]))).assertHolds(CASE))).to.equal("NOT_FOUND");
    expect(await refusal((await service(undefined, () => Promise.reject(new Error("connect ECONNREFUSED")))).assertHolds(CASE))).to.equal("NOT_FOUND");
    // A node that accepts the request and never answers: the refusal comes once holderCheckMs has passed.
    expect(await refusal((await service(undefined, () => new Promise<never>(() => {}))).assertHolds(CASE))).to.equal("NOT_FOUND");
    expect(await refusal((await service(undefined)).assertHolds(CASE))).to.equal("NOT_FOUND");
  });

  it("does not ask the chain when the index already shows the member holding the case", async () => {
    let asked = 0;
    const indexed = { caseKey: CASE, creditorId: 1, agencyId: AGENCY_MEMBER, status: "Assigned", until: NOW + 86_400 } as unknown as CaseRecord;
    const s = await service(indexed, () => {
      asked++;
      return Promise.resolve([onChain(8, "Assigned")]);
    });
    expect(await refusal(s.assertHolds(CASE))).to.equal("none");
    expect(asked).to.equal(0);
  });
});
