import { request as httpRequest } from "node:http";
import { expect } from "chai";
import fc from "fast-check";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { DOCUMENTED_ROUTES, type DocumentedRoute } from "../../../node/http/openapi-routes.js";
import type { AuditEntry } from "../../../node/store/audit-log.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { propertyParameters } from "../../support/property.js";
import { roomyLimits } from "../../support/roomy-limits.js";

interface RawResponse {
  status: number;
  body: string;
}

/** A request exactly as given: no URL normalization (fetch would fold `//`, and re-encode). */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { connection: "close", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const CASE_KEY = `0x${"22".repeat(32)}`;
/** Parameter values that are no route word of any sibling route, so a request reaches its own route or none. */
const valueOf = (name: string) => (name === "caseKey" ? CASE_KEY : name === "token" ? "A".repeat(43) : "nope0000");
const canonicalPath = (route: DocumentedRoute) => route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => valueOf(name));

/** An empty JSON object where the route takes a body (a DELETE with a body is malformed HTTP to the gateway). */
const bodyOf = (route: DocumentedRoute) => (route.method === "POST" || route.method === "PUT" ? {} : undefined);

/** The path's own answer to "no such route": the catch-all of node/http/app.ts, in the API's error shape. */
const refusedByRouting = (res: RawResponse) => {
  if (res.status !== 404) return false;
  try {
    return (JSON.parse(res.body) as { error?: { messageId?: string } }).error?.messageId === "api.NO_SUCH_ENDPOINT";
  } catch {
    return false;
  }
};

interface RouterLike {
  caseSensitive?: unknown;
  strict?: unknown;
  stack: Array<{ handle?: unknown }>;
}
const isRouter = (handle: unknown): handle is RouterLike => typeof handle === "function" && Array.isArray((handle as { stack?: unknown }).stack);

/** The app's router and every router mounted under it, however deep. */
function routersOf(root: unknown): RouterLike[] {
  if (!isRouter(root)) return [];
  return [root, ...root.stack.flatMap((layer) => routersOf(layer.handle))];
}

/** One spelling of a route's path: the route words (never the parameter values) cased, encoded and slashed at random. */
const spelling = (route: DocumentedRoute) =>
  fc
    .record({
      // Per character of a route word: as is, the other case, or percent-encoded (either hex case).
      // Mostly as written, so that many spellings differ in one way only (a casing, or an encoding) and reach express.
      chars: fc.array(
        fc.oneof(
          { weight: 12, arbitrary: fc.constant("same") },
          { weight: 3, arbitrary: fc.constant("case") },
          { weight: 1, arbitrary: fc.constant("encode") },
          { weight: 1, arbitrary: fc.constant("encodeLower") },
        ),
        { minLength: 64, maxLength: 64 },
      ),
      trailing: fc.boolean(),
      doubled: fc.option(fc.nat(8), { nil: undefined }),
    })
    .map(({ chars, trailing, doubled }) => {
      let i = 0;
      const segments = route.path.split("/").map((segment) => {
        if (segment.startsWith(":")) return valueOf(segment.slice(1));
        return [...segment]
          .map((c) => {
            const how = chars[i++ % chars.length];
            if (how === "case") return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
            const hex = c.charCodeAt(0).toString(16).padStart(2, "0");
            if (how === "encode") return `%${hex.toUpperCase()}`;
            if (how === "encodeLower") return `%${hex.toLowerCase()}`;
            return c;
          })
          .join("");
      });
      if (doubled !== undefined) segments.splice(1 + (doubled % segments.length), 0, "");
      const path = segments.join("/") || "/";
      return trailing && !path.endsWith("/") ? `${path}/` : path;
    });

/**
 * The audit log cannot be walked around by how a path is spelled (issue 12): express matches only the route list's
 * own spelling (case-sensitive, strict), and the audit decision is the route express ran, so every call a staff token
 * makes to a route that changes something or opens personal data is either refused before any route ran or in the
 * log under its route's canonical action. Against a real gateway over HTTP, with anvil.
 */
describe("http: the audit log and the spelling of a path", function () {
  this.timeout(240_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let admin: string;
  let lender: string;

  before(async () => {
    consortium = await startConsortium([{ name: "home", roles: ROLE.LENDER | ROLE.AGENCY | ROLE.COURT }]);
    const config = consortium.member("home").config;
    const roomy = { ...config, rateLimits: roomyLimits(config.rateLimits) };
    gateway = await startGateway(roomy, { log: () => {} });
    admin = (await gateway.tokens.create("admin", "audit admin")).token;
    lender = (await gateway.tokens.create("lender", "audit lender")).token;
  });
  after(async () => {
    await gateway?.close();
    await consortium?.stop();
  });

  /** The entries written since `seq`, once the writes of the responses already sent have landed. */
  async function entriesAfter(seq: number, expected: number): Promise<AuditEntry[]> {
    for (let waited = 0; ; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (gateway.audit.head.seq - seq >= expected && waited >= 30) break;
      if (waited > 2_000) break;
    }
    return (await gateway.audit.page({ after: seq, limit: 1_000 })).entries;
  }

  async function send(token: string, method: string, path: string, body?: unknown) {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(text === undefined ? {} : { "content-type": "application/json" }) };
    const seq = gateway.audit.head.seq;
    const res = await raw(gateway.url, method, path, headers, text);
    return { res, seq };
  }

  it("GET /v1/audit?action= pages one action's entries only; a repeated or empty action is 400", async () => {
    // The entry is written once the response has finished: wait for it before paging, as every test here does.
    const read = await send(lender, "GET", `/v1/cases/${CASE_KEY}`);
    expect(await entriesAfter(read.seq, 1)).to.have.length(1);
    const get = async (query: string) => {
      const res = await fetch(`${gateway.url}/v1/audit?${query}`, { headers: { authorization: `Bearer ${admin}` } });
      return { status: res.status, body: (await res.json()) as { entries: AuditEntry[]; next: number | null } };
    };
    const one = await get(`action=${encodeURIComponent("GET /v1/cases/:caseKey")}&limit=1000`);
    expect(one.status).to.equal(200);
    expect(one.body.entries).to.have.length.greaterThan(0);
    expect(new Set(one.body.entries.map((e) => e.action))).to.deep.equal(new Set(["GET /v1/cases/:caseKey"]));
    expect((await get("action=a&action=b")).status).to.equal(400);
    expect((await get("action=")).status).to.equal(400);
  });

  it("refuses GET /v1/Cases/<key> (full personal data) as no route, and audits the route's own spelling", async () => {
    const wrong = await send(lender, "GET", `/v1/Cases/${CASE_KEY}`);
    expect(refusedByRouting(wrong.res), `${wrong.res.status} ${wrong.res.body}`).to.equal(true);
    expect(await entriesAfter(wrong.seq, 0)).to.deep.equal([]);
    const right = await send(lender, "GET", `/v1/cases/${CASE_KEY}`);
    expect(refusedByRouting(right.res)).to.equal(false);
    const entries = await entriesAfter(right.seq, 1);
    expect(entries.map((e) => [e.action, e.status, e.caseKeys])).to.deep.equal([["GET /v1/cases/:caseKey", right.res.status, [CASE_KEY]]]);
  });

  it("refuses POST /V1/CASES/actions (a recall) as no route, and audits the route's own spelling", async () => {
    const recall = { action: "recall", caseKeys: [CASE_KEY] };
    const wrong = await send(lender, "POST", "/V1/CASES/actions", recall);
    expect(refusedByRouting(wrong.res), `${wrong.res.status} ${wrong.res.body}`).to.equal(true);
    expect(await entriesAfter(wrong.seq, 0)).to.deep.equal([]);
    const right = await send(lender, "POST", "/v1/cases/actions", recall);
    const entries = await entriesAfter(right.seq, 1);
    expect(entries.map((e) => [e.action, e.status])).to.deep.equal([["POST /v1/cases/actions recall", right.res.status]]);
  });

  it("records a path parameter as express decoded it, once: `%2541` is never read as `A`", async () => {
    const res = await send(lender, "DELETE", "/v1/agencies/%2541");
    expect(refusedByRouting(res.res)).to.equal(false);
    const entries = await entriesAfter(res.seq, 1);
    expect(entries.map((e) => e.action)).to.deep.equal(["DELETE /v1/agencies/:id"]);
    // "%41" is not a value the log keeps (REF_VALUE), so no id at all; decoded twice it would have been "A".
    expect(entries[0]!.ref?.id).to.equal(undefined);
  });

  it("routes case-sensitively and strictly on the app and in every router it mounts", () => {
    const routers = routersOf(gateway.app.router);
    expect(routers.length).to.be.greaterThan(15);
    expect(routers.filter((r) => r.caseSensitive !== true || r.strict !== true).length, "routers with express's lenient defaults").to.equal(0);
  });

  it("refuses a trailing slash, an empty segment and another casing of the ownership check's path", async () => {
    for (const path of ["/v1/cases/", "/v1//cases", "/v1/audit/", "//v1/cases/actions", `/V1/ownership?caseKey=${CASE_KEY}`, `/v1/Ownership?caseKey=${CASE_KEY}`]) {
      const { res } = await send(admin, path.includes("actions") ? "POST" : "GET", path, path.includes("actions") ? {} : undefined);
      expect(refusedByRouting(res), `${path}: ${res.status} ${res.body}`).to.equal(true);
    }
  });

  it("answers every spelling of every route either as no route, or from the route with its canonical audit entry", async () => {
    const routes = DOCUMENTED_ROUTES;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes).chain((route) => fc.tuple(fc.constant(route), spelling(route))),
        async ([route, path]) => {
          const { res, seq } = await send(admin, route.method, path, bodyOf(route));
          const audited = route.role !== "none" && (route.audit ?? route.method !== "GET");
          const entries = await entriesAfter(seq, refusedByRouting(res) || !audited ? 0 : 1);
          const where = `${route.method} ${path} → ${res.status} ${res.body.slice(0, 200)}`;
          if (refusedByRouting(res) || !audited) {
            expect(entries, where).to.deep.equal([]);
            return;
          }
          expect(entries.length, where).to.equal(1);
          expect(entries[0]!.action.split(" ").slice(0, 2).join(" "), where).to.equal(`${route.method} ${route.path}`);
          expect(entries[0]!.status, where).to.equal(res.status);
        },
      ),
      propertyParameters(150),
    );
    // The spellings as written are reached too (the property's shrinking favours them; this holds them regardless).
    for (const route of routes.filter((r) => r.role !== "none")) {
      const { res } = await send(admin, route.method, canonicalPath(route), bodyOf(route));
      expect(refusedByRouting(res), `${route.method} ${canonicalPath(route)}`).to.equal(false);
    }
  });
});
