import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { connectContracts, type ConsortiumContracts } from "../../node/chain/contracts.js";
import { syntheticCaseLines } from "../../scripts/lib/synthetic-cases.js";
import { type ApiResponse, type apiClient, eventually } from "./api-client.js";
import type { TestConsortium } from "./consortium.js";

type Api = ReturnType<typeof apiClient>;

/** An agency profile that takes every case (for lists where matching is not what the test is about). */
export const TAKE_ALL = { regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 100_000 };

/** A synthetic list of `rows` cases with loan refs `prefix-…`, every row valid and every debtor distinct. */
export function syntheticList(rows: number, prefix: string, seed = 7): string {
  return [...syntheticCaseLines({ rows, seed, sharedDebtorRate: 0, refPrefix: prefix })].join("\n");
}

/** Uploads a list, previews it and commits it; resolves with the list id, the allocation id and the accepted case keys. */
export async function uploadAndCommit(api: Api, csv: string, name: string): Promise<{ listId: string; allocationId: string; caseKeys: string[] }> {
  const upload = await api.upload(name, csv);
  expect(upload.status, JSON.stringify(upload.body)).to.equal(201);
  const preview = await api.post(`/v1/case-lists/${upload.body.id}/allocation`);
  expect(preview.status, JSON.stringify(preview.body)).to.equal(201);
  const commit = await api.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 });
  expect(commit.status, JSON.stringify(commit.body)).to.equal(202);
  const report = await api.get(`/v1/case-lists/${upload.body.id}/report?status=accepted&limit=1000`);
  return { listId: upload.body.id, allocationId: preview.body.id, caseKeys: report.body.rows.map((r: { caseKey: string }) => r.caseKey) };
}

/** Waits until the allocation's jobs are all done. */
export async function committed(api: Api, allocationId: string, timeoutMs = 30_000) {
  return eventually(async () => {
    const p = await api.get(`/v1/allocations/${allocationId}`);
    return p.body.state === "committed" ? p.body : undefined;
  }, timeoutMs, `allocation ${allocationId} committed`);
}

/**
 * Records the hash of a synthetic document as evidence for `caseKey`; resolves with the response. A 404 (the case
 * not yet in the gateway's chain index, which follows the chain about once a second) is asked again for up to 15 s.
 */
export async function recordHash(api: Api, caseKey: string, label: string): Promise<ApiResponse> {
  const content = `synthetic ${label} ${randomBytes(6).toString("hex")}`;
  const body = {
    caseKey,
    kind: "call-recording",
    contentSha256: createHash("sha256").update(content).digest("hex"),
    contentSize: content.length,
    mediaType: "audio/mpeg",
  };
  let last: ApiResponse | undefined;
  await eventually(async () => {
    last = await api.post("/v1/evidence/hash", body);
    return last.status === 404 ? undefined : true;
  }, 15_000, `case ${caseKey} in the index`).catch(() => {});
  return last!;
}

/** Waits until the evidence log is fully anchored. */
export async function fullyAnchored(api: Api, timeoutMs = 30_000) {
  return eventually(async () => {
    const s = (await api.get("/v1/evidence/status")).body;
    return s.lag === 0 && s.anchoredSize > 0 ? s : undefined;
  }, timeoutMs, "the evidence log fully anchored");
}

/** Read-only contracts on the consortium's chain, with the provider to destroy. */
export async function chainView(consortium: TestConsortium): Promise<{ provider: JsonRpcProvider; contracts: ConsortiumContracts }> {
  const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  return { provider, contracts: await connectContracts(consortium.deployment, provider) };
}

/** The case keys of every CasesAssigned event on chain since the deployment, in chain order. */
export async function assignedKeys(contracts: ConsortiumContracts): Promise<string[]> {
  const registry = contracts.caseRegistry;
  const logs = await registry.queryFilter(registry.filters.CasesAssigned(), 0, "latest");
  return logs.flatMap((log) => ("args" in log ? log.args.caseKeys : []).map((k) => k.toLowerCase()));
}
