import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import { CODE_ROOT } from "../paths.js";

export const VERIFIER_PAGE = join(CODE_ROOT, "node", "web", "verifier.html");

/**
 * `GET /verify` (no token): the static verifier page, as is — the same file a court can save and open from disk.
 * The gateway only adds a Content-Security-Policy that allows the page's own inline script and style (by hash) and
 * JSON-RPC requests to whatever chain URL the user types; nothing else loads.
 */
export function verifierPageRouter(): Router {
  const router = strictRouter();
  let cached: { html: string; csp: string } | undefined;
  router.get("/", async (_req, res) => {
    if (!cached) {
      const html = await readFile(VERIFIER_PAGE, "utf8");
      const hashes = (tag: string) =>
        [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`).join(" ");
      const csp = `default-src 'none'; script-src ${hashes("script")}; style-src ${hashes("style")}; connect-src http: https:; img-src data:; base-uri 'none'; form-action 'none'`;
      cached = { html, csp };
    }
    res.set({ "Content-Security-Policy": cached.csp, "Cache-Control": "no-cache" }).type("html").send(cached.html);
  });
  return router;
}
