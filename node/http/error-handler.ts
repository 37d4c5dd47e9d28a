import type { NextFunction, Request, Response } from "express";
import { msg, onTheWire } from "../messages/message.js";
import { CaseListFileError } from "../domain/errors.js";
import { ApiError } from "./api-error.js";
import { outageError } from "./outage-errors.js";
import type { Logger } from "../log/logger.js";

export type { Logger };

interface HttpError {
  status: number;
  expose: true;
  type?: string;
  code?: string;
}

/**
 * An error that express or its body parser raised about the request itself (an undecodable percent-escape in the
 * path, a body that does not decompress, an unsupported Content-Encoding or charset, a Content-Length that does not
 * match): the client's fault, a 4xx — not a 500 to page someone about.
 */
function isClientHttpError(error: unknown): error is HttpError {
  const e = error as Partial<HttpError> | null;
  // The router marks an undecodable path parameter with status 400 but not `expose`.
  return !!e && (e.expose === true || error instanceof URIError) && typeof e.status === "number" && e.status >= 400 && e.status < 500;
}

/** Our code and bilingual message for such an error; its own message (English, from a library) is not passed on. */
function clientError(error: HttpError): ApiError {
  const reason = error.type ?? error.code;
  const details = reason ? { reason } : undefined;
  if (error.status === 413) return new ApiError("PAYLOAD_TOO_LARGE", msg("api.BODY_TOO_LARGE"), details);
  if (error.status === 415) return new ApiError("UNSUPPORTED_MEDIA_TYPE", msg("api.BODY_ENCODING"), details);
  if (error.code?.startsWith("Z_") || error.code?.startsWith("ERR__")) {
    return new ApiError("BAD_REQUEST", msg("api.BODY_NOT_DECOMPRESSED"), details);
  }
  if (error instanceof URIError) return new ApiError("BAD_REQUEST", msg("api.PATH_ESCAPE_INVALID"), details);
  return new ApiError("BAD_REQUEST", msg("api.BAD_REQUEST"), details, { status: error.status });
}

/**
 * Turns every error into `{ error: { code, message, details } }` with its status. The chain node or the store being
 * away is 503/507 with a Retry-After (see outage-errors.ts), never a 500. Unknown errors become a bare 500: their
 * messages may hold anything, so they go to the log (without request bodies) and not to the client.
 */
export function errorHandler(log: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    let api: ApiError;
    const outage = outageError(error);
    if (error instanceof ApiError) api = error as ApiError;
    else if (outage) {
      // The cause in the log (driver messages may hold paths); the client gets the code and a retry hint.
      log({ level: "warn", msg: "request refused: dependency unavailable", code: outage.code, method: req.method, path: req.path, error: String((error as Error)?.message ?? error).slice(0, 300) });
      api = outage;
    } else if (error instanceof CaseListFileError) {
      // Too large to take, or to read within the upload's memory bound: the same fix (a smaller file).
      const status = error.code === "FILE_TOO_LARGE" || error.code === "UPLOAD_OUT_OF_MEMORY" ? 413 : 400;
      api = new ApiError(error.code, msg(`file.${error.code}`), error.details, { status });
    } else if ((error as { type?: string }).type === "entity.too.large") {
      api = new ApiError("PAYLOAD_TOO_LARGE", msg("api.BODY_TOO_LARGE"));
    } else if ((error as { type?: string }).type === "entity.parse.failed") {
      api = new ApiError("BAD_REQUEST", msg("api.BODY_NOT_JSON"));
    } else if (isClientHttpError(error)) {
      api = clientError(error);
    } else {
      log({ level: "error", msg: "unhandled error", method: req.method, path: req.path, error: String((error as Error)?.stack ?? error) });
      api = new ApiError("INTERNAL", msg("api.INTERNAL"));
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Refused before its body was read to the end (an upload cut short by a full disk, a limit): the rest of the body
    // is still on the socket, so the connection must not be reused for another request.
    if (!req.complete) res.set("Connection", "close");
    const retryAfter = (api.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (api.status === 503 || api.status === 507) res.set("Retry-After", String(typeof retryAfter === "number" ? retryAfter : 5));
    else if (api.status === 429 && typeof retryAfter === "number") res.set("Retry-After", String(retryAfter));
    res.status(api.status).json({ error: { code: api.code, ...onTheWire(api.text), ...(api.details === undefined ? {} : { details: api.details }) } });
  };
}
