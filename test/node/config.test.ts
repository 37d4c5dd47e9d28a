import { expect } from "chai";
import { CHAIN_PROFILES, ConfigError, DEFAULTS, ENV_OVERRIDES, parseConfig } from "../../node/config.js";

describe("node/config", () => {
  const minimal = {
    memberId: 3,
    dataDir: "members/agency",
    chain: { deploymentFile: "deployment.json" },
    secrets: { signingKeyFile: "keys/signing.key", pepperFile: "keys/pepper.json", storeKeyFile: "/abs/store.key" },
  };

  it("fills named defaults and resolves relative paths against the config file's directory", () => {
    const config = parseConfig(minimal, "/srv/caseledger");
    expect(config.memberId).to.equal(3);
    expect(config.dataDir).to.equal("/srv/caseledger/members/agency");
    expect(config.secrets.storeKeyFile).to.equal("/abs/store.key");
    expect(config.chain.rpcUrl).to.equal(DEFAULTS.rpcUrl);
    expect(config.chain.batchSize).to.equal(DEFAULTS.chainBatchSize);
    // No proxy is trusted and any address may send handover packages, unless the member says otherwise.
    expect(config.http).to.deep.equal({ host: "127.0.0.1", port: 0, uploadLimitBytes: DEFAULTS.uploadLimitBytes, trustProxy: [], handoverPeers: [] });
    const behind = parseConfig({ ...minimal, http: { trustProxy: ["127.0.0.1", "10.0.0.0/8"], handoverPeers: ["::1"] } }, "/").http;
    expect(behind).to.deep.include({ trustProxy: ["127.0.0.1", "10.0.0.0/8"], handoverPeers: ["::1"] });
    expect(() => parseConfig({ ...minimal, http: { trustProxy: "loopback" } }, "/")).to.throw(ConfigError, /http.trustProxy/);
    expect(() => parseConfig({ ...minimal, http: { handoverPeers: ["gateway.example"] } }, "/")).to.throw(ConfigError, /http.handoverPeers/);
    expect(config.rateLimits).to.deep.equal(DEFAULTS.rateLimits);
    // Uploads: two ingested at once, eight waiting, each reader's heap bounded, by default; a member may allow more,
    // never zero running, never a bound too small to read a list.
    expect(config.ingest).to.deep.equal(DEFAULTS.ingest);
    expect(DEFAULTS.ingest.workerHeapMb).to.equal(512);
    expect(parseConfig({ ...minimal, ingest: { maxQueued: 0 } }, "/").ingest).to.deep.equal({ ...DEFAULTS.ingest, maxQueued: 0 });
    expect(parseConfig({ ...minimal, ingest: { workerHeapMb: 4_096 } }, "/").ingest).to.deep.equal({ ...DEFAULTS.ingest, workerHeapMb: 4_096 });
    expect(() => parseConfig({ ...minimal, ingest: { maxConcurrent: 0 } }, "/")).to.throw(ConfigError, /ingest.maxConcurrent/);
    expect(() => parseConfig({ ...minimal, ingest: { workerHeapMb: 32 } }, "/")).to.throw(ConfigError, /ingest.workerHeapMb/);
    expect(parseConfig({ ...minimal, rateLimits: { publicBurst: 5 } }, "/").rateLimits).to.deep.include({ publicBurst: 5, publicPerMinute: 30 });
    expect(() => parseConfig({ ...minimal, rateLimits: { authFailureBurst: 0 } }, "/")).to.throw(ConfigError, /rateLimits.authFailureBurst/);
    expect(config.rateLimits).to.include({ ownershipByIdBurst: 60, ownershipByIdPerMinute: 60 });
    expect(parseConfig({ ...minimal, rateLimits: { ownershipByIdPerMinute: 10 } }, "/").rateLimits).to.include({ ownershipByIdBurst: 60, ownershipByIdPerMinute: 10 });
    expect(() => parseConfig({ ...minimal, rateLimits: { ownershipByIdBurst: 0 } }, "/")).to.throw(ConfigError, /rateLimits.ownershipByIdBurst/);
  });

  it("keeps the encryption key beside the signing key unless told, sends handovers over https only, and caps attempts", () => {
    const config = parseConfig(minimal, "/srv/caseledger");
    expect(config.secrets.encryptionKeyFile).to.equal(`/srv/caseledger/keys/${DEFAULTS.encryptionKeyFileName}`);
    expect(config.handover).to.deep.equal({ allowHttpPeers: DEFAULTS.allowHttpPeers, maxAttempts: DEFAULTS.handoverMaxAttempts });
    expect(DEFAULTS.allowHttpPeers).to.equal(false);
    const set = parseConfig({ ...minimal, secrets: { ...minimal.secrets, encryptionKeyFile: "/k/x25519.key" }, handover: { allowHttpPeers: true, maxAttempts: 3 } }, "/");
    expect(set.secrets.encryptionKeyFile).to.equal("/k/x25519.key");
    expect(set.handover).to.deep.equal({ allowHttpPeers: true, maxAttempts: 3 });
    expect(() => parseConfig({ ...minimal, handover: { allowHttpPeers: "yes" } }, "/")).to.throw(ConfigError, /handover.allowHttpPeers/);
    expect(() => parseConfig({ ...minimal, handover: { maxAttempts: 0 } }, "/")).to.throw(ConfigError, /handover.maxAttempts/);
  });

  it("fills the peer channel's skew window and outbox attempts from named defaults, and refuses them out of range", () => {
    expect(parseConfig(minimal, "/").peer).to.deep.equal({ maxSkewMs: DEFAULTS.peerMaxSkewMs, maxAttempts: DEFAULTS.peerMaxAttempts });
    expect(parseConfig({ ...minimal, peer: { maxSkewMs: 60_000 } }, "/").peer).to.deep.equal({ maxSkewMs: 60_000, maxAttempts: DEFAULTS.peerMaxAttempts });
    expect(() => parseConfig({ ...minimal, peer: { maxSkewMs: 10 } }, "/")).to.throw(ConfigError, /peer.maxSkewMs/);
    expect(() => parseConfig({ ...minimal, peer: { maxAttempts: 0 } }, "/")).to.throw(ConfigError, /peer.maxAttempts/);
  });

  it("limits waivers to a named default percentage of a case's outstanding at registration, 0 to 100", () => {
    expect(parseConfig(minimal, "/").repayments).to.deep.equal({ waiverLimitPercent: DEFAULTS.waiverLimitPercent });
    expect(parseConfig({ ...minimal, repayments: { waiverLimitPercent: 0 } }, "/").repayments.waiverLimitPercent).to.equal(0);
    expect(() => parseConfig({ ...minimal, repayments: { waiverLimitPercent: 101 } }, "/")).to.throw(ConfigError, /repayments.waiverLimitPercent/);
    expect(() => parseConfig({ ...minimal, repayments: { waiverLimitPercent: 12.5 } }, "/")).to.throw(ConfigError, /repayments.waiverLimitPercent/);
  });

  it("has no default for secrets and lists every problem at once", () => {
    try {
      parseConfig({ memberId: 0, chain: { rpcUrl: "ftp://x", batchSize: 501 }, http: { port: 70_000 } }, "/");
      expect.fail("accepted an invalid config");
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join("\n");
      for (const field of [
        "memberId",
        "dataDir",
        "chain.rpcUrl",
        "chain.batchSize",
        "chain.deploymentFile",
        "secrets.signingKeyFile",
        "secrets.storeKeyFile",
        "http.port",
      ]) {
        expect(problems).to.include(field);
      }
      // Optional here: only a court's gateway may leave it out, which the gateway checks against the chain at start.
      expect(problems).not.to.include("secrets.pepperFile");
    }
  });

  it("takes secrets.pepperFile as a path when given, and leaves it unset (a court's gateway) when not", () => {
    const base = { memberId: 5, dataDir: "d", chain: { deploymentFile: "dep.json" }, secrets: { signingKeyFile: "s", storeKeyFile: "k" } };
    expect(parseConfig(base, "/srv").secrets.pepperFile).to.equal(undefined);
    expect(parseConfig({ ...base, secrets: { ...base.secrets, pepperFile: "p.json" } }, "/srv").secrets.pepperFile).to.equal("/srv/p.json");
  });

  it("defaults to the anvil profile: the node's fee market, Besu-sized log pages", () => {
    const config = parseConfig(minimal, "/srv/caseledger");
    expect(config.chain).to.include({ profile: "anvil", gasPrice: undefined, logPageBlocks: DEFAULTS.logPageBlocks });
  });

  it('selects the Besu profile with chain.profile "besu": legacy transactions at gas price 0, 5,000-block log pages', () => {
    const config = parseConfig({ ...minimal, chain: { ...minimal.chain, profile: "besu", rpcUrl: "http://rpc.caseledger.internal:8545" } }, "/");
    expect(config.chain).to.include({ profile: "besu", gasPrice: 0n, logPageBlocks: 5_000, rpcUrl: "http://rpc.caseledger.internal:8545" });
    expect(CHAIN_PROFILES.besu).to.deep.equal({ gasPrice: 0n, logPageBlocks: 5_000 });
  });

  it("lets explicit chain settings override the profile's, and gas prices come as numbers or decimal strings of wei", () => {
    const config = parseConfig({ ...minimal, chain: { ...minimal.chain, profile: "besu", logPageBlocks: 1_000, gasPrice: "1000000000000000000000" } }, "/");
    expect(config.chain).to.include({ profile: "besu", logPageBlocks: 1_000, gasPrice: 10n ** 21n });
    expect(parseConfig({ ...minimal, chain: { ...minimal.chain, gasPrice: 7 } }, "/").chain.gasPrice).to.equal(7n);
  });

  it("names a wrong profile or gas price", () => {
    for (const [chain, field] of [
      [{ profile: "geth" }, /chain\.profile must be one of anvil, besu/],
      [{ gasPrice: -1 }, /chain\.gasPrice must be a whole number of wei/],
      [{ gasPrice: "0x10" }, /chain\.gasPrice/],
      [{ gasPrice: 1.5 }, /chain\.gasPrice/],
    ] as const) {
      expect(() => parseConfig({ ...minimal, chain: { ...minimal.chain, ...chain } }, "/")).to.throw(ConfigError, field);
    }
  });

  it("fills every timeout and the anchoring settings from the named defaults, and takes the file's values", () => {
    const config = parseConfig(minimal, "/", {});
    expect(config.timeouts).to.deep.equal(DEFAULTS.timeouts);
    expect(config.evidence).to.deep.equal(DEFAULTS.evidence);
    const custom = parseConfig({ ...minimal, timeouts: { receiptMs: 5_000, receiptPollMs: 100 }, evidence: { intervalMs: 5_000, everyRecords: 10 } }, "/", {});
    expect(custom.timeouts).to.include({ receiptMs: 5_000, receiptPollMs: 100, rpcMs: DEFAULTS.timeouts.rpcMs });
    expect(custom.evidence).to.deep.equal({ ...DEFAULTS.evidence, intervalMs: 5_000, everyRecords: 10 });
  });

  it("lets the documented environment variables override the anchoring schedule, and nothing else", () => {
    const env = { [ENV_OVERRIDES.anchorIntervalSeconds]: "0.5", [ENV_OVERRIDES.anchorEveryRecords]: "3", CASELEDGER_RPC_MS: "1" };
    const config = parseConfig({ ...minimal, evidence: { intervalMs: 9_000, everyRecords: 90 } }, "/", env);
    expect(config.evidence).to.include({ intervalMs: 500, everyRecords: 3 });
    expect(config.timeouts.rpcMs).to.equal(DEFAULTS.timeouts.rpcMs);
    expect(parseConfig(minimal, "/", { [ENV_OVERRIDES.anchorIntervalSeconds]: "" }).evidence.intervalMs).to.equal(DEFAULTS.evidence.intervalMs);
  });

  it("names every timeout or anchoring setting out of range, unknown, or given by a bad environment value", () => {
    try {
      parseConfig(
        { ...minimal, timeouts: { receiptMs: 0, rpcMs: "30s", retryInitialMs: 9_000, retryMaxMs: 1_000, receiptMS: 5 }, evidence: { intervalMs: 50, retryInitialMs: 2, retryMaxMs: 1 } },
        "/",
        { [ENV_OVERRIDES.anchorEveryRecords]: "many" },
      );
      expect.fail("accepted invalid timeouts");
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join("\n");
      for (const field of [
        /timeouts\.receiptMs must be an integer from 1/,
        /timeouts\.rpcMs must be an integer/,
        /timeouts\.receiptMS is not a setting/,
        /timeouts\.retryInitialMs must not exceed timeouts\.retryMaxMs/,
        /evidence\.intervalMs \(CASELEDGER_ANCHOR_INTERVAL_S in seconds\) must be an integer from 100/,
        /evidence\.everyRecords \(CASELEDGER_ANCHOR_EVERY_RECORDS\) must be an integer/,
        /evidence\.retryInitialMs must not exceed evidence\.retryMaxMs/,
      ]) {
        expect(problems).to.match(field);
      }
    }
    expect(() => parseConfig({ ...minimal, timeouts: [] }, "/", {})).to.throw(ConfigError, /timeouts must be an object/);
  });
});
