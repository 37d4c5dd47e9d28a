import { expect } from "chai";
import { parseFilingInput } from "../../../../node/domain/mediation/filing-input.js";

const codes = (raw: unknown) => {
  const r = parseFilingInput(raw);
  return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.path}`);
};
const VALID = { document: "payment-order", court: "广州互联网法院", plaintiff: { address: "广州市天河区示例大道100号", representative: "王示例" } };

describe("domain/mediation: the filing's fields", () => {
  it("reads the staff's fields, trimmed; the defendant's name and ID number are not fields", () => {
    const r = parseFilingInput({ ...VALID, court: "  广州互联网法院 ", defendant: { address: "示例路1号" }, claimFen: "150000", facts: "第一段\n第二段" });
    expect(r.ok).to.equal(true);
    if (r.ok) expect(r.input).to.deep.equal({ ...VALID, defendant: { address: "示例路1号" }, claimFen: "150000", facts: "第一段\n第二段" });
    expect(codes({ ...VALID, defendant: { name: "张三" } })).to.deep.equal([]);
    const kept = parseFilingInput({ ...VALID, defendant: { name: "张三", idNumber: "x" } });
    expect(kept.ok && kept.input.defendant).to.deep.equal({});
  });

  it("names each problem with its code and path", () => {
    expect(codes({ document: "letter", court: "", plaintiff: { address: 5, representative: "x".repeat(41) }, claimFen: "0", facts: "a\u0000b", extra: 1 })).to.deep.equal([
      "UNKNOWN_FIELD $.extra",
      "DOCUMENT $.document",
      "REQUIRED $.court",
      "SHAPE $.plaintiff.address",
      "TOO_LONG $.plaintiff.representative",
      "AMOUNT $.claimFen",
      "SHAPE $.facts",
    ]);
    expect(codes(null)).to.deep.equal(["SHAPE $"]);
    expect(codes({ document: "complaint", court: "x" })).to.deep.equal(["REQUIRED $.plaintiff", "REQUIRED $.plaintiff.address", "REQUIRED $.plaintiff.representative"]);
  });
});
