// The files `npm run build` copies beside the compiled code, so that dist/ (and the package made from it) runs
// without the sources, Hardhat or artifacts/: the web console and the consortium contracts' ABIs and bytecode.
// Plain JavaScript, like run.mjs, which calls it.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

/** What node/chain/artifacts.ts reads of a Hardhat artifact; the rest (build-info ids, link references) stays behind. */
const ARTIFACT_FIELDS = ["contractName", "sourceName", "abi", "bytecode", "deployedBytecode", "immutableReferences"];

/** Copies node/web/ and the artifacts of contracts/*.sol into `outDir` (dist/), at the paths the code looks for them. */
export function copyBuildAssets(root, outDir) {
  const web = join(outDir, "node", "web");
  // Replaced whole, so that a file deleted from node/web/ does not live on in the build.
  rmSync(web, { recursive: true, force: true });
  cpSync(join(root, "node", "web"), web, { recursive: true });

  const from = join(root, "artifacts", "contracts");
  const to = join(outDir, "artifacts", "contracts");
  rmSync(to, { recursive: true, force: true });
  // The consortium's contracts are the files directly in contracts/ (interfaces, libraries and test helpers are not deployed).
  for (const dir of readdirSync(from).filter((d) => d.endsWith(".sol"))) {
    const file = join(from, dir, `${basename(dir, ".sol")}.json`);
    if (!existsSync(file)) continue;
    const artifact = JSON.parse(readFileSync(file, "utf8"));
    const kept = Object.fromEntries(ARTIFACT_FIELDS.filter((f) => f in artifact).map((f) => [f, artifact[f]]));
    mkdirSync(join(to, dir), { recursive: true });
    writeFileSync(join(to, dir, basename(file)), `${JSON.stringify(kept)}\n`);
  }
}
