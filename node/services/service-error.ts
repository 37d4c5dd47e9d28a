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
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

/**
 * An error a service raises for its caller: a stable code, a bilingual message, details. The HTTP layer turns it
 * into `{ error: { code, message, details } }` with the code's status; the CLI prints it.
 */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode | string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.status = options?.status ?? API_ERRORS[code as ApiErrorCode] ?? 400;
  }
}

export const notFound = (what: string) => new ServiceError("NOT_FOUND", `未找到 / not found: ${what}`);
export const forbidden = (why: string) => new ServiceError("FORBIDDEN", `无权限 / forbidden: ${why}`);
