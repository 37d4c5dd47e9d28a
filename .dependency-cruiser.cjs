// The gateway's layers, as rules that fail the test command (`npm run deps`).
//
//   node/domain     rules and computations on values: imports nothing but node/domain and node: builtins
//   node/store      persistence;  node/chain  the chain;  both below the services
//   node/services   use cases: may use store, chain, domain, log; never an edge (http, cli, web)
//   node/http, node/cli   edges: reach the store and the chain only through services (type-only imports aside)
//   node/gateway.ts, node/main.ts, scripts/, test/   the composition root: may import everything
//
// Rules state the target. Where today's code does not meet it yet, the violations are listed one by one in
// .dependency-cruiser-known-violations.json (read with --ignore-known), so the check passes today and fails on
// any NEW violation. Shrink that file as the code moves: `npm run deps:baseline` (shrink-only: it never adds).

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle means two modules are one: untangle it (type-only cycles count too: they tie the designs).",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment:
        "node/domain holds the rules on plain values: no I/O layer, no npm package, only node: builtins — and the message " +
        "ids of node/messages, with which it names a problem (code and parameters) that an edge puts into words.",
      from: { path: "^node/domain/" },
      to: { pathNot: ["^node/domain/", "^node/messages/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "services-not-edges",
      severity: "error",
      comment: "Services are called by the edges (HTTP, CLI, web console), never the other way round.",
      from: { path: "^node/services/" },
      to: { path: ["^node/http/", "^node/cli/", "^node/web/"] },
    },
    {
      name: "edges-through-services",
      severity: "error",
      comment: "HTTP routers and CLI commands reach the store and the chain through a service; type-only imports are fine.",
      from: { path: ["^node/http/", "^node/cli/"] },
      to: { path: ["^node/store/", "^node/chain/"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "store-chain-below-services",
      severity: "error",
      comment: "The store and the chain are below the services and the edges.",
      from: { path: ["^node/store/", "^node/chain/"] },
      to: { path: ["^node/services/", "^node/http/", "^node/cli/", "^node/web/"] },
    },
    {
      name: "store-not-chain",
      severity: "error",
      comment: "The store persists; it knows nothing of the chain (the key-value helpers belong in node/store).",
      from: { path: "^node/store/" },
      to: { path: "^node/chain/" },
    },
    {
      name: "log-is-a-leaf",
      severity: "error",
      comment: "Logging is used by every layer, so it depends on none of them.",
      from: { path: "^node/log/" },
      to: { path: "^node/", pathNot: "^node/log/" },
    },
    {
      name: "messages-is-a-leaf",
      severity: "error",
      comment: "The message catalog is named by every layer (domain included), so it depends on none of them.",
      from: { path: "^node/messages/" },
      to: { path: "^node/", pathNot: "^node/messages/" },
    },
    {
      name: "only-the-root-composes",
      severity: "error",
      comment: "Only node/main.ts starts the gateway: no other module of node/ imports the composition root.",
      from: { path: "^node/", pathNot: "^node/main\\.ts$" },
      to: { path: ["^node/gateway\\.ts$", "^node/main\\.ts$"] },
    },
    {
      name: "product-not-from-scripts-or-tests",
      severity: "error",
      comment: "The gateway and the CLI ship without scripts/ and test/.",
      from: { path: ["^node/", "^bin/"] },
      to: { path: ["^scripts/", "^test/"] },
    },
    {
      name: "product-not-to-dev-deps",
      severity: "error",
      comment: "What the gateway and the CLI import at run time must be a dependency: devDependencies are not installed with the package.",
      from: { path: ["^node/", "^bin/"] },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to nothing fails at run time (the console's browser modules import URLs the gateway serves).",
      from: {},
      to: { couldNotResolve: true, pathNot: "^/console/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^artifacts/", "^cache/", "^types/ethers-contracts/", "^dist/"] },
    // Resolve `./x.js` to `./x.ts` as tsc does (NodeNext).
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
