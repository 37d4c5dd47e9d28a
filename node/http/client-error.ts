import { STATUS_CODES, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { msg, onTheWire } from "../messages/message.js";

/**
 * Answers requests that Node's HTTP parser refuses before express sees them (headers over the size limit, a
 * malformed request line) in the API's error shape, instead of Node's bare status line: a client gets the same
 * `{ error: { code, message } }` whatever layer refused it. The connection is closed afterwards.
 */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      error.code === "HPE_HEADER_OVERFLOW"
        ? ([431, "HEADERS_TOO_LARGE", msg("api.HEADERS_TOO_LARGE")] as const)
        : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? ([408, "REQUEST_TIMEOUT", msg("api.REQUEST_TIMEOUT")] as const)
          : ([400, "BAD_REQUEST", msg("api.MALFORMED_HTTP")] as const);
    const body = JSON.stringify({ error: { code, ...onTheWire(message) } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
