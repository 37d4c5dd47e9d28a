import type { StoredAgency } from "./agency-records.js";
import type { Table } from "./table.js";

/** Key of an agency: fixed width so that listing is in id order. */
const agencyKey = (agencyId: number) => `a/${String(agencyId).padStart(10, "0")}`;
/** Key of this gateway's own profile, when the member is an agency. */
const SELF_PROFILE_KEY = "self";

/** The `agencies` sublevel: a lender's agency list, and an agency's own profile. */
export class AgencyRepository {
  constructor(private readonly table: Table<StoredAgency>) {}

  get(agencyId: number): Promise<StoredAgency | undefined> {
    return this.table.get(agencyKey(agencyId));
  }

  put(agency: StoredAgency): Promise<void> {
    return this.table.put(agencyKey(agency.agencyId), agency);
  }

  del(agencyId: number): Promise<void> {
    return this.table.del(agencyKey(agencyId));
  }

  /** The agencies a lender works with, in id order. */
  async list(): Promise<StoredAgency[]> {
    const agencies: StoredAgency[] = [];
    for await (const value of this.table.values({ gt: "a/", lt: "a/\uffff" })) agencies.push(value);
    return agencies;
  }

  self(): Promise<StoredAgency | undefined> {
    return this.table.get(SELF_PROFILE_KEY);
  }

  putSelf(agency: StoredAgency): Promise<void> {
    return this.table.put(SELF_PROFILE_KEY, agency);
  }
}
