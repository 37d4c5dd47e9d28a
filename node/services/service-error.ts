import type { FileErrorCode } from "../domain/errors.js";
import { bilingual, type Catalog, type Message, type MessageId, msg, type ParamsOf, render } from "../messages/message.js";

/** Every error an API client can get, as a stable code with its HTTP status. */
export const API_ERRORS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  NOT_CSV: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  /** This gateway's own member is suspended or removed in MemberRegistry. */
  MEMBER_SUSPENDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** A gateway-to-gateway message seen before (its nonce or hash). */
  REPLAYED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  CHAIN_UNAVAILABLE: 503,
  /** LevelDB refused a read or a write (not open, I/O error, corruption): the gateway keeps what it acknowledged. */
  STORE_UNAVAILABLE: 503,
  /** The disk of the data directory is full: nothing was written; free space, then restart the gateway. */
  STORAGE_FULL: 507,
  /** caseledger-peer/1 (POST /v1/peer and the sender): each refusal of a member-to-member message has its code. */
  PEER_FORMAT: 400,
  PEER_WRONG_RECIPIENT: 400,
  PEER_STALE: 400,
  PEER_NOT_MEMBER: 403,
  PEER_BAD_SIGNATURE: 403,
  PEER_UNKNOWN_KIND: 404,
  PEER_REPLAYED: 409,
  /** The other member's gateway could not be reached, or answered without a valid signed answer. */
  PEER_UNREACHABLE: 502,
  /** Repayments (docs/design.md §22): the reporter does not hold the case now; more than is outstanding; a waiver past the limit. */
  REPAYMENT_NOT_HOLDER: 403,
  REPAYMENT_EXCEEDS_OUTSTANDING: 409,
  VOUCHER_REUSED: 409,
  WAIVER_LIMIT_EXCEEDED: 409,
  /** Fee schedules (§23): a new version that would come into force in or before a month already stated for the pair. */
  SCHEDULE_OVERLAPS_STATEMENT: 409,
  /** Complaints (§26): a letter too old to take complaints. */
  COMPLAINT_LETTER_EXPIRED: 410,
  /** Contact permits (§25): the first rule a contact now would break. */
  CONTACT_NOT_HELD: 403,
  CONTACT_QUIET_HOURS: 409,
  CONTACT_DAILY_CAP: 409,
  CONTACT_OPEN_COMPLAINT: 409,
  CONTACT_PROMISE_PENDING: 409,
  CONTACT_TEXT_REFUSED: 422,
  /** Another holder's tally cannot be current and the policy fails closed. */
  CONTACT_TALLY_STALE: 503,
  /** Mediation (§28): a mediator that is not an Active MEDIATOR; a signature not by the member's key; filing before a default. */
  MEDIATION_NOT_MEDIATOR: 403,
  MEDIATION_BAD_SIGNATURE: 403,
  MEDIATION_NOT_EFFECTIVE: 409,
  MEDIATION_NOT_IN_DEFAULT: 409,
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

/**
 * An error a service raises for its caller: a stable code (the API's, which sets the HTTP status), a message id
 * with typed parameters, details. The HTTP layer puts the message into words from the catalog and answers
 * `{ error: { code, message, details } }` with the code's status; the CLI prints it.
 */
export class ServiceError<Id extends MessageId = MessageId> extends Error {
  override readonly name = "ServiceError";
  readonly status: number;
  readonly messageId: Id;
  readonly params: ParamsOf<Id>;
  constructor(
    readonly code: ApiErrorCode | FileErrorCode,
    text: Message<Id>,
    readonly details?: unknown,
    options?: { cause?: unknown; status?: number },
  ) {
    super(bilingual(text), options);
    this.messageId = text.id;
    this.params = text.params;
    this.status = options?.status ?? API_ERRORS[code as ApiErrorCode] ?? 400;
  }

  /** The message id and parameters, for an edge to put into words. */
  get text(): Message<Id> {
    return { id: this.messageId, params: this.params };
  }
}

/** 404 for one thing by its id, e.g. `notFound("caseList", id)`. */
export const notFound = (thing: keyof Catalog["thing"], id: string | number) =>
  new ServiceError("NOT_FOUND", msg("api.NOT_FOUND", { thingZh: render(msg(`thing.${thing}`), "zh"), thingEn: render(msg(`thing.${thing}`), "en"), id }));

/**
 * 400 for a document with problems (a fee schedule, a mediation agreement, a filing's fields): `summary` says which,
 * and each problem keeps its code and JSON path with its own words (`words`: the problem's catalog message).
 */
export function problemsInvalid<P extends { readonly code: string }>(summary: Message, problems: readonly P[], words: (problem: P) => Message): ServiceError {
  return new ServiceError("VALIDATION_FAILED", summary, { problems: problems.map((p) => ({ ...p, message: bilingual(words(p)) })) });
}
