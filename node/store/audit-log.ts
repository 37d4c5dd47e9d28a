import { createHash } from "node:crypto";
import { canonicalJson } from "../domain/canonical-json.js";
import { isPseudonymKey } from "../domain/pseudonyms.js";
import { type AuditActor, type AuditEntries, type AuditEntry, type AuditInput, auditKey } from "./audit-entries.js";

export type { AuditEntry, AuditInput } from "./audit-entries.js";

export const MAX_AUDIT_CASE_KEYS = 1_000;
const GENESIS = "0".repeat(64);
const MAX_ENTRIES_PER_WRITE = 1_000;
const REF_VALUE = /^[A-Za-z0-9_.:/-]{1,100}$/;
const ACTION = /^[A-Za-z0-9_.:/ -]{1,100}$/;

function entryHash(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sha256").update(`${entry.prev}\n${canonicalJson(entry)}`).digest("hex");
}

/** Entries a page filtered by action reads at most. */
const AUDIT_SCAN_MAX = 10_000;

/**
 * The append-only log of staff actions, in its own sublevel, one entry per key in sequence order. Each entry carries
 * the hash of the one before, so editing, deleting or reordering entries is detectable by `verify()` (cutting off
 * the newest entries is not, without the head kept somewhere else). Appends are serialized in memory: one writer.
 * Inputs are sanitized here as well, so that nothing but case keys and plain ids can end up in the log.
 */
export class AuditLog {
  #head: { seq: number; hash: string };
  /** Appends waiting for the write in flight to finish: they go together in the next one. */
  #waiting: Array<{ input: AuditInput; resolve: (entry: AuditEntry) => void; reject: (error: unknown) => void }> = [];
  #writing = false;

  private constructor(
    private readonly entries: AuditEntries,
    head: { seq: number; hash: string },
    private readonly now: () => number,
  ) {
    this.#head = head;
  }

  static async open(entries: AuditEntries, now: () => number): Promise<AuditLog> {
    let head = { seq: 0, hash: GENESIS };
    const last = await entries.last();
    if (last) head = { seq: last.seq, hash: last.hash };
    return new AuditLog(entries, head, now);
  }

  /**
   * Appends one entry; resolves once it is written. Appends that arrive while a write is in flight are written
   * together in the next one (one LevelDB batch, in call order): a busy gateway — every ownership check is an
   * entry — writes a batch per round trip, not an entry. A failed write fails its batch; the head stays where it was.
   */
  append(input: AuditInput): Promise<AuditEntry> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ input, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length) {
      // At most MAX_ENTRIES_PER_WRITE a write, so a backlog is written in bounded steps.
      const batch = this.#waiting.splice(0, MAX_ENTRIES_PER_WRITE);
      let head = this.#head;
      const entries = batch.map(({ input }) => {
        const entry = this.#entry(input, head);
        head = { seq: entry.seq, hash: entry.hash };
        return entry;
      });
      try {
        await this.entries.putMany(entries);
        this.#head = head;
        batch.forEach(({ resolve }, i) => resolve(entries[i]!));
      } catch (error) {
        for (const { reject } of batch) reject(error);
      }
    }
    this.#writing = false;
  }

  #entry(input: AuditInput, head: { seq: number; hash: string }): AuditEntry {
    const keys = (input.caseKeys ?? []).filter((k) => isPseudonymKey(k)).map((k) => k.toLowerCase());
    const ref = Object.fromEntries(
      Object.entries(input.ref ?? {}).filter(([k, v]) => /^[A-Za-z]{1,30}$/.test(k) && (typeof v === "number" ? Number.isFinite(v) : REF_VALUE.test(v))),
    );
    const body: Omit<AuditEntry, "hash"> = {
      seq: head.seq + 1,
      at: new Date(this.now()).toISOString(),
      actor: sanitizeActor(input.actor),
      action: ACTION.test(input.action) ? input.action : "unnamed",
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(keys.length ? { caseKeys: keys.slice(0, MAX_AUDIT_CASE_KEYS), caseCount: keys.length } : {}),
      ...(Object.keys(ref).length ? { ref } : {}),
      prev: head.hash,
    };
    return { ...body, hash: entryHash(body) };
  }

  get head(): { seq: number; hash: string } {
    return { ...this.#head };
  }

  /**
   * Entries after `after` (a seq), oldest first; with `action`, only entries of that action. A filtered page reads at
   * most AUDIT_SCAN_MAX entries, so that a rare action costs one bounded read per page: `next` is then where the
   * reading stopped, and a page may hold fewer than `limit` entries (or none) with more to come.
   */
  async page(options: { after?: number; limit?: number; action?: string } = {}): Promise<{ entries: AuditEntry[]; next: number | null }> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1_000);
    const { action } = options;
    const entries: AuditEntry[] = [];
    let read = 0;
    let last = options.after ?? 0;
    for await (const entry of this.entries.after(last, action === undefined ? limit : AUDIT_SCAN_MAX)) {
      read++;
      last = entry.seq;
      if (action !== undefined && entry.action !== action) continue;
      entries.push(entry);
      if (entries.length === limit) break;
    }
    const more = entries.length === limit || (action !== undefined && read === AUDIT_SCAN_MAX);
    return { entries, next: more ? last : null };
  }

  /** Re-computes the chain from the first entry: the first entry that does not fit, or ok. */
  async verify(): Promise<{ ok: boolean; entries: number; head: string; brokenAt?: number; problem?: string }> {
    let prev = GENESIS;
    let expected = 1;
    for await (const [key, entry] of this.entries.entries()) {
      const { hash, ...body } = entry;
      const problem =
        entry.seq !== expected || key !== auditKey(expected) ? "sequence" : entry.prev !== prev ? "link" : entryHash(body) !== hash ? "hash" : undefined;
      if (problem) return { ok: false, entries: expected - 1, head: prev, brokenAt: expected, problem };
      prev = hash;
      expected++;
    }
    return { ok: true, entries: expected - 1, head: prev };
  }
}

function sanitizeActor(actor: AuditActor): AuditActor {
  if ("tokenId" in actor) return { tokenId: String(actor.tokenId).replace(/[^0-9a-f]/g, "").slice(0, 32), role: String(actor.role).slice(0, 16) };
  if ("memberId" in actor) return { memberId: Number(actor.memberId), via: "gateway" };
  return { system: String(actor.system).replace(/[^a-z.-]/g, "").slice(0, 40) };
}
