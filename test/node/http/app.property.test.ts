import { request as httpRequest } from "node:http";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { PROJECT_ROOT } from "../../../node/paths.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { propertyParameters } from "../../support/property.js";

/**
 * The HTTP layer under hostile input, against real gateways (a lender's and an agency's) on random ports with anvil:
 * malformed JSON, wrong content types, huge headers, path traversal in file and blob names, Unicode tricks in names
 * and loan refs. Every answer is a clean 4xx (or a 2xx where the input is merely odd) in the error shape of
 * docs/design.md §18, never a 500, never a crash, never the bytes of a file outside the served directories.
 */
interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request exactly as given: no URL normalization (fetch would resolve `..`), any header size. */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { connection: "close", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const TRICKS = ["\u202e", "\u202d", "\u2066", "\u200b", "\u200d", "\ufeff", "\u0301", "\u0338", "Ａ", "１", "／", "．", "\u3000", "𠀀", "é", "e\u0301", "\ud83d\ude00", "ﷺ", "\u00ad"];
const trickyText = (min = 1) =>
  fc.string({ unit: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TRICKS) }, { weight: 2, arbitrary: fc.constantFrom(..."AZaz09-_.") }, { weight: 1, arbitrary: fc.constantFrom(..."合同编号测试") }), minLength: min, maxLength: 12 });

const TRAVERSALS = [
  "../../package.json",
  "..%2f..%2fpackage.json",
  "%2e%2e%2f%2e%2e%2fpackage.json",
  "%2e%2e/%2e%2e/keys/store.key",
  "..%5c..%5cpackage.json",
  "....//....//package.json",
  "%252e%252e%252fpackage.json",
  "%c0%ae%c0%ae%c0%afpackage.json",
  "%ef%bc%8e%ef%bc%8e%ef%bc%8fpackage.json",
  "package.json%00.js",
  "/etc/passwd",
  "%2fetc%2fpasswd",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "%zz",
  "%",
  "console.js%2f..%2f..%2fpackage.json",
  "data%2fmembers",
];

const SERVED_PREFIXES = ["/console/", "/console/vendor/", "/verify/", "/a/", "/v1/evidence/", "/v1/case-lists/", "/v1/cases/", "/v1/jobs/", "/v1/allocations/", "/v1/agencies/", "/"];
const SUFFIXES = ["", "/content", "/receipt?download=1", "/rejected.csv", "/report"];

describe("node/http: the gateway under hostile input, properties", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let lenderToken: string;
  let agencyToken: string;
  const errors: Array<Record<string, unknown>> = [];
  /** Bytes that must never be served: secrets of the members and files outside the served directories. */
  let forbidden: string[];

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    const log = (event: Record<string, unknown>) => {
      if (event.level === "error") errors.push(event);
    };
    lender = await startGateway(consortium.member("lender").config, { log });
    agency = await startGateway(consortium.member("agency").config, { log });
    lenderToken = (await lender.tokens.create("lender", "props")).token;
    agencyToken = (await agency.tokens.create("agency", "props")).token;
    const home = join(consortium.dir, "members", "lender");
    forbidden = [
      consortium.pepperSecretHex,
      (await readFile(join(home, "keys", "store.key"), "utf8")).trim(),
      consortium.member("lender").wallet.privateKey.slice(2),
      (await readFile(join(PROJECT_ROOT, "package.json"), "utf8")).slice(0, 120),
      (await readFile(join(PROJECT_ROOT, "tsconfig.json"), "utf8")).slice(0, 120),
      "root:x:0:0",
    ];
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });
  afterEach(() => {
    expect(errors, JSON.stringify(errors.slice(0, 3))).to.deep.equal([]);
  });

  /** A 4xx in the error shape, or a 2xx; never a 5xx; nothing secret or outside the served files in the body. */
  function expectClean(res: RawResponse, what: string, allowOk = true): void {
    expect(res.status, `${what} → ${res.status} ${res.body.slice(0, 300)}`).to.be.below(500);
    if (!allowOk) expect(res.status, `${what} → ${res.status}`).to.be.at.least(400);
    if (res.status >= 400) {
      const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
      expect(body.error?.code, `${what}: ${res.body}`).to.be.a("string").that.matches(/^[A-Z_]+$/);
      expect(body.error?.message, `${what}: ${res.body}`).to.be.a("string").that.matches(/\/ [A-Za-z]/);
    }
    for (const secret of forbidden) expect(res.body.includes(secret), `${what} served forbidden bytes`).to.equal(false);
  }

  async function expectAlive(gateway: Gateway): Promise<void> {
    const health = await raw(gateway.url, "GET", "/v1/health");
    expect(health.status).to.equal(200);
  }

  describe("regressions found by these properties", () => {
    it("a JSON body that does not decompress as its Content-Encoding says → 400 BAD_REQUEST, not 500", async () => {
      for (const encoding of ["br", "gzip", "deflate"]) {
        const res = await raw(agency.url, "POST", "/v1/evidence/hash", { authorization: `Bearer ${agencyToken}`, "content-type": "application/json", "content-encoding": encoding }, "{");
        expect(res.status, encoding).to.equal(400);
        expect(JSON.parse(res.body).error.code).to.equal("BAD_REQUEST");
      }
    });

    it("an undecodable percent-escape in a path parameter → 400, not 500", async () => {
      for (const path of ["/console/%zz", "/console/vendor/%zz", "/v1/evidence/%zz/content"]) {
        const res = await raw(agency.url, "GET", path, { authorization: `Bearer ${agencyToken}` });
        expect(res.status, path).to.equal(400);
        expect(JSON.parse(res.body).error.code).to.equal("BAD_REQUEST");
      }
    });

    it("console file names that are Object.prototype's keys → 404, not 500", async () => {
      for (const path of ["/console/hasOwnProperty", "/console/constructor", "/console/vendor/toString", "/console/vendor/__proto__"]) {
        const res = await raw(lender.url, "GET", path);
        expect(res.status, path).to.equal(404);
        expect(JSON.parse(res.body).error.code).to.equal("NOT_FOUND");
      }
    });

    it("an ownership check by a loan ref that is empty once trimmed (a BOM, white space) → 400, not 500", async () => {
      for (const loanRef of ["\ufeff", " ", "\u3000", "\ufeff \u3000"]) {
        const res = await raw(agency.url, "GET", `/v1/ownership?creditorId=1&loanRef=${encodeURIComponent(loanRef)}`, { authorization: `Bearer ${agencyToken}` });
        expect(res.status, JSON.stringify(loanRef)).to.equal(400);
        expect(JSON.parse(res.body).error.code).to.equal("VALIDATION_FAILED");
      }
    });

    it("headers over Node's limit → 431 in the error shape, not a bare status line", async () => {
      const res = await raw(lender.url, "GET", "/v1/health", { "x-padding": "a".repeat(20_000) });
      expect(res.status).to.equal(431);
      expect(JSON.parse(res.body)).to.deep.equal({ error: { code: "HEADERS_TOO_LARGE", message: "请求头过大 / request headers too large", messageId: "api.HEADERS_TOO_LARGE" } });
    });
  });

  it("malformed JSON, any JSON value and odd charsets on every JSON route → 4xx in the error shape, never 500", async () => {
    const routes: Array<[Gateway, string, string, () => string]> = [
      [agency, "POST", "/v1/evidence/hash", () => agencyToken],
      [agency, "POST", "/v1/verify", () => agencyToken],
      [agency, "POST", "/v1/ownership", () => agencyToken],
      [agency, "PUT", "/v1/profile", () => agencyToken],
      [lender, "PUT", "/v1/agencies/2", () => lenderToken],
      [lender, "POST", "/v1/case-lists/x/allocation", () => lenderToken],
      [agency, "POST", `/v1/evidence/0x${"ab".repeat(32)}/court-verification`, () => agencyToken],
    ];
    const bodyArb = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.constantFrom("{", "[", "nul", '{"a":', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', "[".repeat(100_000), '"\\ud800"', "\ufeff{}", "{}".repeat(10)),
    );
    const typeArb = fc.constantFrom("application/json", "application/json; charset=utf-16", "application/json; charset=gb2312", "application/json; charset=\"utf-8\"", "APPLICATION/JSON", "application/json;;", "application/json; charset=");
    await fc.assert(
      fc.asyncProperty(fc.nat(routes.length - 1), bodyArb, typeArb, fc.constantFrom(undefined, "gzip", "deflate", "br", "identity", "x-unknown"), async (r, body, type, encoding) => {
        const [gateway, method, path, token] = routes[r]!;
        const headers: Record<string, string> = { authorization: `Bearer ${token()}`, "content-type": type };
        if (encoding) headers["content-encoding"] = encoding;
        const res = await raw(gateway.url, method, path, headers, body);
        expectClean(res, `${method} ${path} ${type} ${encoding ?? ""} ${JSON.stringify(body.slice(0, 40))}`);
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      }),
      propertyParameters(120),
    );
    await expectAlive(lender);
    await expectAlive(agency);
  });

  it("wrong content types on uploads, evidence and verification → 4xx (415/400) in the error shape, never 500", async () => {
    const printable = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz/+-.;= *\"0123456789"), maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom("", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "text/html", "image/png", "application/json", "text/csv; charset=utf-16", "*/*", "text/csv;;;", "application/xml"), printable),
        fc.constantFrom<[string, string]>(["lender", "/v1/case-lists?name=x.csv"], ["agency", `/v1/evidence?caseKey=0x${"cd".repeat(32)}&kind=letter`], ["agency", "/v1/verify"], ["agency", "/v1/evidence/hash"]),
        fc.uint8Array({ maxLength: 200 }),
        async (type, [who, path], body) => {
          const gateway = who === "lender" ? lender : agency;
          const headers: Record<string, string> = { authorization: `Bearer ${who === "lender" ? lenderToken : agencyToken}` };
          if (type !== "") headers["content-type"] = type;
          const res = await raw(gateway.url, "POST", path, headers, body);
          expectClean(res, `POST ${path} as ${JSON.stringify(type)}`);
        },
      ),
      propertyParameters(80),
    );
  });

  it("huge headers (one of 20–200 kB, thousands of small ones, a huge bearer token) → 4xx in the error shape, the gateway alive", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("one", "many", "token"), fc.integer({ min: 20_000, max: 200_000 }), fc.constantFrom("/v1/health", "/v1/cases", "/verify", "/"), async (kind, size, path) => {
        const headers: Record<string, string> = { authorization: `Bearer ${lenderToken}` };
        if (kind === "one") headers["x-padding"] = "a".repeat(size);
        else if (kind === "many") for (let i = 0; i < size / 20; i++) headers[`x-h${i}`] = "v";
        else headers.authorization = `Bearer ${"t".repeat(size)}`;
        const res = await raw(lender.url, "GET", path, headers).catch((error: NodeJS.ErrnoException) => ({ status: 0, headers: {}, body: String(error.code) }));
        // A client may see the connection reset before the 431 when the server stops reading: both are refusals.
        if (res.status === 0) expect(res.body).to.be.oneOf(["ECONNRESET", "EPIPE"]);
        else {
          expectClean(res, `${kind} ${size}`, false);
          expect(res.status).to.be.oneOf([400, 401, 413, 431]);
        }
        await expectAlive(lender);
      }),
      propertyParameters(12),
    );
  });

  it("path traversal in file, blob and list names on every served path → 4xx or a served file, never a file outside", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SERVED_PREFIXES), fc.constantFrom(...TRAVERSALS), fc.constantFrom(...SUFFIXES), fc.boolean(), async (prefix, name, suffix, asAgency) => {
        const gateway = asAgency ? agency : lender;
        const path = `${prefix}${name}${suffix}`;
        const res = await raw(gateway.url, "GET", path, { authorization: `Bearer ${asAgency ? agencyToken : lenderToken}` });
        expectClean(res, `GET ${path}`);
        // The only 200s are the console's pages (the SPA shell, the public page behind a letter's QR code).
        if (res.status < 300) expect(res.headers["content-type"], `GET ${path}`).to.match(/^text\/html/);
      }),
      propertyParameters(250),
    );
  });

  it("Unicode tricks in names, loan refs and file names (RTL overrides, zero-width, full-width, combining marks): uploads, lookups and downloads stay clean", async () => {
    await fc.assert(
      fc.asyncProperty(trickyText(), trickyText(), trickyText(), async (name, loanRef, fileName) => {
        const csv = `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数,产品\n${loanRef.replaceAll(",", "")},${name.replaceAll(",", "")}测试,110101194912310029,13800138000,100,100,1,${name}\n`;
        const up = await raw(lender.url, "POST", `/v1/case-lists?name=${encodeURIComponent(fileName)}`, { authorization: `Bearer ${lenderToken}`, "content-type": "text/csv" }, csv);
        expectClean(up, `upload ${JSON.stringify([name, loanRef, fileName])}`);
        expect(up.status).to.equal(201);
        const list = JSON.parse(up.body) as { id: string; totals: { rows: number } };
        expect(list.totals.rows).to.equal(1);
        const report = await raw(lender.url, "GET", `/v1/case-lists/${list.id}/report`, { authorization: `Bearer ${lenderToken}` });
        expectClean(report, "report");
        const download = await raw(lender.url, "GET", `/v1/case-lists/${list.id}/rejected.csv`, { authorization: `Bearer ${lenderToken}` });
        expectClean(download, "rejected.csv");
        const disposition = String(download.headers["content-disposition"] ?? "");
        // The suggested file name carries no direction overrides, invisible characters or path separators.
        expect(decodeURIComponent(disposition.replace(/^.*filename\*=UTF-8''/, "")), disposition).not.to.match(/[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff\u00ad/\\]/);
        for (const path of [`/v1/cases?loanRef=${encodeURIComponent(loanRef)}`, `/v1/cases/${encodeURIComponent(loanRef)}`]) {
          expectClean(await raw(lender.url, "GET", path, { authorization: `Bearer ${lenderToken}` }), `GET ${path}`);
        }
        const check = await raw(agency.url, "GET", `/v1/ownership?creditorId=1&loanRef=${encodeURIComponent(loanRef)}`, { authorization: `Bearer ${agencyToken}` });
        expectClean(check, `ownership ${JSON.stringify(loanRef)}`);
        if (loanRef.normalize("NFKC").trim() === "") expect(check.status).to.equal(400);
        else {
          expect(check.status).to.equal(200);
          expect((JSON.parse(check.body) as { authorized: boolean }).authorized).to.equal(false);
        }
      }),
      propertyParameters(25),
    );
  });
});
