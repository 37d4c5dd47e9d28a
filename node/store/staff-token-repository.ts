import type { StaffRole } from "../domain/staff-roles.js";
import type { Table } from "./table.js";

export interface StaffToken {
  /** Short public id (for listing and revoking); never enough to authenticate. */
  id: string;
  memberId: number;
  role: StaffRole;
  name: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

/** The `tokens` sublevel: sha256(token) hex → StaffToken. The secret itself is never stored. */
export class StaffTokenRepository {
  constructor(private readonly table: Table<StaffToken>) {}

  get(digest: string): Promise<StaffToken | undefined> {
    return this.table.get(digest);
  }

  put(digest: string, record: StaffToken): Promise<void> {
    return this.table.put(digest, record);
  }

  /** Every token with its digest. */
  entries(): AsyncGenerator<[string, StaffToken]> {
    return this.table.entries();
  }

  all(): AsyncGenerator<StaffToken> {
    return this.table.values();
  }

  async isEmpty(): Promise<boolean> {
    for await (const _ of this.table.keys({ limit: 1 })) return false;
    return true;
  }
}
