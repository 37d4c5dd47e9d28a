import { Contract, type ContractRunner } from "ethers";
import type { CaseRegistry, ConductPolicy, EvidenceRegistry, MemberRegistry } from "../../types/ethers-contracts/index.js";
import { loadArtifact } from "./artifacts.js";
import type { Deployment } from "./deployment.js";

/** The four consortium contracts of a deployment, typed (types come from typechain; ABIs from the build). */
export interface ConsortiumContracts {
  deployment: Deployment;
  memberRegistry: MemberRegistry;
  caseRegistry: CaseRegistry;
  evidenceRegistry: EvidenceRegistry;
  /** The conduct policy for contacting debtors (docs/design.md §25). */
  conductPolicy: ConductPolicy;
}

export async function connectContracts(deployment: Deployment, runner: ContractRunner): Promise<ConsortiumContracts> {
  const attach = async <T>(name: "MemberRegistry" | "CaseRegistry" | "EvidenceRegistry" | "ConductPolicy") =>
    new Contract(deployment.contracts[name].address, (await loadArtifact(name)).abi as never, runner) as unknown as T;
  return {
    deployment,
    memberRegistry: await attach<MemberRegistry>("MemberRegistry"),
    caseRegistry: await attach<CaseRegistry>("CaseRegistry"),
    evidenceRegistry: await attach<EvidenceRegistry>("EvidenceRegistry"),
    conductPolicy: await attach<ConductPolicy>("ConductPolicy"),
  };
}
