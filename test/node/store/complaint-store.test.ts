import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import type { ComplaintNotice, StoredComplaint } from "../../../node/store/complaint-store.js";

const key = (i: number) => `0x${(i + 1).toString(16).padStart(64, "2")}`;
const id = (i: number) => i.toString(16).padStart(24, "0");

/** The conduct records in a real LevelDB (design §26): complaints, the holder's notices by case, lexicon marks and reports apart, across a reopen. */
describe("node/store/complaint-store", () => {
  let dir: string;
  let store: GatewayDatabase;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-complaints-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps complaints, notices (found by case), lexicon marks and reports under their own prefixes, across a reopen", async () => {
    const complaint: StoredComplaint = { id: id(1), caseKey: key(1), agencyId: 2, category: "OTHER", sealed: "v1.a.b.c", receivedAt: "2026-12-01T00:00:00.000Z", envelopeHash: key(9), state: "open" };
    await store.complaints.putComplaint(complaint);
    const notice = (i: number, caseKey: string, state: "open" | "closed"): ComplaintNotice => ({ id: id(i), caseKey, creditorId: 1, category: "HARASSMENT", state, receivedAt: "2026-12-01T00:00:00.000Z", envelopeHash: key(8), updatedAt: "2026-12-01T00:00:00.000Z" });
    await store.complaints.putNotice(notice(2, key(1), "open"));
    await store.complaints.putNotice(notice(3, key(2), "closed"));
    await store.complaints.putNotice({ ...notice(2, key(1), "closed"), resolution: "UNFOUNDED" });
    await store.lexiconMarks.put({ version: "2026.1", hash: key(7), evidenceId: 0, leafHash: key(6), since: "2026-12-01T00:00:00.000Z" });
    await store.close();
    store = await openDatabase(dir);

    const all: StoredComplaint[] = [];
    for await (const c of store.complaints.complaints()) all.push(c);
    expect(all).to.deep.equal([complaint]);
    const notices: ComplaintNotice[] = [];
    for await (const n of store.complaints.notices()) notices.push(n);
    expect(notices.map((n) => [n.id, n.state])).to.deep.equal([
      [id(2), "closed"],
      [id(3), "closed"],
    ]);
    const ofCase: ComplaintNotice[] = [];
    for await (const n of store.complaints.noticesOfCase(key(1))) ofCase.push(n);
    expect(ofCase.map((n) => [n.id, n.resolution])).to.deep.equal([[id(2), "UNFOUNDED"]]);
    expect((await store.lexiconMarks.get("2026.1"))?.hash).to.equal(key(7));
    expect(await store.lexiconMarks.get("2027.1")).to.equal(undefined);
    const reports = [];
    for await (const r of store.supervisionReports.all()) reports.push(r);
    expect(reports).to.deep.equal([]);
  });
});
