#!/usr/bin/env node
// The entry point of every npm script. Plain JavaScript with no dependencies, so that it runs on a fresh
// clone with whatever Node >= 20 the machine has: it installs what is missing, then runs the task under
// Node >= 22.13 (Hardhat 3 needs it). On Node 20 that Node comes from the `node` devDependency; on
// Node >= 22.13 the machine's own Node is used.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { copyBuildAssets } from "./build-assets.mjs";
import { GATEWAY_HEAP } from "./gateway-heap.mjs";
import { failureDigest, mochaCounts } from "./mocha-output.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MIN_NODE = [22, 13];
const STAMP = join(ROOT, "node_modules", ".caseledger-install.sha256");

function say(zh, en) {
  process.stderr.write(`[caseledger] ${zh} / ${en}\n`);
}

function isRecentNode(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** What decides what gets installed: package.json's dependency fields and the lock file (a new script line is not). */
function lockDigest() {
  const lock = join(ROOT, "package-lock.json");
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const fields = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "overrides", "bin"];
  const hash = createHash("sha256").update(JSON.stringify(fields.map((f) => pkg[f] ?? null)));
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest("hex");
}

/** Installs the dependencies when node_modules is missing or was installed for other dependencies or another lock file. */
function ensureInstalled() {
  const digest = lockDigest();
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === digest) return;
  // `npm install --no-save` rather than `npm ci`: npm 11 leaves other platforms' optional packages
  // (anvil, EDR) out of the lock file and `npm ci` then refuses it; --no-save keeps the lock untouched.
  const npmArgs = ["install", "--no-save", "--no-audit", "--no-fund"];
  say("正在安装依赖（首次运行需要一两分钟）", "installing dependencies (a minute or two on the first run)");
  // npm must itself run under Node >= 22: under Node 20 it skips Hardhat's native EDR package.
  const [cmd, args] = isRecentNode(process.version)
    ? ["npm", npmArgs]
    : ["npx", ["-y", "-p", "node@22", "--", "npm", ...npmArgs]];
  // This Node first on PATH: npm's `#!/usr/bin/env node` would otherwise pick the machine's own (older) Node.
  const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter) };
  const result = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    say("依赖安装失败，请检查与 npm 仓库的网络连接后重试", "installing dependencies failed; check access to the npm registry and retry");
    process.exit(result.status ?? 1);
  }
  writeFileSync(STAMP, `${digest}\n`);
}

/** The Node binary that runs the tasks. */
function taskNode() {
  if (isRecentNode(process.version)) return process.execPath;
  const bundled = join(ROOT, "node_modules", "node", "bin", "node");
  if (!existsSync(bundled)) {
    say("找不到 Node 22（node_modules/node），请删除 node_modules 后重试", "Node 22 (node_modules/node) is missing; delete node_modules and retry");
    process.exit(1);
  }
  return bundled;
}

const NODE = () => taskNode();
const BIN = {
  hardhat: join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"),
  tsc: join(ROOT, "node_modules", "typescript", "bin", "tsc"),
  solhint: join(ROOT, "node_modules", "solhint", "solhint.js"),
  eslint: join(ROOT, "node_modules", "eslint", "bin", "eslint.js"),
  depcruise: join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs"),
  knip: join(ROOT, "node_modules", "knip", "bin", "knip.js"),
};

// The linters, each with its configuration file at the root: solhint (.solhint.json), ESLint (eslint.config.js,
// with eslint-suppressions.json), dependency-cruiser (.dependency-cruiser.cjs) and knip (knip.json).
const KNOWN_VIOLATIONS = ".dependency-cruiser-known-violations.json";
const CRUISED = ["node", "bin", "scripts", "test"];
const LINTERS = {
  solhint: [BIN.solhint, "--max-warnings", "0", "contracts/**/*.sol", "scripts/bench/contracts/**/*.sol"],
  eslint: [BIN.eslint, "--max-warnings", "0", "."],
  "dependency-cruiser": [BIN.depcruise, "--config", ".dependency-cruiser.cjs", "--ignore-known", KNOWN_VIOLATIONS, ...CRUISED],
  knip: [BIN.knip, "--no-progress"],
};

/** Compiles the contracts first: the TypeScript linters read the contract types Hardhat generates. */
async function afterCompile(task) {
  const compiled = await run([BIN.hardhat, "compile", "--quiet"]);
  return compiled.code === 0 ? task() : compiled.code;
}

/** Runs the linters one after the other; fails if any failed, after running them all. */
function lint(names) {
  return afterCompile(async () => {
    let failed = 0;
    for (const name of names) {
      process.stdout.write(`\n== ${name} ==\n`);
      if ((await run(LINTERS[name])).code !== 0) failed += 1;
    }
    return failed === 0 ? 0 : 1;
  });
}

/** Environment of every task: the chosen Node first on PATH, so that tools spawning `node` get it too. */
function taskEnv(extra = {}) {
  const nodeDir = dirname(NODE());
  const path = [nodeDir, join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);
  return { ...process.env, PATH: path, ...extra };
}

/**
 * Runs a command, streaming its output; resolves with its exit code and (optionally) its captured stdout.
 * `toStderr` sends its stdout to stderr, so that a build before a command leaves the command's stdout to it alone.
 */
function run(args, { env = {}, capture = false, echo = true, toStderr = false } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(NODE(), args, {
      cwd: ROOT,
      env: taskEnv(env),
      stdio: ["inherit", capture ? "pipe" : toStderr ? process.stderr : "inherit", "inherit"],
    });
    let out = "";
    if (capture) {
      child.stdout.on("data", (chunk) => {
        if (echo) process.stdout.write(chunk);
        out += chunk.toString();
      });
    }
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("close", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolvePromise({ code: code ?? (signal ? 128 : 1), out });
    });
  });
}

const tsx = (script, args = []) => ["--import", "tsx", script, ...args];
const DIST = join(ROOT, "dist");

/**
 * `npm run build`: the contracts (their ABIs and the typechain types the code imports), then node/, bin/ and
 * scripts/start.ts compiled to dist/ (incremental: quick when nothing changed), then the files that run beside
 * them. `--clean` builds from nothing, so that nothing of a deleted source is left in dist/ (npm pack uses it).
 */
async function build(args = [], { toStderr = false } = {}) {
  if (args.includes("--clean")) rmSync(DIST, { recursive: true, force: true });
  if (contractsChangedSinceBuild()) {
    const compiled = await run([BIN.hardhat, "compile", "--quiet"], { toStderr });
    if (compiled.code !== 0) return compiled.code;
  }
  const typed = await run([BIN.tsc, "-b", "tsconfig.build.json"], { toStderr });
  if (typed.code !== 0) return typed.code;
  copyBuildAssets(ROOT, DIST);
  return 0;
}

/**
 * Whether the contracts may have changed since the last build copied their artifacts: Hardhat takes seconds only to
 * find that nothing changed, which `npm run caseledger` would pay on every command.
 */
function contractsChangedSinceBuild() {
  const copied = join(DIST, "artifacts", "contracts");
  const needed = [copied, join(ROOT, "artifacts", "contracts"), join(ROOT, "types")];
  if (!needed.every((path) => existsSync(path))) return true;
  const sources = [join(ROOT, "hardhat.config.ts"), join(ROOT, "package-lock.json")];
  for (const file of readdirSync(join(ROOT, "contracts"), { recursive: true })) sources.push(join(ROOT, "contracts", String(file)));
  const builtAt = statSync(copied).mtimeMs;
  return sources.some((file) => statSync(file).mtimeMs > builtAt);
}

/** Builds, then runs the built `script` (a path under dist/) with `args`. */
async function runBuilt(script, args, { nodeFlags = [], quietBuild = false } = {}) {
  const built = await build([], { toStderr: quietBuild });
  if (built !== 0) return built;
  return (await run([...nodeFlags, join(DIST, script), ...args])).code;
}

/**
 * The test files in groups that run side by side, each group in its own mocha process: the end-to-end tests mostly
 * wait (on anvil, HTTP, a browser), so they overlap the CPU-bound unit and contract tests. Files in no listed folder
 * go with the first group. Groups share nothing: every test takes its own ports, data directories and chains.
 */
const TEST_GROUPS = [
  { name: "contracts, scripts, docs", dirs: ["test/contracts", "test/scripts", "test/network", "test/docs"] },
  // The gateway's tests in two halves of about the same length (measured: a full run prints each group's time).
  { name: "gateway: services, http, store", dirs: ["test/node/services", "test/node/http", "test/node/store", "test/node/web", "test/node/log", "test/node/messages"] },
  { name: "gateway: domain, cli, chain", dirs: ["test/node/domain", "test/node/cli", "test/node/chain", "test/node"] },
  { name: "end to end", dirs: ["test/e2e"] },
];

function testFiles() {
  const files = readdirSync(join(ROOT, "test"), { recursive: true })
    .map((file) => `test/${String(file).split("\\").join("/")}`)
    .filter((file) => file.endsWith(".test.ts"))
    .sort();
  // Each file goes to the first group that lists a folder holding it (so "test/node" last takes the rest of it).
  const groups = TEST_GROUPS.map((group) => ({ ...group, files: [] }));
  for (const file of files) (groups.find((group) => group.dirs.some((dir) => file.startsWith(`${dir}/`))) ?? groups[0]).files.push(file);
  return groups.filter((group) => group.files.length > 0);
}

/** "12 s" / "3 min 05 s". */
function took(startedAt) {
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/**
 * `npm test`: the type check and the linters, then mocha; prints `N passed, N failed` last (each check counts as one).
 * With file arguments, one mocha run of those files. Without, the checks and the test groups run side by side, each
 * one's output printed whole when it ends (so that nothing interleaves), with a progress line as each finishes.
 */
async function test(extraArgs) {
  let passed = 0;
  let failed = 0;
  const startedAt = Date.now();
  await run([BIN.hardhat, "compile", "--quiet"]);
  const checks = [["tsc --noEmit", [BIN.tsc, "--noEmit", "-p", "."]], ...Object.entries(LINTERS)];
  const mochaArgs = (files) => [BIN.hardhat, "test", "mocha", "--no-compile", ...files];
  const countMocha = (out, code) => {
    const counts = mochaCounts(out);
    passed += counts.passed;
    failed += counts.failed;
    // A crash before mocha's summary must not look like success.
    if (code !== 0 && counts.failed === 0) failed += 1;
  };

  if (extraArgs.length > 0) {
    for (const [name, args] of checks) {
      process.stdout.write(`\n== ${name} ==\n`);
      if ((await run(args)).code === 0) passed += 1;
      else {
        failed += 1;
        process.stdout.write(`${name}: FAILED\n`);
      }
    }
    process.stdout.write("\n== mocha ==\n");
    const mocha = await run(mochaArgs(extraArgs), { capture: true });
    countMocha(mocha.out, mocha.code);
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
  }

  const groups = testFiles();
  say(
    `检查与测试并行运行：${checks.length} 项检查，${groups.length} 组测试（每组完成时输出其结果）`,
    `running ${checks.length} checks and ${groups.length} test groups side by side (each one's output is printed when it ends)`,
  );
  const report = (name, out, code, since) => {
    process.stdout.write(`\n== ${name} ==\n${out}${out.endsWith("\n") || out === "" ? "" : "\n"}`);
    say(`完成 ${name}（${code === 0 ? "通过" : "失败"}，${took(since)}）`, `done: ${name} (${code === 0 ? "passed" : "FAILED"}, ${took(since)})`);
  };
  const failures = [];
  const lint = (async () => {
    for (const [name, args] of checks) {
      const since = Date.now();
      const { code, out } = await run(args, { capture: true, echo: false });
      report(name, out, code, since);
      if (code === 0) passed += 1;
      else {
        failed += 1;
        failures.push(`== ${name} ==\n${failureDigest(out)}`);
      }
    }
  })();
  const mochas = groups.map(async (group) => {
    const since = Date.now();
    const { code, out } = await run(mochaArgs(group.files), { capture: true, echo: false });
    const name = `mocha: ${group.name} (${group.files.length} files)`;
    report(name, out, code, since);
    countMocha(out, code);
    if (code !== 0) failures.push(`== ${name} ==\n${failureDigest(out)}`);
  });
  await Promise.all([lint, ...mochas]);
  if (failures.length > 0) {
    say("失败的测试（上文各组输出中亦有）如下", "the failed tests again (also in each group's output above)");
    process.stdout.write(`\n${failures.join("\n\n")}\n`);
  }
  say(`全部完成，用时 ${took(startedAt)}`, `all done in ${took(startedAt)}`);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

const TASKS = {
  test,
  compile: () => run([BIN.hardhat, "compile"]).then((r) => r.code),
  build,
  // The demo consortium's gateways run in the start script's process: from the build, like a member's gateway.
  start: (args) => runBuilt("scripts/start.js", args),
  lint: () => lint(Object.keys(LINTERS)),
  "lint:sol": (args) => run([...LINTERS.solhint, ...args]).then((r) => r.code),
  // `npm run lint:ts -- --prune-suppressions` drops the suppressions of violations that are gone.
  "lint:ts": (args) => afterCompile(() => run([...LINTERS.eslint, ...args]).then((r) => r.code)),
  deps: (args) => afterCompile(() => run([...LINTERS["dependency-cruiser"], ...args]).then((r) => r.code)),
  // Drops the known violations that are fixed; never adds one.
  "deps:baseline": () =>
    afterCompile(() =>
      run([BIN.depcruise, "--config", ".dependency-cruiser.cjs", "--baseline-mode", "shrink-only", "--baseline", KNOWN_VIOLATIONS, ...CRUISED]).then(
        (r) => r.code,
      ),
    ),
  knip: (args) => afterCompile(() => run([...LINTERS.knip, ...args]).then((r) => r.code)),
  // A member gateway streams everything it ingests: a bounded heap keeps its memory predictable (see BENCHMARKS.md).
  gateway: (args) => runBuilt("node/main.js", args, { nodeFlags: [GATEWAY_HEAP] }),
  // The command an installed package provides, from this checkout's build; its stdout is the command's alone.
  caseledger: (args) => runBuilt("bin/caseledger.js", args, { quietBuild: true }),
  "demo:data": (args) => run(tsx("scripts/demo-data.ts", args)).then((r) => r.code),
  "network:generate": (args) => run(tsx("scripts/network/generate.ts", args)).then((r) => r.code),
  deploy: async (args) => {
    const compiled = await run([BIN.hardhat, "compile", "--quiet"]);
    if (compiled.code !== 0) return compiled.code;
    return (await run(tsx("scripts/deploy.ts", args))).code;
  },
  "bench:gas": (args) => run([BIN.hardhat, "run", "scripts/bench/gas.ts", ...args]).then((r) => r.code),
  "bench:ingest": (args) => run(tsx("scripts/bench/ingest.ts", args)).then((r) => r.code),
  "bench:check": (args) => run(tsx("scripts/bench/check.ts", args)).then((r) => r.code),
  "bench:assign": (args) => run(tsx("scripts/bench/assign.ts", args)).then((r) => r.code),
  "bench:merkle": (args) => run(tsx("scripts/bench/merkle.ts", args)).then((r) => r.code),
  "bench:verify": (args) => run(tsx("scripts/bench/verify.ts", args)).then((r) => r.code),
  "bench:bundle": (args) => run(tsx("scripts/bench/bundle.ts", args)).then((r) => r.code),
  "bench:load": (args) => run(tsx("scripts/bench/load.ts", args)).then((r) => r.code),
  "bench:repayments": (args) => run(tsx("scripts/bench/repayments.ts", args)).then((r) => r.code),
  // The statement is priced in the gateway: measured under the gateway's heap bound, as it runs there.
  "bench:statement": (args) => run([GATEWAY_HEAP, ...tsx("scripts/bench/statement.ts", args)]).then((r) => r.code),
  // The money loop's figures: bench:statement and bench:repayments, each in its own child process, and their summary.
  "bench:settlement": (args) => run(tsx("scripts/bench/settlement.ts", args)).then((r) => r.code),
  "bench:permits": (args) => run(tsx("scripts/bench/permits.ts", args)).then((r) => r.code),
  // The evidence figures of scripts/bench/results/evidence.json: the log and its proofs, then the CLI's verification
  // (anchoring gas per record comes from bench:gas, which measures every contract).
  "bench:evidence": async (args) => {
    for (const name of ["bench:merkle", "bench:verify"]) {
      const code = await TASKS[name](args);
      if (code !== 0) return code;
    }
    return 0;
  },
  bench: async (args) => {
    for (const name of ["bench:gas", "bench:ingest", "bench:check", "bench:assign", "bench:merkle", "bench:verify", "bench:bundle", "bench:load", "bench:settlement", "bench:permits"]) {
      const code = await TASKS[name](args);
      if (code !== 0) return code;
    }
    return 0;
  },
  "snapshot:gas": () =>
    run([BIN.hardhat, "test", "mocha", "test/contracts/gas-snapshot.test.ts"], { env: { UPDATE_GAS_SNAPSHOT: "1" } }).then(
      (r) => r.code,
    ),
};

const [task, ...args] = process.argv.slice(2);
if (!task || !(task in TASKS)) {
  say(`未知任务 ${task ?? ""}`, `unknown task ${task ?? ""}; one of ${Object.keys(TASKS).join(", ")}`);
  process.exit(2);
}
ensureInstalled();
process.exitCode = await TASKS[task](args);
