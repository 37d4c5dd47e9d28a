import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { ZeroHash } from "ethers";
import type { Level } from "level";
import { type CaseIndexerOptions, CaseIndexer, type GapReport, type SyncProgress } from "../../../node/chain/case-indexer.js";
import type { KvStore } from "../../../node/store/kv-store.js";
import { type Consortium, DAY, type MemberName, startConsortium, testKey } from "./consortium-fixture.js";

/** The event indexer against a real anvil, with its index in a real LevelDB. */
describe("node/chain/case-indexer (anvil)", function () {
  this.timeout(60_000);
  let c: Consortium;
  let db: Level<string, string>;
  const loops: CaseIndexer[] = [];

  beforeEach(async () => {
    c = await startConsortium();
    db = await c.level();
  });
  afterEach(async () => {
    for (const indexer of loops.splice(0)) await indexer.stop();
    await c.close();
  });

  const indexer = (name = "indexer", extra: Partial<CaseIndexerOptions> = {}) =>
    new CaseIndexer({
      rpc: c.provider,
      caseRegistry: c.contracts.caseRegistry,
      deployBlock: c.deployment.deployBlock,
      db: db.sublevel(name),
      ...extra,
    });
  const pair = (label: string, i: number, originator = 1) => ({
    caseKey: testKey(`${label}/case`, i, originator),
    debtorKey: testKey(`${label}/debtor`, i),
  });
  /** Registers (and, with an agency, assigns) cases directly, one transaction. */
  const send = async (member: MemberName, call: (registry: Awaited<ReturnType<Consortium["as"]>>["caseRegistry"]) => Promise<{ wait(): Promise<unknown> }>) => {
    const { caseRegistry } = await c.as(member);
    await (await call(caseRegistry)).wait();
  };
  const registerAndAssign = (member: MemberName, agency: number, until: number, items: { caseKey: string; debtorKey: string }[]) =>
    send(member, (r) => r.registerAndAssign(agency, until, items.map((i) => i.caseKey), items.map((i) => i.debtorKey)));
  const entries = async (store: KvStore) => {
    const all: Array<[string, string]> = [];
    for await (const entry of store.iterator({})) all.push(entry);
    return all;
  };

  it("gives the same index with pages of 3 blocks as with one page, reports progress, and resumes from its cursor", async () => {
    const end = (await c.now()) + 30 * DAY;
    for (let tx = 0; tx < 8; tx++) {
      const items = [0, 1, 2].map((i) => pair("paging", tx * 3 + i, tx % 2 ? c.ids.lender : c.ids.lender2));
      await registerAndAssign(tx % 2 ? "lender" : "lender2", tx % 3 ? c.ids.agency : c.ids.agency2, end, items);
      if (tx % 3 === 0) await c.provider.send("anvil_mine", ["0x5"]); // empty blocks between
    }
    await send("lender", (r) => r.recall([pair("paging", 3).caseKey]));
    await send("agency", (r) => r.accept([pair("paging", 6, c.ids.lender2).caseKey]));

    const progress: SyncProgress[] = [];
    const small = indexer("small", { pageBlocks: 3, onProgress: (p) => progress.push(p) });
    const big = indexer("big");
    const capped = indexer("capped", { maxPageLogs: 5 }); // pages of 5,000 blocks, split while they hold more than 5 logs
    const [a, b, d] = [await small.sync(), await big.sync(), await capped.sync()];
    expect(a).to.deep.equal(b);
    expect(d).to.deep.equal(b);
    expect(a.events).to.equal(24 + 8 + 2);
    const blocks = a.toBlock - a.fromBlock + 1;
    expect(progress).to.have.length(Math.ceil(blocks / 3));
    expect(progress.at(-1)).to.deep.include({ block: a.toBlock, events: a.events });
    expect(progress.every((p, i) => i === 0 || p.block > progress[i - 1]!.block)).to.equal(true);
    expect(await entries(db.sublevel("small"))).to.deep.equal(await entries(db.sublevel("big")));
    expect(await entries(db.sublevel("capped"))).to.deep.equal(await entries(db.sublevel("big")));

    // Caught up: nothing to do; new events: only they are read.
    expect(await small.sync()).to.include({ events: 0 });
    const terms = `0x${"5e".repeat(32)}`;
    await send("lender", (r) => r.settle([pair("paging", 4).caseKey], [4_321_000n], terms));
    const next = await small.sync();
    expect(next).to.include({ events: 1, fromBlock: a.toBlock + 1 });
    expect(await small.caseOf(pair("paging", 4).caseKey)).to.deep.include({ status: "Settled" });
    expect((await small.history(pair("paging", 4).caseKey)).map((h) => h.type)).to.deep.equal([
      "CaseRegistered",
      "CasesAssigned",
      "CaseSettled",
    ]);
    // The amount and the terms hash come from the event, as every member reads them.
    expect((await small.history(pair("paging", 4).caseKey)).at(-1)).to.deep.include({ creditorId: c.ids.lender, settledFen: "4321000", termsHash: terms });
  });

  it("notices a node restarted from an older state file with a shorter chain, and rebuilds without the lost cases", async () => {
    const end = (await c.now()) + 30 * DAY;
    await registerAndAssign("lender", c.ids.agency, end, [pair("kept", 0), pair("kept", 1)]);
    await c.restartChain(); // writes the state file
    const old = join(c.dir, "state-old.json");
    await copyFile(c.stateFile, old);

    await registerAndAssign("lender", c.ids.agency, end, [pair("lost", 0)]);
    await c.provider.send("anvil_mine", ["0x3"]);
    const gaps: GapReport[] = [];
    const index = indexer("indexer", { onGap: (g) => gaps.push(g) });
    await index.sync();
    expect(await index.caseOf(pair("lost", 0).caseKey)).to.not.equal(undefined);

    await c.restartChain(old);
    const result = await index.sync();
    expect(result.rebuilt?.reason).to.equal("chain-shorter");
    expect(gaps).to.have.length(1);
    expect(await index.caseOf(pair("lost", 0).caseKey)).to.equal(undefined);
    expect(await index.caseOf(pair("kept", 1).caseKey)).to.deep.include({ status: "Assigned", agencyId: c.ids.agency });
    expect(await index.activeHoldings(pair("lost", 0).debtorKey, await c.now())).to.deep.equal([]);
    expect(await index.activeCount(c.ids.agency, await c.now())).to.equal(2);
    expect(await index.history(pair("lost", 0).caseKey)).to.deep.equal([]);
    // Nothing of the old generation is left behind.
    const keys = (await entries(db.sublevel("indexer"))).map(([k]) => k);
    expect(keys.filter((k) => k !== "meta").every((k) => k.startsWith("g000002/"))).to.equal(true);
  });

  it("notices a node whose block at the cursor is another block (older state, then new blocks), and rebuilds", async () => {
    const end = (await c.now()) + 30 * DAY;
    await registerAndAssign("lender", c.ids.agency, end, [pair("base", 0)]);
    await c.restartChain();
    const old = join(c.dir, "state-old.json");
    await copyFile(c.stateFile, old);

    await registerAndAssign("lender", c.ids.agency, end, [pair("gone", 0), pair("gone", 1)]);
    const index = indexer();
    const before = await index.sync();
    expect(await index.activeCount(c.ids.agency, await c.now())).to.equal(3);

    await c.restartChain(old);
    await registerAndAssign("lender2", c.ids.agency2, end, [pair("new", 0, c.ids.lender2)]);
    await c.provider.send("anvil_mine", ["0x4"]);
    expect(await c.provider.getBlockNumber()).to.be.at.least(before.toBlock);
    const result = await index.sync();
    expect(result.rebuilt).to.deep.include({ reason: "hash-mismatch" });
    expect(await index.caseOf(pair("gone", 0).caseKey)).to.equal(undefined);
    expect(await index.caseOf(pair("new", 0, c.ids.lender2).caseKey)).to.deep.include({ creditorId: c.ids.lender2, agencyId: c.ids.agency2 });
    const now = await c.now();
    expect(await index.activeCount(c.ids.agency, now)).to.equal(1);
    expect((await index.casesOfAgency(c.ids.agency)).cases.map((r) => r.caseKey)).to.deep.equal([pair("base", 0).caseKey]);

    // An index built for another deployment is rebuilt too.
    const moved = indexer("indexer", { deployBlock: c.deployment.deployBlock + 1 });
    expect((await moved.sync()).rebuilt?.reason).to.equal("deployment-changed");
  });

  it("answers activeHoldings across creditors, respecting until, return, recall, settlement and transfer", async () => {
    const now = await c.now();
    const debtor = testKey("codebt/debtor", 0);
    // Cases 0–2 are the lender's, 3 and 4 lender2's (bytes 1–4 of a key name who may register it).
    const k = (i: number) => testKey("codebt/case", i, i < 3 ? c.ids.lender : c.ids.lender2);
    // One debtor, cases with two creditors and two agencies.
    await send("lender", (r) => r.registerAndAssign(c.ids.agency, now + 10 * DAY, [k(0), k(1), k(2)], [debtor, debtor, debtor]));
    await send("lender2", (r) => r.registerAndAssign(c.ids.agency2, now + 5 * DAY, [k(3)], [debtor]));
    await send("lender2", (r) => r.register([k(4)], [debtor]));
    const index = indexer();
    await index.sync();
    const t = await c.now();
    const held = async (at: number) => (await index.activeHoldings(debtor, at)).map((h) => `${h.caseKey === k(3) ? 3 : [k(0), k(1), k(2)].indexOf(h.caseKey)}@${h.agencyId}/${h.creditorId}`).sort();
    expect(await held(t)).to.deep.equal([`0@${c.ids.agency}/${c.ids.lender}`, `1@${c.ids.agency}/${c.ids.lender}`, `2@${c.ids.agency}/${c.ids.lender}`, `3@${c.ids.agency2}/${c.ids.lender2}`]);
    // `until` is inclusive; past it, the mandate is no holding.
    expect(await held(now + 5 * DAY)).to.have.length(4);
    expect(await held(now + 5 * DAY + 1)).to.have.length(3);
    expect(await index.activeCount(c.ids.agency2, now + 5 * DAY + 1)).to.equal(0);

    await send("agency", (r) => r.accept([k(0), k(1)]));
    await send("agency", (r) => r.returnCases([k(1)]));
    await send("lender", (r) => r.recall([k(2)]));
    await send("lender", (r) => r.extend([k(0)], now + 20 * DAY));
    await send("lender2", (r) => r.settle([k(3)], [0n], ZeroHash));
    await send("lender", (r) => r.transferCreditor([k(2)], c.ids.lender2));
    await index.sync();

    expect(await held(t)).to.deep.equal([`0@${c.ids.agency}/${c.ids.lender}`]);
    expect(await held(now + 15 * DAY)).to.have.length(1);
    expect(await index.activeCount(c.ids.agency, t)).to.equal(1);
    expect(await index.caseOf(k(0))).to.deep.include({ status: "Accepted", until: now + 20 * DAY });
    expect(await index.caseOf(k(2))).to.deep.include({ status: "Registered", creditorId: c.ids.lender2, agencyId: 0, until: 0 });
    expect((await index.caseOf(k(2)))!.assignment).to.equal(undefined);
    expect(await index.caseOf(k(3))).to.deep.include({ status: "Settled" });
    expect((await index.casesOfCreditor(c.ids.lender2)).cases.map((r) => r.caseKey).sort()).to.deep.equal([k(2), k(3), k(4)].sort());
    expect((await index.casesOfCreditor(c.ids.lender)).cases.map((r) => r.caseKey).sort()).to.deep.equal([k(0), k(1)].sort());

    const history = await index.history(k(2));
    expect(history.map((h) => h.type)).to.deep.equal(["CaseRegistered", "CasesAssigned", "CaseRecalled", "CaseCreditorTransferred"]);
    expect(history[1]).to.deep.include({ creditorId: c.ids.lender, agencyId: c.ids.agency, until: now + 10 * DAY });
    expect(history[3]).to.deep.include({ fromCreditorId: c.ids.lender, toCreditorId: c.ids.lender2 });
    expect(history.every((h) => h.time >= now - 5 && /^0x[0-9a-f]{64}$/.test(h.txHash))).to.equal(true);
    const extended = (await index.history(k(0))).find((h) => h.type === "CaseMandateExtended");
    expect(extended).to.deep.include({ previousUntil: now + 10 * DAY, until: now + 20 * DAY, agencyId: c.ids.agency });
  });

  it("polls with start()/stop() and reports failures without stopping", async () => {
    const errors: unknown[] = [];
    const index = indexer("indexer", { onError: (e) => errors.push(e), rpcTimeoutMs: 2_000 });
    loops.push(index);
    index.start(50);
    const end = (await c.now()) + DAY;
    await registerAndAssign("lender", c.ids.agency, end, [pair("poll", 0)]);
    const waitFor = async (check: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
        if (await check()) return true;
      }
      return false;
    };
    expect(await waitFor(async () => (await index.caseOf(pair("poll", 0).caseKey)) !== undefined)).to.equal(true);

    await c.stopChain();
    expect(await waitFor(async () => errors.length > 0)).to.equal(true);
    // A poll caught mid-request by the stop sees its socket reset; the polls after it are refused, and say so.
    expect(await waitFor(async () => /ECONNREFUSED|connect/i.test((await index.status()).lastError ?? ""))).to.equal(true);
    expect((await index.status()).lastError).to.match(/ECONNREFUSED|connect/i);
    await c.restartChain();
    await registerAndAssign("lender", c.ids.agency, end, [pair("poll", 1)]);
    expect(await waitFor(async () => (await index.caseOf(pair("poll", 1).caseKey)) !== undefined)).to.equal(true);
    await index.stop();
    expect((await index.status()).running).to.equal(false);
  });
});
