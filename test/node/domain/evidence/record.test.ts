import { createHash } from "node:crypto";
import { expect } from "chai";
import { id } from "ethers";
import { canonicalJson } from "../../../../node/domain/canonical-json.js";
import { ABI, encodeRootAt } from "../../../../node/domain/evidence/chain-facts.js";
import { ContentHasher } from "../../../../node/domain/evidence/content-digest.js";
import { EVIDENCE_KINDS } from "../../../../node/domain/evidence/kinds.js";
import { newSalt, recordJson } from "../../../../node/domain/evidence/record.js";
import { parseRecordText, validateRecord } from "../../../../node/domain/evidence/record-validation.js";
import { looksTruncated } from "../../../../node/domain/evidence/receipt-parse.js";
import { PureSm3, createSm3, nativeSm3Available } from "../../../../node/domain/evidence/sm3.js";
import { syntheticRecord } from "./receipt-fixtures.js";

describe("node/domain/evidence: records", () => {
  it("writes the RFC 8785 form for every combination of optional fields and kinds", () => {
    for (const kind of EVIDENCE_KINDS) {
      for (const extra of [{}, { prev: `0x${"ab".repeat(32)}` }, { sm3: "cd".repeat(32) }, { prev: `0x${"12".repeat(32)}`, sm3: "ef".repeat(32) }]) {
        const record = syntheticRecord(1, { kind, ...extra });
        expect(recordJson(record)).to.equal(canonicalJson(record));
        expect(parseRecordText(recordJson(record))).to.deep.equal({ ok: true, record: JSON.parse(recordJson(record)) });
      }
    }
    expect(recordJson(syntheticRecord(1, { mediaType: "text/plain" }))).to.match(/^\{"capturedAt":"[^"]+","caseKey":"0x[0-9a-f]{64}","contentSha256":"[0-9a-f]{64}","contentSize":11,"kind":"call-recording","mediaType":"text\/plain","member":3,"salt":"[0-9a-f]{32}","v":1\}$/);
  });

  it("has a fresh 16-byte salt per record", () => {
    const salts = new Set(Array.from({ length: 1000 }, newSalt));
    expect(salts.size).to.equal(1000);
    for (const salt of salts) expect(salt).to.match(/^[0-9a-f]{32}$/);
  });

  it("names every invalid field, without its value", () => {
    const bad = validateRecord({ v: 2, member: 0, caseKey: `0x${"0".repeat(64)}`, kind: "selfie", contentSha256: "XYZ", contentSize: -1, mediaType: "Audio/MPEG; x=1", capturedAt: "2026-02-30T00:00:00.000Z", salt: "short", extra: "name: 张三" });
    expect(bad.ok).to.equal(false);
    if (bad.ok) return;
    expect(bad.problems.map((p) => `${p.field}:${p.code}`)).to.have.members([
      "extra:FIELD_UNKNOWN",
      "v:VERSION_UNSUPPORTED",
      "member:MEMBER_INVALID",
      "caseKey:CASE_KEY_INVALID",
      "kind:KIND_INVALID",
      "contentSha256:HASH_INVALID",
      "contentSize:SIZE_INVALID",
      "mediaType:MEDIA_TYPE_INVALID",
      "capturedAt:TIME_INVALID",
      "salt:SALT_INVALID",
    ]);
    expect(JSON.stringify(bad.problems)).to.not.include("张三");
    for (const p of bad.problems) expect(p.message).to.match(/[\u4e00-\u9fff].*\/ [A-Za-z]/);
    expect(validateRecord({}).ok).to.equal(false);
    expect(parseRecordText(`{"a":1}`)).to.include({ ok: false, code: "RECORD_INVALID" });
    expect(parseRecordText(`${recordJson(syntheticRecord(2))} `)).to.include({ ok: false, code: "RECORD_NOT_CANONICAL" });
  });

  it("hashes SM3 as GB/T 32905-2016's examples, OpenSSL and the pure implementation alike", () => {
    const abc = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
    const abcd16 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732";
    expect(new PureSm3().update(Buffer.from("abc")).digest()).to.equal(abc);
    expect(new PureSm3().update(Buffer.from("abcd".repeat(16))).digest()).to.equal(abcd16);
    expect(createSm3().update(Buffer.from("abc")).digest()).to.equal(abc);
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 255));
    for (let n = 0; n <= 300; n += 13) {
      const pure = new PureSm3();
      for (let i = 0; i < n; i += 17) pure.update(data.subarray(i, Math.min(n, i + 17)));
      if (nativeSm3Available()) expect(pure.digest()).to.equal(createSm3().update(data.subarray(0, n)).digest());
    }
  });

  it("digests content chunk by chunk: SHA-256, size and optional SM3", () => {
    const hasher = new ContentHasher({ sm3: true });
    hasher.update(Buffer.from("ab"));
    hasher.update(Buffer.from("c"));
    expect(hasher.digest()).to.deep.equal({ sha256: createHash("sha256").update("abc").digest("hex"), size: 3, sm3: "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" });
    expect(new ContentHasher().digest()).to.deep.equal({ sha256: createHash("sha256").digest("hex"), size: 0 });
  });

  it("uses the selectors and event topic of the contracts' ABI", () => {
    expect(ABI.rootAt).to.equal(id("rootAt(uint32,uint64)").slice(0, 10));
    expect(ABI.latestCheckpoint).to.equal(id("latestCheckpoint(uint32)").slice(0, 10));
    expect(ABI.memberRegistry).to.equal(id("memberRegistry()").slice(0, 10));
    expect(ABI.memberOf).to.equal(id("memberOf(uint32)").slice(0, 10));
    expect(ABI.checkpointAnchoredTopic).to.equal(id("CheckpointAnchored(uint32,uint64,bytes32,uint64)"));
    expect(encodeRootAt(3, 11)).to.equal(`0x6ce5061b${"3".padStart(64, "0")}${"b".padStart(64, "0")}`);
  });

  it("tells a truncated receipt from one that is not JSON", () => {
    expect(looksTruncated(`{"a":"b`)).to.equal(true);
    expect(looksTruncated(`{"a":[1,2`)).to.equal(true);
    expect(looksTruncated(`{"a":1}}`)).to.equal(false);
    expect(looksTruncated("hello")).to.equal(false);
  });
});
