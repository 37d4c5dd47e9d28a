import type { Express, Router } from "express";
import { strictRouter } from "./strict-router.js";
import { type DocumentedRoute, DOCUMENTED_ROUTES, VERSION_INFO } from "./openapi-routes.js";

export interface MountedRoute {
  method: string;
  /** Express path with `:params`. */
  path: string;
}

interface LayerLike {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

/** Every route mounted on `app`, walking express 5's router stack (mount paths joined). */
export function mountedRoutes(app: Express): MountedRoute[] {
  const out: MountedRoute[] = [];
  const join = (a: string, b: string) => (`${a}/${b}`.replace(/\/+/g, "/").replace(/(.)\/$/, "$1"));
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      const raw = typeof layer.rawPath === "string" ? layer.rawPath : "/";
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== "_all") out.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path) });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, join(prefix, raw));
      }
    }
  };
  const router = (app as unknown as { router: { stack: LayerLike[] } }).router;
  walk(router.stack, "/");
  return out;
}

/** `/v1/cases/:caseKey` → `/v1/cases/{caseKey}`. */
export const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string", description: "zh / en：中文在前，英文在后" }, details: {} },
    },
  },
};

/** The OpenAPI 3.1 document of the gateway, built from the hand-written route list in openapi-routes.ts. */
export function openApiDocument(routes: readonly DocumentedRoute[] = DOCUMENTED_ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = toOpenApiPath(r.path);
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = (r.query ?? []).map((name) => ({ name, in: "query", required: false, schema: { type: "string" } }));
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.role === "none" ? { security: [] } : { "x-roles": r.role.split(",") }),
      ...(params.length || query.length ? { parameters: [...params, ...query] } : {}),
      ...(r.body ? { requestBody: { required: true, content: Object.fromEntries(r.body.split("|").map((type) => [type, { schema: {} }])) } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: "OK", content: { [r.produces ?? "application/json"]: { schema: {} } } },
        default: { description: "error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: VERSION_INFO,
    servers: [{ url: "/" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "staff token (clt_…), scoped to a member and a role" } },
      schemas: { Error: errorSchema },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

/** `GET /v1/openapi.json` (no token). */
export function openApiRouter(): Router {
  const router = strictRouter();
  const doc = openApiDocument();
  router.get("/", (_req, res) => {
    res.json(doc);
  });
  return router;
}
