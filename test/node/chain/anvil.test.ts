import { createServer, type Server } from "node:net";
import { expect } from "chai";
import { freePort } from "../../../node/chain/anvil.js";

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe("node/chain/anvil: freePort", () => {
  it("draws ports below the ephemeral range, at random, that can be bound at once", async () => {
    const ports = await Promise.all(Array.from({ length: 8 }, () => freePort()));
    for (const port of ports) expect(port).to.be.within(20_000, 31_999);
    expect(new Set(ports).size, "eight draws from twelve thousand ports").to.be.greaterThan(1);
    await close(await listen(ports[0]!));
  });

  it("gives the preferred port when it is free, and another free one when it is taken", async () => {
    const preferred = await freePort();
    expect(await freePort(preferred)).to.equal(preferred);
    const holder = await listen(preferred);
    try {
      const other = await freePort(preferred);
      expect(other).to.not.equal(preferred);
      await close(await listen(other));
    } finally {
      await close(holder);
    }
  });
});
