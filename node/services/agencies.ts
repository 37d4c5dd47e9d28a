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

function parseGatewayUrl(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  try {
    const url = new URL(typeof raw === "string" ? raw : "");
    if (url.protocol === "http:" || url.protocol === "https:") return url.toString().replace(/\/$/, "");
  } catch {
    // reported below
  }
  throw new ServiceError("VALIDATION_FAILED", msg("api.GATEWAY_URL_INVALID"), [
    { field: "gatewayUrl", code: "URL_INVALID" },
  ]);
}

/**
 * The agency profiles a lender works with (regions, ranges, capacity, where its gateway answers), and an agency's
 * own profile, which it gives to those lenders. Every profile is validated before it is stored.
 */
export class AgencyService {
  constructor(private readonly deps: AgencyServiceDeps) {}

  #validated(body: unknown, agencyId: number): StoredAgency {
    const raw = { ...(body as Record<string, unknown>), agencyId };
    const result = validateAgencyProfile(raw);
    if (!result.ok) throw new ServiceError("VALIDATION_FAILED", msg("api.AGENCY_PROFILE_INVALID"), result.errors);
    return toStored(result.profile, parseGatewayUrl((body as Record<string, unknown>)?.gatewayUrl), this.deps.clock());
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
