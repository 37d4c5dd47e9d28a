import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ChainError } from "./errors.js";
import { CODE_ROOT } from "../paths.js";

/** The consortium contracts, in deployment order. */
export const CONTRACT_NAMES = ["MemberRegistry", "CaseRegistry", "EvidenceRegistry", "ConductPolicy"] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** The parts of a Hardhat 3 artifact that deployment and code verification need. */
export interface Artifact {
  contractName: string;
  sourceName: string;
  abi: readonly unknown[];
  bytecode: string;
  deployedBytecode: string;
  immutableReferences?: Record<string, ReadonlyArray<{ start: number; length: number }>>;
}

export async function loadArtifact(name: ContractName, root: string = CODE_ROOT): Promise<Artifact> {
  const file = join(root, "artifacts", "contracts", `${name}.sol`, `${name}.json`);
  try {
    return JSON.parse(await readFile(file, "utf8")) as Artifact;
  } catch (cause) {
    throw new ChainError("ARTIFACT_MISSING", `compiled ${name} not found; run \`npm run compile\``, { cause });
  }
}

/**
 * Whether `onChainCode` is the runtime code of `artifact`. Immutable variables (the member registry's
 * address) are filled in at deployment, so their byte ranges are masked on both sides.
 */
export function codeMatchesArtifact(onChainCode: string, artifact: Artifact): boolean {
  const strip = (hex: string) => (hex.startsWith("0x") ? hex.slice(2) : hex).toLowerCase();
  const expected = strip(artifact.deployedBytecode).split("");
  const actual = strip(onChainCode).split("");
  if (expected.length !== actual.length) return false;
  for (const refs of Object.values(artifact.immutableReferences ?? {})) {
    for (const { start, length } of refs) {
      for (let i = start * 2; i < (start + length) * 2; i++) {
        expected[i] = "0";
        actual[i] = "0";
      }
    }
  }
  return expected.join("") === actual.join("");
}
