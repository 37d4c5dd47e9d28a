import { expect } from "chai";
import { BUNDLE_FORMAT, type SignedCaseBundle } from "../../../../node/domain/evidence/bundle.js";
import { type EvidenceRecord, recordJson } from "../../../../node/domain/evidence/record.js";
import { evidenceList } from "../../../../node/domain/mediation/evidence-list.js";

const CASE_KEY = `0x${"cd".repeat(32)}`;
const record = (member: number, kind: EvidenceRecord["kind"], capturedAt: string, n: number): EvidenceRecord => ({
  v: 1,
  member,
  caseKey: CASE_KEY,
  kind,
  contentSha256: String(n).repeat(64).slice(0, 64),
  contentSize: 10,
  mediaType: "application/pdf",
  capturedAt,
  salt: "00".repeat(16),
});

describe("domain/mediation: the evidence list (证据清单) from a case bundle", () => {
  it("one item per receipt in the order captured, then the bundle itself; unreadable receipts left out", () => {
    const receipts = [
      { record: recordJson(record(1, "mediation-agreement", "2026-12-01T02:00:00.000Z", 3)), leafHash: `0x${"03".repeat(32)}`, leafIndex: 7 },
      { record: recordJson(record(2, "call-recording", "2026-11-20T02:00:00.000Z", 1)), leafHash: `0x${"01".repeat(32)}`, leafIndex: 0 },
      { record: "{not json", leafHash: `0x${"09".repeat(32)}` },
      { record: recordJson(record(1, "repayment", "2026-12-09T02:00:00.000Z", 4)), leafHash: `0x${"04".repeat(32)}`, leafIndex: 9 },
    ];
    const signed: SignedCaseBundle = {
      bundle: { format: BUNDLE_FORMAT, caseKey: CASE_KEY, creditor: 1, builtAt: "2027-01-30T00:00:00.000Z", chain: { chainId: 31337, caseRegistry: `0x${"00".repeat(20)}`, evidenceRegistry: `0x${"00".repeat(20)}` }, history: [], sources: [], receipts },
      hash: `0x${"ee".repeat(32)}`,
      signature: `0x${"11".repeat(65)}`,
    };
    const items = evidenceList(signed, "f".repeat(64));
    expect(items.map((i) => [i.number, i.kind, i.member, i.locator])).to.deep.equal([
      [1, "call-recording", 2, "bundle.json#receipts[1]"],
      [2, "mediation-agreement", 1, "bundle.json#receipts[0]"],
      [3, "repayment", 1, "bundle.json#receipts[3]"],
      [4, "bundle", 1, "bundle.json"],
    ]);
    expect(items[0]).to.deep.include({ sha256: "1".repeat(64), leafHash: `0x${"01".repeat(32)}` });
    expect(items[3]).to.deep.include({ sha256: "f".repeat(64), leafHash: signed.hash, capturedAt: signed.bundle.builtAt });
  });
});
