import { expect } from "chai";
import type { GatewayConfig } from "../../node/config.js";
import { startGateway, type Gateway, type StartOptions } from "../../node/gateway.js";
import type { HandoverDelivery } from "../../node/store/handover-deliveries.js";
import { apiClient, eventually } from "./api-client.js";
import { startConsortium, type TestConsortium } from "./consortium.js";
import { publishDirectory } from "./directory.js";

/**
 * The setup most gateway, CLI and browser tests share: members on anvil with their gateways up and the directory
 * published, and cases handed from the lender to an agency (uploaded, allocated, committed, delivered, indexed).
 */

export type ApiClient = ReturnType<typeof apiClient>;

/** The header row of a lender's case list as its bank exports it. */
export const CASE_LIST_HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";

/** Agency #2's profile at the lender: takes every region, amount and age, so each row is allocated to it. */
export const AGENCY_PROFILE = { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 1000 };

/** A member's configuration with the peer channel retrying every 100 ms: tests wait on deliveries, not on back-off. */
export function fastPeer(config: GatewayConfig): GatewayConfig {
  return { ...config, timeouts: { ...config.timeouts, peerRetryMs: 100 } };
}

export interface MemberSpec<N extends string = string> {
  /** The member's name in the test consortium. */
  name: N;
  /** Its role bits on chain (ROLE.*). */
  roles: number;
  /** What the directory says of it: its roles by name, and its display name (`name` when not given). */
  directory: { roles: string[]; name?: string };
  /** Its gateway's configuration from the consortium's (fastPeer when not given). */
  config?: (config: GatewayConfig) => GatewayConfig;
  /** Its gateway's start options beyond a quiet log (a clock, conduct stats…). */
  options?: StartOptions;
}

export interface Members<N extends string> {
  consortium: TestConsortium;
  gateways: Record<N, Gateway>;
  /** Closes every gateway, then stops the chain. */
  stop(): Promise<void>;
}

/** Starts a consortium on anvil with these members, one gateway each, and publishes the directory naming them. */
export async function startMembers<N extends string>(specs: ReadonlyArray<MemberSpec<N>>): Promise<Members<N>> {
  const consortium = await startConsortium(specs.map(({ name, roles }) => ({ name, roles })));
  const started = await Promise.all(specs.map((s) => startGateway((s.config ?? fastPeer)(consortium.member(s.name).config), { log: () => {}, ...s.options })));
  const gateways = Object.fromEntries(specs.map((s, i) => [s.name, started[i]!])) as Record<N, Gateway>;
  await publishDirectory(consortium, Object.fromEntries(specs.map((s) => [s.name, { name: s.directory.name ?? s.name, roles: s.directory.roles, gatewayUrl: gateways[s.name].url }])));
  return {
    consortium,
    gateways,
    async stop() {
      await Promise.all(Object.values<Gateway>(gateways).map((g) => g.close()));
      await consortium.stop();
    },
  };
}

/** Resolves once the lender's allocation `allocationId` has delivered its handover to the agency. */
export async function handoverDelivered(lender: ApiClient, allocationId: string): Promise<void> {
  await eventually(async () => ((await lender.get(`/v1/allocations/${allocationId}`)).body.handovers?.[0] as HandoverDelivery | undefined)?.state === "delivered" || undefined, 60_000, "the handover");
}

/** Resolves once the agency's chain index shows it holding `caseKey`. */
export async function agencyHolds(agency: ApiClient, caseKey: string): Promise<void> {
  await eventually(async () => (await agency.get(`/v1/cases/${caseKey}`)).status === 200 || undefined, 30_000, "the agency's index");
}

/**
 * The lender hands `rows` (case-list lines under CASE_LIST_HEADER) to agency #2: the agency's profile set, the list
 * uploaded as `file`, allocated and committed for 30 days; resolves with the case keys in the preview's order once the
 * handover is delivered and the agency's index shows the first of them.
 */
export async function assignCases(lender: ApiClient, agency: ApiClient, file: string, rows: readonly string[]): Promise<string[]> {
  expect((await lender.put("/v1/agencies/2", AGENCY_PROFILE)).status).to.equal(200);
  const upload = await lender.upload(file, [CASE_LIST_HEADER, ...rows].join("\n"));
  expect(upload.status).to.equal(201);
  const preview = await lender.post(`/v1/case-lists/${upload.body.id}/allocation`);
  expect((await lender.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 })).status).to.equal(202);
  await handoverDelivered(lender, preview.body.id as string);
  const caseKeys = preview.body.decisions.map((d: { caseKey: string }) => d.caseKey) as string[];
  await agencyHolds(agency, caseKeys[0]!);
  return caseKeys;
}
