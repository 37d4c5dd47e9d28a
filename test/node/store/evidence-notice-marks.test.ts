import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { EvidenceNoticeMarks } from "../../../node/store/evidence-notice-marks.js";

describe("EvidenceNoticeMarks", () => {
  let dir: string;
  let store: GatewayDatabase;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-notice-marks-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps a cursor and a marker per recorded job under j/ (the layout gateways already wrote)", async () => {
    const kv = store.kv.evidence;
    const marks = new EvidenceNoticeMarks(kv);
    expect(await marks.cursor()).to.equal(0);
    expect(await marks.recorded("job-000000000001")).to.equal(false);

    await kv.batch(marks.recordedOps("job-000000000001", 1), {});
    expect(await marks.cursor()).to.equal(1);
    expect(await marks.recorded("job-000000000001")).to.equal(true);

    await kv.batch(marks.skippedOps(2), {});
    expect(await marks.cursor()).to.equal(2);
    expect(await marks.recorded("job-000000000002")).to.equal(false);

    const entries: [string, string][] = [];
    for await (const entry of kv.iterator({})) entries.push(entry);
    expect(entries).to.deep.equal([
      ["j/cursor", "2"],
      ["j/done/job-000000000001", "1"],
    ]);
  });
});
