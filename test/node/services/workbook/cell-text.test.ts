import { expect } from "chai";
import { cellText, isNumberCell } from "../../../../node/services/workbook/cell-text.js";

describe("node/services/workbook/cell-text", () => {
  it("writes numbers as Excel shows them (15 significant digits), in plain decimals the amount parser reads", () => {
    expect(cellText(1234.5)).to.equal("1234.5");
    expect(cellText(1234.567)).to.equal("1234.567");
    expect(cellText(0.1 + 0.2)).to.equal("0.3");
    expect(cellText(30)).to.equal("30");
    expect(cellText(1e21)).to.equal("1000000000000000000000");
    expect(cellText(1e-7)).to.equal("0.0000001");
    expect(cellText(-5)).to.equal("-5");
  });

  it("writes date cells as YYYY-MM-DD, with the time of day when there is one", () => {
    expect(cellText(new Date(Date.UTC(2024, 0, 31)))).to.equal("2024-01-31");
    expect(cellText(new Date(Date.UTC(2024, 0, 31, 9, 5, 7)))).to.equal("2024-01-31 09:05:07");
  });

  it("reads formulas as their cached result, rich text and hyperlinks as their text, errors and booleans as Excel writes them", () => {
    expect(cellText({ formula: "A1*2", result: 2469 })).to.equal("2469");
    expect(cellText({ formula: "A1&B1", result: "A-1" })).to.equal("A-1");
    expect(cellText({ sharedFormula: "C2", result: 7 })).to.equal("7");
    expect(cellText({ formula: "NOW()", date1904: false })).to.equal("");
    expect(cellText({ richText: [{ text: "A-" }, { text: "1", font: { bold: true } }] })).to.equal("A-1");
    expect(cellText({ text: "A-1", hyperlink: "https://example.invalid/" })).to.equal("A-1");
    expect(cellText({ error: "#N/A" })).to.equal("#N/A");
    expect(cellText(true)).to.equal("TRUE");
    expect(cellText(null)).to.equal("");
  });

  it("tells a number cell (or a formula with a number result) from text", () => {
    expect(isNumberCell(110101199001011230)).to.equal(true);
    expect(isNumberCell({ formula: "A1", result: 5 })).to.equal(true);
    expect(isNumberCell("110101199001011234")).to.equal(false);
    expect(isNumberCell(new Date())).to.equal(false);
    expect(isNumberCell({ richText: [{ text: "1" }] })).to.equal(false);
  });
});
