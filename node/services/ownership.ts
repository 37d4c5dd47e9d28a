import { bilingual, msg } from "../messages/message.js";
import type { CaseIndexer } from "../chain/case-indexer.js";
import type { CaseRecord } from "../chain/case-events.js";
import { LOAN_REF_MAX_LENGTH } from "../domain/case-list/validate-row.js";
import type { Clock } from "../domain/clock.js";
import { isExpiredAt, isHeldStatus } from "../domain/consortium/index.js";
import { parseIdNumber } from "../domain/identity/id-number.js";
import { codePointLength, isWellFormedUnicode, nfkc } from "../domain/identity/normalize-text.js";
import { isoTime } from "../log/iso-time.js";
import { caseKey as caseKeyOf, debtorKey as debtorKeyOf, isPseudonymKey, type Pepper } from "../domain/pseudonyms.js";
import { ServiceError } from "./service-error.js";

/**
 * The answer an agency gets before it contacts anyone: does it hold this case right now, for whom, until when. About
 * a case it does not hold (and never held) it says only that: creditor, agency, status and proof are null or "None".
 */
export interface OwnershipAnswer {
  authorized: boolean;
  caseKey: string;
  creditorId: number | null;
  agencyId: number | null;
  status: string;
  assignedAt: number | null;
  until: number | null;
  expired: boolean;
  /** Why not, in words (absent when authorized). */
  reason?: string;
  /** Where a court or the debtor can check it on chain. */
  proof: { chainId: number; contract: string; txHash: string | null; block: number | null };
  checkedAt: string;
}

export interface OwnershipDeps {
  indexer: CaseIndexer;
  /** Undefined at a court's gateway: lookups by loan reference or ID number are refused (NO_PEPPER). */
  pepper: Pepper | undefined;
  memberId: number;
  chainId: number;
  caseRegistry: string;
  /** Whether this member is an active agency right now (cached by the caller). */
  isActiveAgency: () => Promise<boolean>;
  /** False while the chain node does not answer: the index may be behind, so no answer is given (503). */
  chainReachable?: () => boolean;
  clock: Clock;
}

const REASONS = {
  notHeld: bilingual(msg("ownership.notHeld")),
  expired: bilingual(msg("ownership.expired")),
  ended: bilingual(msg("ownership.ended")),
  suspended: bilingual(msg("ownership.suspended")),
} as const;

/**
 * Ownership checks from the chain index (fast enough for every call an agency places), by case key, by
 * (creditor, loan reference) or by ID number (hashed here, never stored or logged).
 */
export class OwnershipService {
  constructor(private readonly deps: OwnershipDeps) {}

  async byCaseKey(caseKey: string): Promise<OwnershipAnswer> {
    if (!isPseudonymKey(caseKey)) throw new ServiceError("VALIDATION_FAILED", msg("ownership.CASE_KEY_INVALID"));
    this.#assertChain();
    return this.#answer(caseKey.toLowerCase(), await this.deps.indexer.caseOf(caseKey.toLowerCase()), await this.deps.isActiveAgency());
  }

  /** The case key of a loan reference is derived with the originating lender's id (the creditor unless sold). */
  async byLoanRef(creditorId: number, loanRef: string): Promise<OwnershipAnswer> {
    if (!Number.isSafeInteger(creditorId) || creditorId < 1) throw new ServiceError("VALIDATION_FAILED", msg("ownership.CREDITOR_INVALID"));
    // Canonical as the case-list validator makes it (NFKC, trimmed), then judged: a loan ref of only white space or a
    // BOM is empty once trimmed, and must be a 400 like any other invalid one, not reach caseKey() and its TypeError.
    const canonical = typeof loanRef === "string" ? nfkc(loanRef).trim() : "";
    if (canonical === "" || codePointLength(canonical) > LOAN_REF_MAX_LENGTH || !isWellFormedUnicode(canonical)) {
      throw new ServiceError("VALIDATION_FAILED", msg("ownership.LOAN_REF_INVALID"));
    }
    return this.byCaseKey(caseKeyOf(this.#pepper(), creditorId, canonical));
  }

  /**
   * The cases of this debtor that this agency holds now, and nothing of the debtor's other cases: their creditors,
   * agencies and count are other members' business (an agency could otherwise enumerate ID numbers to map a
   * competitor's portfolio). An empty list says only "not yours".
   */
  async byIdNumber(idNumber: string): Promise<{ debtorKey: string; cases: OwnershipAnswer[] }> {
    const parsed = parseIdNumber(idNumber ?? "");
    if (!parsed.ok) throw new ServiceError("VALIDATION_FAILED", msg("ownership.ID_NUMBER_INVALID"), { code: parsed.code });
    const debtorKey = debtorKeyOf(this.#pepper(), parsed.id18);
    this.#assertChain();
    const now = this.#now();
    const held = (await this.deps.indexer.activeHoldings(debtorKey, now)).filter((h) => h.agencyId === this.deps.memberId);
    const active = await this.deps.isActiveAgency();
    const cases = await Promise.all(held.map(async (h) => this.#answer(h.caseKey, await this.deps.indexer.caseOf(h.caseKey), active)));
    cases.sort((a, b) => Number(b.authorized) - Number(a.authorized));
    return { debtorKey, cases };
  }

  /** An ownership answer is a statement about the chain now: with the node away it could be stale (a recall unseen). */
  #pepper(): Pepper {
    if (!this.deps.pepper) throw new ServiceError("FORBIDDEN", msg("api.NO_PEPPER"));
    return this.deps.pepper;
  }

  #assertChain(): void {
    if (this.deps.chainReachable && !this.deps.chainReachable()) {
      throw new ServiceError("CHAIN_UNAVAILABLE", msg("ownership.CHAIN_UNCONFIRMED"), { retryAfterSeconds: 5 });
    }
  }

  #now(): number {
    return Math.floor(this.deps.clock() / 1000);
  }

  #answer(caseKey: string, record: CaseRecord | undefined, activeAgency: boolean): OwnershipAnswer {
    const now = this.#now();
    const checkedAt = isoTime(this.deps.clock());
    // A case this agency does not hold (another's, or none at all) gets one answer, the same for both: whether it
    // exists, whose it is and where its assignment is on chain are not this agency's to learn.
    if (!record || record.agencyId !== this.deps.memberId) {
      return {
        caseKey,
        checkedAt,
        proof: { chainId: this.deps.chainId, contract: this.deps.caseRegistry, txHash: null, block: null },
        authorized: false,
        creditorId: null,
        agencyId: null,
        status: "None",
        assignedAt: null,
        until: null,
        expired: false,
        reason: REASONS.notHeld,
      };
    }
    const proof = {
      chainId: this.deps.chainId,
      contract: this.deps.caseRegistry,
      txHash: record.assignment?.txHash ?? record.registered.txHash,
      block: record.assignment?.block ?? record.registered.block,
    };
    const base = { caseKey, checkedAt, proof };
    const assigned = isHeldStatus(record.status);
    const expired = isExpiredAt(record, now);
    const authorized = assigned && !expired && activeAgency;
    const reason = authorized ? undefined : !assigned ? REASONS.ended : expired ? REASONS.expired : REASONS.suspended;
    return {
      ...base,
      authorized,
      creditorId: record.creditorId,
      agencyId: record.agencyId,
      status: record.status,
      assignedAt: record.assignedAt,
      until: record.until,
      expired,
      ...(reason ? { reason } : {}),
    };
  }
}
