import { expect } from "chai";
import { jobCall, normalizeJob } from "../../../node/chain/case-jobs.js";

const K = (i: number) => `0x${(i + 1).toString(16).padStart(64, "0")}`;
const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
};

describe("case jobs: settle", () => {
  it("keeps each case's amount (decimal fen) with its item and the terms hash as a parameter, lowercased", () => {
    const terms = `0x${"AB".repeat(32)}`;
    const job = normalizeJob({ kind: "settle", settlements: [{ caseKey: K(0), settledFen: "0" }, { caseKey: K(1), settledFen: "18446744073709551615" }], termsHash: terms });
    expect(job.params).to.deep.equal({ termsHash: terms.toLowerCase() });
    expect(job.items).to.deep.equal([
      { caseKey: K(0), settledFen: "0" },
      { caseKey: K(1), settledFen: "18446744073709551615" },
    ]);
    // A batch split by the submitter carries its own items' amounts, in order.
    expect(jobCall("settle", job.params, job.items.slice(1))).to.deep.equal({ method: "settle", args: [[K(1)], [18446744073709551615n], terms.toLowerCase()] });
  });

  it("sends the zero hash when there is no terms document (absent or zero)", () => {
    for (const termsHash of [undefined, `0x${"0".repeat(64)}`]) {
      const job = normalizeJob({ kind: "settle", settlements: [{ caseKey: K(0), settledFen: "5" }], ...(termsHash && { termsHash }) });
      expect(job.params).to.deep.equal({});
      expect(jobCall("settle", job.params, job.items).args).to.deep.equal([[K(0)], [5n], `0x${"0".repeat(64)}`]);
    }
  });

  it("refuses amounts that are not whole fen from 0 to 2^64 − 1 as decimal strings, and a malformed terms hash", () => {
    const bad: unknown[] = ["-1", "1.5", "01", "", "18446744073709551616", "1e3", 100, undefined];
    for (const settledFen of bad) {
      const spec = { kind: "settle" as const, settlements: [{ caseKey: K(0), settledFen: settledFen as string }] };
      expect(problem(() => normalizeJob(spec)), String(settledFen)).to.match(/settlements\[0\]\.settledFen must be a whole number of fen/);
    }
    expect(problem(() => normalizeJob({ kind: "settle", settlements: [{ caseKey: K(0), settledFen: "1" }], termsHash: "0x1234" }))).to.match(
      /termsHash must be a 32-byte hex hash/,
    );
    expect(problem(() => normalizeJob({ kind: "settle", settlements: [{ caseKey: K(0), settledFen: "1" }, { caseKey: K(0), settledFen: "2" }] }))).to.match(
      /item 1 repeats the case of item 0/,
    );
  });
});
