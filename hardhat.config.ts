import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";

// solc is compiled from the npm package: these machines cannot download compilers.
const require = createRequire(import.meta.url);

/** The EVM version must match the milestones of the production Besu genesis (network/). */
export const EVM_VERSION = "cancun";

export default defineConfig({
  plugins: [hardhatEthers, hardhatEthersChaiMatchers, hardhatMocha, hardhatNetworkHelpers, hardhatTypechain],
  solidity: {
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 10_000 },
    },
  },
  paths: {
    // The naive baselines of the gas benchmark are compiled, never deployed to a real network.
    sources: ["contracts", "scripts/bench/contracts"],
    tests: { mocha: "test" },
  },
  test: {
    mocha: { timeout: 120_000 },
  },
  networks: {
    default: { type: "edr-simulated", chainType: "l1", hardfork: EVM_VERSION, allowUnlimitedContractSize: false },
  },
});
