import { hash, randomBytes } from "node:crypto";
import type { Clock } from "../domain/clock.js";
import { STAFF_ROLES, type StaffRole } from "../domain/staff-roles.js";
import type { GatewayDatabase } from "../store/database.js";
import type { StaffToken } from "../store/staff-token-repository.js";

export { STAFF_ROLES, type StaffRole } from "../domain/staff-roles.js";
export type { StaffToken } from "../store/staff-token-repository.js";

export interface Staff {
  tokenId: string;
  memberId: number;
  role: StaffRole;
  name: string;
}

const PREFIX = "clt_";
/**
 * A token names the member that issued it: `clt_<memberId>_<43 base64url>`, so that a console sends it to that
 * member's gateway (as the chain-verified directory lists it) and to no other. Tokens issued before carry no member:
 * `clt_<43 base64url>`, 47 characters, which the length alone tells apart from the new form (49 or more).
 */
const ISSUED_BY = /^clt_([1-9][0-9]{0,8})_[A-Za-z0-9_-]{43}$/;

/** The member a token names, or undefined for a token of the earlier form (or no token at all). */
export function tokenMember(token: string): number | undefined {
  const match = ISSUED_BY.exec(token);
  return match ? Number(match[1]) : undefined;
}
/** Tokens expire: 90 days unless issued for less or more (at most a year). */
export const DEFAULT_TOKEN_TTL_DAYS = 90;
export const MAX_TOKEN_TTL_DAYS = 365;

function digest(secret: string): string {
  return hash("sha256", secret, "hex");
}

/**
 * Staff API tokens: random, shown once, stored only as their SHA-256, scoped to a member and a role,
 * revocable, expiring (DEFAULT_TOKEN_TTL_DAYS unless asked otherwise).
 */
export class StaffTokens {
  /**
   * Verified tokens by digest, so that a busy API does not read LevelDB for every request. Revocation goes
   * through this object and drops the entry; expiry is checked on every use.
   */
  readonly #cache = new Map<string, { record: StaffToken; expiresAtMs: number }>();
  /**
   * Counts revocations. A verify caches what it read only if no revocation happened since before its read: else a
   * token revoked between the read and the cache write would stay cached as valid.
   */
  #revocations = 0;

  constructor(
    private readonly store: GatewayDatabase,
    private readonly memberId: number,
    private readonly clock: Clock,
  ) {}

  async create(role: StaffRole, name: string, ttlDays = DEFAULT_TOKEN_TTL_DAYS): Promise<{ token: string; record: StaffToken }> {
    if (!STAFF_ROLES.includes(role)) throw new TypeError(`unknown role ${role}`);
    const secret = `${PREFIX}${this.memberId}_${randomBytes(32).toString("base64url")}`;
    const record: StaffToken = {
      id: randomBytes(6).toString("hex"),
      memberId: this.memberId,
      role,
      name: name.slice(0, 100),
      createdAt: new Date(this.clock()).toISOString(),
      ...(ttlDays ? { expiresAt: new Date(this.clock() + ttlDays * 86_400_000).toISOString() } : {}),
    };
    await this.store.tokens.put(digest(secret), record);
    return { token: secret, record };
  }

  /**
   * The staff member behind a bearer token, or undefined when it is unknown, revoked, expired or another member's.
   * The token is looked up by its SHA-256 (a hash-keyed lookup of a digest reveals nothing about the secret).
   */
  async verify(token: string | undefined): Promise<Staff | undefined> {
    if (!token || !token.startsWith(PREFIX) || token.length > 200) return undefined;
    const issuer = tokenMember(token);
    if (issuer !== undefined && issuer !== this.memberId) return undefined;
    const key = digest(token);
    let entry = this.#cache.get(key);
    if (!entry) {
      const revocationsBefore = this.#revocations;
      const record = await this.store.tokens.get(key);
      if (!record) return undefined;
      entry = { record, expiresAtMs: record.expiresAt ? Date.parse(record.expiresAt) : Number.POSITIVE_INFINITY };
      if (!record.revokedAt && revocationsBefore === this.#revocations) {
        if (this.#cache.size >= 10_000) this.#cache.clear();
        this.#cache.set(key, entry);
      }
    }
    const { record, expiresAtMs } = entry;
    if (record.revokedAt || record.memberId !== this.memberId) return undefined;
    if (expiresAtMs <= this.clock()) {
      this.#cache.delete(key);
      return undefined;
    }
    return { tokenId: record.id, memberId: record.memberId, role: record.role, name: record.name };
  }

  async list(): Promise<StaffToken[]> {
    const out: StaffToken[] = [];
    for await (const record of this.store.tokens.all()) out.push(record);
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revoke(id: string): Promise<boolean> {
    for await (const [key, record] of this.store.tokens.entries()) {
      if (record.id === id && !record.revokedAt) {
        await this.store.tokens.put(key, { ...record, revokedAt: new Date(this.clock()).toISOString() });
        // After the write: a verify that reads from now on sees the revocation; one that read before will not cache.
        this.#revocations++;
        this.#cache.delete(key);
        return true;
      }
    }
    return false;
  }

  /** Whether some admin token is neither revoked nor expired (else the gateway prints a new one at start). */
  async hasActiveAdmin(): Promise<boolean> {
    const now = this.clock();
    for (const t of await this.list()) {
      if (t.role === "admin" && !t.revokedAt && !(t.expiresAt && Date.parse(t.expiresAt) <= now)) return true;
    }
    return false;
  }

  async isEmpty(): Promise<boolean> {
    return this.store.tokens.isEmpty();
  }
}
