import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";

/** One request as the server got it: everything a secret could hide in. */
export interface RecordedRequest {
  at: number;
  method: string;
  /** The path with its query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * How the server answers: "proxy" passes the request on to `forward()` and returns its answer; "unavailable" is a
 * 503; "ok-without-ack" a plain 200 receipt without a signature (what a gateway that did not check, or an impostor,
 * would say); a function answers as it likes.
 */
export type RecordingMode = "proxy" | "unavailable" | "ok-without-ack" | ((req: RecordedRequest, res: ServerResponse) => void);

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  setMode(mode: RecordingMode): void;
  close(): Promise<void>;
  server: Server;
}

const read = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });

/**
 * An HTTP server on 127.0.0.1 that records every request it gets — method, path, headers, body bytes — and answers as
 * its mode says: a gateway in front of a real one, an attacker's server, a receiver that stalls.
 */
export async function recordingServer(options: { forward?: () => string; mode?: RecordingMode } = {}): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let mode: RecordingMode = options.mode ?? (options.forward ? "proxy" : "ok-without-ack");
  const server = createServer((req, res) => {
    void read(req).then(async (body) => {
      const recorded: RecordedRequest = { at: Date.now(), method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      requests.push(recorded);
      if (typeof mode === "function") return mode(recorded, res);
      if (mode === "unavailable" || mode === "ok-without-ack" || !options.forward) {
        res.writeHead(mode === "unavailable" ? 503 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify(mode === "unavailable" ? { error: { code: "UNAVAILABLE" } } : { accepted: 1, rejected: [] }));
        return;
      }
      const answer = await fetch(`${options.forward()}${req.url}`, {
        method: req.method,
        headers: { "content-type": String(req.headers["content-type"] ?? "application/json") },
        ...(body.length ? { body } : {}),
      });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    server,
    setMode: (m) => void (mode = m),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A synthetic debtor's personal data: what must never reach a server that is not owed it. */
export interface DebtorPii {
  name: string;
  idNumber: string;
  phone?: string;
}

/** Each secret as it could travel: raw, base64 (and base64url), percent-encoded. */
function encodings(secret: string): string[] {
  const utf8 = Buffer.from(secret, "utf8");
  return [secret, utf8.toString("base64"), utf8.toString("base64url"), encodeURIComponent(secret), escape(secret)].filter((v, i, all) => all.indexOf(v) === i);
}

/**
 * Fails when the recorded requests (method, path, headers and body) hold the name, ID number or phone of any of the
 * debtors — raw, in base64, or percent-encoded. The failure names the debtor's index and the form, never the value.
 */
export function expectNoPii(requests: readonly RecordedRequest[], debtors: readonly DebtorPii[], what = "the recorded requests"): void {
  const wire = requests.map((r) => `${r.method} ${r.path}\n${JSON.stringify(r.headers)}\n${r.body.toString("latin1")}\n${r.body.toString("utf8")}`).join("\n");
  debtors.forEach((d, i) => {
    for (const [field, value] of Object.entries({ name: d.name, idNumber: d.idNumber, phone: d.phone })) {
      if (!value) continue;
      encodings(value).forEach((form, n) => {
        expect(wire.includes(form), `${what} hold debtor ${i}'s ${field} (encoding ${n})`).to.equal(false);
      });
    }
  });
}
