import { expect } from "chai";
import { safeFileName } from "../../../../node/domain/export/file-name.js";

describe("node/domain/export: safeFileName", () => {
  it("drops direction overrides, zero-width and other invisible characters (found by the HTTP property test)", () => {
    expect(safeFileName("\u202e合.csv", "upload.csv")).to.equal("合.csv");
    expect(safeFileName("list\u200b\u200d\ufeff\u00ad\u2066.csv", "upload.csv")).to.equal("list.csv");
    expect(safeFileName("a\r\nb\t.csv", "upload.csv")).to.equal("ab.csv");
  });

  it("keeps no directory part and no leading dots", () => {
    expect(safeFileName("../../etc/passwd", "upload.csv")).to.equal("passwd");
    expect(safeFileName("..\\..\\boot.ini", "upload.csv")).to.equal("boot.ini");
    expect(safeFileName("..", "upload.csv")).to.equal("upload.csv");
    expect(safeFileName(".hidden.csv", "upload.csv")).to.equal("hidden.csv");
  });

  it("keeps Chinese, full-width and combining characters, composed, and bounds the length", () => {
    expect(safeFileName("２０２６年案件清单.csv", "upload.csv")).to.equal("２０２６年案件清单.csv");
    expect(safeFileName("e\u0301.csv", "upload.csv")).to.equal("\u00e9.csv");
    expect(safeFileName("𠀀".repeat(300), "upload.csv")).to.equal("𠀀".repeat(200));
    expect(safeFileName("\u202e\u200b", "upload.csv")).to.equal("upload.csv");
  });
});
