import type { Clock } from "../domain/clock.js";
import { validateAgencyProfile } from "../domain/matching/index.js";
import { type StoredAgency, toStored } from "../store/agency-records.js";
import type { GatewayDatabase } from "../store/database.js";
import { notFound, ServiceError } from "./service-error.js";
import { msg } from "../messages/message.js";

export interface AgencyServiceDeps {
  store: GatewayDatabase;
  memberId: number;
  clock: Clock;
}

/**
 * Where an agency's gateway answers is the agency's own word, published in its member metadata and checked against
 * the chain (MemberDirectory) — never something a lender's staff token sets: such a URL would send the personal data
 * of every handover wherever the token's holder pointed it.
 */
function refuseGatewayUrl(body: unknown): void {
  if (body && typeof body === "object" && Object.hasOwn(body, "gatewayUrl")) {
    throw new ServiceError("VALIDATION_FAILED", msg("api.GATEWAY_URL_FROM_DIRECTORY"), [{ field: "gatewayUrl", code: "NOT_ACCEPTED" }]);
  }
}

/**
 * The agency profiles a lender works with (regions, ranges, capacity), and an agency's
 * own profile, which it gives to those lenders. Every profile is validated before it is stored.
 */
export class AgencyService {
  constructor(private readonly deps: AgencyServiceDeps) {}

  #validated(body: unknown, agencyId: number): StoredAgency {
    refuseGatewayUrl(body);
    const raw = { ...(body as Record<string, unknown>), agencyId };
    const result = validateAgencyProfile(raw);
    if (!result.ok) throw new ServiceError("VALIDATION_FAILED", msg("api.AGENCY_PROFILE_INVALID"), result.errors);
    return toStored(result.profile, this.deps.clock());
  }

  list(): Promise<StoredAgency[]> {
    return this.deps.store.agencies.list();
  }

  async get(idRaw: string): Promise<StoredAgency> {
    const found = await this.deps.store.agencies.get(Number(idRaw));
    if (!found) throw notFound("agency", idRaw);
    return found;
  }

  async put(idRaw: string, body: unknown): Promise<StoredAgency> {
    const id = Number(idRaw);
    if (!Number.isSafeInteger(id) || id < 1) throw new ServiceError("VALIDATION_FAILED", msg("api.AGENCY_ID_INVALID"));
    const agency = this.#validated(body, id);
    await this.deps.store.agencies.put(agency);
    return agency;
  }

  async remove(idRaw: string): Promise<void> {
    const id = Number(idRaw);
    if (!(await this.deps.store.agencies.get(id))) throw notFound("agency", idRaw);
    await this.deps.store.agencies.del(id);
  }

  async ownProfile(): Promise<StoredAgency> {
    const found = await this.deps.store.agencies.self();
    if (!found) throw new ServiceError("NOT_FOUND", msg("api.PROFILE_NOT_SET"));
    return found;
  }

  async putOwnProfile(body: unknown): Promise<StoredAgency> {
    const agency = this.#validated(body, this.deps.memberId);
    await this.deps.store.agencies.putSelf(agency);
    return agency;
  }
}
