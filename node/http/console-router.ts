import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Response, Router } from "express";
import { strictRouter } from "./strict-router.js";
import { CATALOG } from "../messages/catalog.js";
import { CODE_ROOT } from "../paths.js";
import { notFound } from "./api-error.js";
import type { RateLimiter } from "./rate-limit.js";

const require = createRequire(import.meta.url);
const WEB_DIR = join(CODE_ROOT, "node", "web");

/** The console's own files (node/web), by the name they are served under /console/. */
const FILES: Record<string, string> = {
  "console.js": "text/javascript",
  "console.css": "text/css",
  "i18n.js": "text/javascript",
  "api.js": "text/javascript",
  "ui.js": "text/javascript",
  "case.js": "text/javascript",
  "charts.js": "text/javascript",
  "lender.js": "text/javascript",
  "agency.js": "text/javascript",
  "court.js": "text/javascript",
  "admin.js": "text/javascript",
  "letter.js": "text/javascript",
  "public.js": "text/javascript",
  "scorecards.js": "text/javascript",
  "conduct.js": "text/javascript",
  "fees.js": "text/javascript",
  "repayments.js": "text/javascript",
  "reconcile.js": "text/javascript",
  "contacts.js": "text/javascript",
  "mediation.js": "text/javascript",
  "favicon.svg": "image/svg+xml",
};

/** Third-party files, straight from their npm packages (no build step): name → [package, file, type]. */
const VENDOR: Record<string, [string, string, string]> = {
  "chartist.js": ["chartist", "dist/index.umd.js", "text/javascript"],
  "chartist.css": ["chartist", "dist/index.css", "text/css"],
  "qrcode.mjs": ["qrcode-generator", "dist/qrcode.mjs", "text/javascript"],
};

/** The package's directory: up from its main entry (packages with "exports" need not export package.json). */
function vendorPath(pkg: string, file: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, file);
}

/** `table[name]` only when it is the table's own entry: `constructor`, `__proto__` or `toString` are no file names. */
const own = <T>(table: Record<string, T>, name: string): T | undefined => (Object.hasOwn(table, name) ? table[name] : undefined);

/**
 * Content-Security-Policy of the console's pages: scripts and styles from this gateway only (no inline script),
 * QR images as data: URLs, and fetches to this gateway only: a page never sends a token (or anything else) to
 * another gateway — a token of another member leaves by a navigation to that member's console, nothing else.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/**
 * The web console: `GET /` (the staff console: lender, agency and court pages after login), `GET /a/:token`
 * (the public page behind an authorization letter's QR code), `GET /console/:file` (its scripts and styles),
 * `GET /console/vendor/:file` (chartist, qrcode-generator from node_modules), `GET /console/messages.json` (the
 * message catalog, see ../messages/catalog.ts). Plain HTML, CSS and ES modules —
 * no framework, no build step.
 */
export function consoleRouter(publicLimiter?: RateLimiter): Router {
  const router = strictRouter();
  const cache = new Map<string, Buffer>();
  const send = async (res: Response, path: string, type: string, maxAge = 0) => {
    let body = process.env.CASELEDGER_CONSOLE_DEV ? undefined : cache.get(path);
    if (!body) {
      body = await readFile(path);
      cache.set(path, body);
    }
    res.set({ "Content-Type": `${type}; charset=utf-8`, "Content-Security-Policy": CSP });
    if (maxAge) res.set("Cache-Control", `public, max-age=${maxAge}`);
    res.send(body);
  };
  router.get("/", async (_req, res) => send(res, join(WEB_DIR, "index.html"), "text/html"));
  const limited = publicLimiter ? [publicLimiter.middleware()] : [];
  router.get("/a/:token", ...limited, async (_req, res) => send(res, join(WEB_DIR, "public.html"), "text/html"));
  router.get("/console/vendor/:file", async (req, res) => {
    const entry = own(VENDOR, req.params.file);
    if (!entry) throw notFound("file", req.params.file);
    await send(res, vendorPath(entry[0], entry[1]), entry[2], 3600);
  });
  // The message catalog, so the console words codes and parameters as the API and the CLI do, from one source.
  const messages = JSON.stringify(CATALOG);
  router.get("/console/messages.json", (_req, res) => {
    res.set({ "Content-Type": "application/json; charset=utf-8", "Content-Security-Policy": CSP }).send(messages);
  });
  router.get("/console/:file", async (req, res) => {
    const type = own(FILES, req.params.file);
    if (!type) throw notFound("file", req.params.file);
    await send(res, join(WEB_DIR, req.params.file), type);
  });
  return router;
}
