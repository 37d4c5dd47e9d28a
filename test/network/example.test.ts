import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { EVM_VERSION } from "../../hardhat.config.js";
import { CONTRACT_NAMES, loadArtifact } from "../../node/chain/artifacts.js";
import { generateNetwork } from "../../scripts/network/generate-network.js";
import { parseSpec } from "../../scripts/network/spec.js";
import { checkNetworkDir, keyShapedTokens, listFiles } from "../scripts/network/network-checks.js";

const EXAMPLE = "network/example";
const SPEC = "network/consortium.example.json";
/** Besu's default contractSizeLimit (EIP-170); the genesis sets no other. */
const BESU_CONTRACT_SIZE_LIMIT = 24_576;

const gitFiles = (dir: string) => execFileSync("git", ["ls-files", dir], { encoding: "utf8" }).split("\n").filter(Boolean);

describe("network/ (the committed example)", () => {
  it("holds together: QBFT genesis for the compiler's EVM version, free gas, allowlists and configs that name every node", async () => {
    const spec = parseSpec(JSON.parse(await readFile(SPEC, "utf8")));
    await checkNetworkDir(EXAMPLE, spec, EVM_VERSION);
  });

  it("is exactly what the generator writes for consortium.example.json (regenerated from its public node ids)", async () => {
    const spec = parseSpec(JSON.parse(await readFile(SPEC, "utf8")));
    const dir = await mkdtemp(join(tmpdir(), "caseledger-example-"));
    try {
      await cp(join(EXAMPLE, "genesis.json"), join(dir, "genesis.json"));
      for (const n of spec.nodes) {
        await mkdir(join(dir, "nodes", n.name), { recursive: true });
        await cp(join(EXAMPLE, "nodes", n.name, "key.pub"), join(dir, "nodes", n.name, "key.pub"));
      }
      await generateNetwork({ spec, outDir: dir, evmVersion: EVM_VERSION, publicOnly: true });
      // What git has, not what the working tree has: a generated file that .gitignore hides must fail here.
      const committed = gitFiles(EXAMPLE).map((f) => f.slice(EXAMPLE.length + 1)).sort();
      expect(await listFiles(dir)).to.deep.equal(committed);
      for (const f of committed) {
        expect(await readFile(join(dir, f), "utf8"), `${f} is stale: npm run network:generate -- --out network/example --public-only`).to.equal(
          await readFile(join(EXAMPLE, f), "utf8"),
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("commits no private key: no key files, nothing key-shaped, and the generated output directory is ignored", async () => {
    const tracked = gitFiles("network");
    expect(tracked).to.include(`${EXAMPLE}/genesis.json`);
    for (const f of tracked) {
      expect(basename(f), f).to.not.match(/^(key|nodekey)$|\.key$|\.priv$/);
      const tokens = keyShapedTokens(await readFile(f, "utf8"));
      expect(tokens, `${f} holds something shaped like a private key`).to.deep.equal([]);
    }
    const ignored = execFileSync("git", ["check-ignore", "network/out/nodes/bank/key"], { encoding: "utf8" }).trim();
    expect(ignored).to.equal("network/out/nodes/bank/key");
  });

  it("leaves the contract size limit at Besu's default because every contract fits under it", async () => {
    for (const name of CONTRACT_NAMES) {
      const { deployedBytecode } = await loadArtifact(name);
      const size = (deployedBytecode.length - 2) / 2;
      expect(size, `${name} is ${size} bytes`).to.be.below(BESU_CONTRACT_SIZE_LIMIT);
    }
  });
});
