import { createHash, randomBytes } from "node:crypto";
import { bilingual, msg } from "../messages/message.js";
import type { CaseIndexer } from "../chain/case-indexer.js";
import type { Clock } from "../domain/clock.js";
import { isExpiredAt, isHeldAt, isHeldStatus } from "../domain/consortium/index.js";
import { maskName } from "../domain/identity/name.js";
import { isPseudonymKey } from "../domain/pseudonyms.js";
import type { CasePii } from "../store/case-records.js";
import type { LetterRecord } from "../store/authorization-letter-repository.js";
import type { GatewayDatabase } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import { ServiceError } from "./service-error.js";

/**
 * Authorization letters: an agency that holds a case right now issues a printable letter whose QR code opens a
 * public page. Behind the QR code is a random token (256 bits, base64url) that names ONE case; the gateway
 * keeps only its SHA-256, so its store cannot be turned back into working links, and answers "not found" for
 * anything else — there is nothing to enumerate. The answer is read from the chain index every time, so after
 * a recall, a return, a sale of the case or the end of the mandate the same QR code says "not authorized".
 */
export type { LetterRecord } from "../store/authorization-letter-repository.js";

export interface Letter extends LetterRecord {
  agencyName: string;
  creditorName: string;
  assignedAt: number;
  until: number;
}

export type PublicState = "authorized" | "ended" | "expired" | "creditor-changed" | "agency-suspended";

/** What a debtor sees behind the QR code: masked, and only about the one case the token names. */
export interface PublicAnswer {
  authorized: boolean;
  state: PublicState;
  message: string;
  agency: string;
  creditor: string;
  debtor: string;
  loanRef: string;
  /** ISO time the mandate started (the current or last assignment) and ends; null when unknown. */
  since: string | null;
  until: string | null;
  issuedAt: string;
  checkedAt: string;
}


const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const digest = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
const iso = (seconds: number) => (seconds > 0 ? new Date(seconds * 1000).toISOString() : null);

export function maskLoanRef(loanRef: string): string {
  const chars = Array.from(loanRef);
  return chars.length <= 4 ? "*".repeat(chars.length) : "*".repeat(chars.length - 4) + chars.slice(-4).join("");
}

export interface AuthorizationLetterDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  indexer: CaseIndexer;
  memberId: number;
  memberName: string;
  nameOf: (memberId: number) => Promise<string>;
  /** Whether this member is an active agency on chain (the caller caches it). */
  isActiveAgency: () => Promise<boolean>;
  clock: Clock;
}

export class AuthorizationLetters {
  constructor(private readonly deps: AuthorizationLetterDeps) {}

  #now(): number {
    return Math.floor(this.deps.clock() / 1000);
  }

  /** Issues a letter for a case this agency holds right now; 404 for a case that is not this agency's, 409 when its mandate is over. */
  async issue(caseKeyRaw: string, staff: string): Promise<{ token: string; path: string; letter: Letter }> {
    const caseKey = caseKeyRaw.toLowerCase();
    if (!isPseudonymKey(caseKey)) throw new ServiceError("VALIDATION_FAILED", msg("api.CASE_KEY_MALFORMED"));
    const record = await this.deps.indexer.caseOf(caseKey);
    if (!record || record.agencyId !== this.deps.memberId) {
      throw new ServiceError("NOT_FOUND", msg("letter.NOT_THIS_AGENCYS", { caseKey }));
    }
    if (!isHeldAt(record, this.#now()) || !(await this.deps.isActiveAgency())) {
      throw new ServiceError("CONFLICT", msg("letter.NO_MANDATE"), {
        status: record.status,
      });
    }
    const stored = await this.deps.store.cases.get(caseKey);
    let debtorName = "—";
    if (stored) debtorName = maskName(this.deps.cipher.openJson<CasePii>(stored.pii, caseKey).name);
    const token = randomBytes(32).toString("base64url");
    const letter: LetterRecord = {
      caseKey,
      agencyId: this.deps.memberId,
      creditorId: record.creditorId,
      debtorName,
      loanRef: stored ? maskLoanRef(stored.loanRef) : "—",
      issuedAt: new Date(this.#now() * 1000).toISOString(),
      issuedBy: staff.slice(0, 100),
    };
    await this.deps.store.authLetters.put(digest(token), letter);
    return {
      token,
      path: `/a/${token}`,
      letter: {
        ...letter,
        loanRef: stored?.loanRef ?? "—",
        agencyName: this.deps.memberName,
        creditorName: await this.deps.nameOf(record.creditorId),
        assignedAt: record.assignedAt,
        until: record.until,
      },
    };
  }

  /** The letter a public token names, or undefined (complaints, docs/design.md §26). */
  async letterOf(token: string): Promise<LetterRecord | undefined> {
    return TOKEN_PATTERN.test(token) ? this.deps.store.authLetters.get(digest(token)) : undefined;
  }

  /** The public answer for a token; 404 (one message for every kind of wrong token) when it names no letter. */
  async lookup(token: string): Promise<PublicAnswer> {
    const letter = TOKEN_PATTERN.test(token) ? await this.deps.store.authLetters.get(digest(token)) : undefined;
    if (!letter) throw new ServiceError("NOT_FOUND", msg("letter.CODE_UNKNOWN"));
    const record = await this.deps.indexer.caseOf(letter.caseKey);
    const now = this.#now();
    let state: PublicState;
    if (!record || record.creditorId !== letter.creditorId) state = "creditor-changed";
    else if (!isHeldStatus(record.status) || record.agencyId !== letter.agencyId) state = "ended";
    else if (isExpiredAt(record, now)) state = "expired";
    else if (!(await this.deps.isActiveAgency())) state = "agency-suspended";
    else state = "authorized";
    const sameMandate = record !== undefined && (state === "authorized" || state === "expired");
    return {
      authorized: state === "authorized",
      state,
      message: bilingual(msg(`letter.${state}`)),
      agency: this.deps.memberName,
      creditor: await this.deps.nameOf(letter.creditorId),
      debtor: letter.debtorName,
      loanRef: letter.loanRef,
      since: sameMandate ? iso(record.assignedAt) : null,
      until: sameMandate ? iso(record.until) : null,
      issuedAt: letter.issuedAt,
      checkedAt: new Date(now * 1000).toISOString(),
    };
  }
}
