import type { NetworkSpec } from "./spec.js";
import { genesisExtraData } from "./qbft-extra-data.js";

/**
 * Besu's genesis milestones, in order, and the solc evmVersion each one completes. Block-numbered up to London,
 * timestamp-based from Shanghai on (`shanghaiTime`, `cancunTime`, …): the keys Besu's JsonGenesisConfigOptions reads.
 * Paris (the merge) is left out: a QBFT chain never switches to proof of stake, and Shanghai and later apply to BFT
 * chains by timestamp since Besu 24.1.
 */
export const MILESTONES: ReadonlyArray<{ key: string; evm?: string }> = [
  { key: "homesteadBlock", evm: "homestead" },
  { key: "eip150Block", evm: "tangerineWhistle" },
  { key: "eip158Block", evm: "spuriousDragon" },
  { key: "byzantiumBlock", evm: "byzantium" },
  { key: "constantinopleBlock", evm: "constantinople" },
  { key: "petersburgBlock", evm: "petersburg" },
  { key: "istanbulBlock", evm: "istanbul" },
  { key: "berlinBlock", evm: "berlin" },
  { key: "londonBlock", evm: "london" },
  { key: "shanghaiTime", evm: "shanghai" },
  { key: "cancunTime", evm: "cancun" },
  { key: "pragueTime", evm: "prague" },
  { key: "osakaTime", evm: "osaka" },
];

/** The milestone keys to set to 0 so that the chain runs `evmVersion` from block 0, and nothing later. */
export function milestonesFor(evmVersion: string): string[] {
  const last = MILESTONES.findIndex((m) => m.evm === evmVersion);
  if (last < 0) {
    const known = MILESTONES.flatMap((m) => (m.evm ? [m.evm] : [])).join(", ");
    throw new RangeError(`evmVersion ${evmVersion} has no Besu milestone here (one of ${known}; paris is not one for QBFT)`);
  }
  return MILESTONES.slice(0, last + 1).map((m) => m.key);
}

/** The EVM version a genesis' milestones give (the latest milestone at 0 with one). */
export function evmVersionOf(config: Record<string, unknown>): string | undefined {
  let version: string | undefined;
  for (const m of MILESTONES) if (config[m.key] === 0 && m.evm) version = m.evm;
  return version;
}

/** BFT genesis blocks carry this mixHash (ASCII "ctical byzantine fault tolerance"), as Besu's examples do. */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

export interface GenesisFile {
  config: Record<string, unknown>;
  nonce: string;
  timestamp: string;
  gasLimit: string;
  difficulty: string;
  mixHash: string;
  coinbase: string;
  extraData: string;
  alloc: Record<string, unknown>;
}

/**
 * The genesis: QBFT with the given validators (node-key addresses), free gas (zero base fee; nodes run with
 * min-gas-price=0, so legacy transactions at gas price 0 are mined), Besu's default contract size limit (the
 * contracts stay under it: test/network/example.test.ts), no pre-funded accounts (nothing costs anything).
 */
export function buildGenesis(spec: NetworkSpec, validators: string[], evmVersion: string, timestampSeconds: number): GenesisFile {
  const config: Record<string, unknown> = { chainId: spec.chainId };
  for (const key of milestonesFor(evmVersion)) config[key] = 0;
  config.zeroBaseFee = true;
  config.qbft = {
    blockperiodseconds: spec.qbft.blockPeriodSeconds,
    epochlength: spec.qbft.epochLength,
    requesttimeoutseconds: spec.qbft.requestTimeoutSeconds,
  };
  return {
    config,
    nonce: "0x0",
    timestamp: `0x${timestampSeconds.toString(16)}`,
    gasLimit: `0x${spec.gasLimit.toString(16)}`,
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    extraData: genesisExtraData(validators),
    alloc: {},
  };
}
