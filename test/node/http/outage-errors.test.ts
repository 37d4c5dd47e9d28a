import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import express from "express";
import { Level } from "level";
import { msg } from "../../../node/messages/message.js";
import { ChainError } from "../../../node/chain/errors.js";
import { ApiError } from "../../../node/http/api-error.js";
import { errorHandler } from "../../../node/http/error-handler.js";
import { outageError } from "../../../node/http/outage-errors.js";
import { isDiskFull, isStoreError } from "../../../node/store/store-errors.js";
import { apiClient } from "../../support/api-client.js";

/** The chain node or the store being away is a 503/507 with a code and a Retry-After, never a 500. */
describe("node/http/outage-errors", () => {
  const levelError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it("classifies the node away, a full disk and LevelDB refusing, through wrapped causes", () => {
    expect(outageError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }))?.code).to.equal("CHAIN_UNAVAILABLE");
    expect(outageError(new ChainError("RPC_TIMEOUT", "eth_call did not answer"))?.status).to.equal(503);
    const full = new Error("write failed", { cause: levelError("LEVEL_IO_ERROR", "IO error: 000003.log: No space left on device") });
    expect(isDiskFull(full)).to.equal(true);
    expect(outageError(full)).to.include({ code: "STORAGE_FULL", status: 507 });
    expect(outageError(Object.assign(new Error("ENOSPC"), { code: "ENOSPC" }))?.code).to.equal("STORAGE_FULL");
    expect(isStoreError(levelError("LEVEL_DATABASE_NOT_OPEN", "Database is not open"))).to.equal(true);
    expect(outageError(levelError("LEVEL_CORRUPTION", "Corruption: bad block"))).to.include({ code: "STORE_UNAVAILABLE", status: 503 });
    expect(outageError(new Error("something else"))).to.equal(undefined);
    expect(outageError(new ApiError("CHAIN_UNAVAILABLE", msg("api.CHAIN_UNAVAILABLE")))).to.equal(undefined); // already an API error
  });

  it("answers a real LevelDB failure (a database closed underneath) 503 STORE_UNAVAILABLE with Retry-After, and a chain outage 503 CHAIN_UNAVAILABLE", async () => {
    const dir = await mkdtemp(join(tmpdir(), "caseledger-outage-"));
    const db = new Level<string, string>(join(dir, "store"));
    await db.open();
    await db.put("k", "v");
    await db.close();
    const logged: Array<Record<string, unknown>> = [];
    const app = express();
    app.get("/store", async () => {
      await db.put("k", "w");
    });
    app.get("/chain", async () => {
      const res = await fetch("http://127.0.0.1:9/").catch((e: unknown) => e);
      throw Object.assign(new Error("could not reach the node"), { code: "NETWORK_ERROR", cause: res });
    });
    app.use(errorHandler((e) => logged.push(e)));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const api = apiClient(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
      const store = await api.get("/store");
      expect(store.status).to.equal(503);
      expect(store.body.error.code).to.equal("STORE_UNAVAILABLE");
      expect(store.body.error.message).to.match(/本地存储.*\/ the local store is unavailable/);
      expect(store.headers.get("retry-after")).to.equal("30");
      const chain = await api.get("/chain");
      expect(chain.status).to.equal(503);
      expect(chain.body.error).to.deep.include({ code: "CHAIN_UNAVAILABLE", details: { retryAfterSeconds: 5 } });
      expect(chain.body.error.message).to.match(/区块链节点暂时不可达.*\/ the chain node is unreachable/);
      expect(chain.headers.get("retry-after")).to.equal("5");
      expect(logged.map((e) => e.code)).to.deep.equal(["STORE_UNAVAILABLE", "CHAIN_UNAVAILABLE"]);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
