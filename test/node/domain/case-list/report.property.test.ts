import { expect } from "chai";
import fc from "fast-check";
import { type ValidationReport, validateCaseList } from "../../../../node/domain/case-list/report.js";
import { CaseListFileError } from "../../../../node/domain/errors.js";
import type { Pepper } from "../../../../node/domain/pseudonyms.js";
import { propertyParameters } from "../../../support/property.js";
import { caseListArb, cut, cutsArb, debtorArb, HEADER, hostileBytesArb, planRows, writeList } from "../csv/arbitraries.js";
import { concatBytes, utf8 } from "../csv/helpers.js";

const PEPPER: Pepper = { version: 1, secret: new Uint8Array(32).fill(7) };
const TODAY = new Date(Date.UTC(2026, 0, 15));

async function validateOrFileError(chunks: Uint8Array[]): Promise<{ report?: ValidationReport; error?: CaseListFileError }> {
  try {
    return { report: await validateCaseList("list.csv", chunks, { pepper: PEPPER, originatorMemberId: 1, today: TODAY }) };
  } catch (error) {
    if (!(error instanceof CaseListFileError)) throw error;
    return { error };
  }
}

/** Everything a user or a log could see of an outcome: the report, or the error's code, message and details. */
const visible = (outcome: { report?: ValidationReport; error?: CaseListFileError }) =>
  outcome.report ? JSON.stringify(outcome.report) : `${outcome.error!.code} ${outcome.error!.message} ${JSON.stringify(outcome.error!.details)}`;

function expectNoPii(text: string, pii: readonly string[]): void {
  for (const value of pii) expect(text.includes(value), `personal data ${JSON.stringify(value)} leaked into ${text.slice(0, 300)}…`).to.equal(false);
}

function expectTotalsAddUp(report: ValidationReport): void {
  const t = report.totals;
  expect(t.accepted + t.duplicate + t.rejected).to.equal(t.rows);
  expect(report.rows.length).to.equal(t.rows);
  for (const status of ["accepted", "duplicate", "rejected"] as const) expect(report.rows.filter((r) => r.status === status).length).to.equal(t[status]);
  expect(t.debtors).to.be.at.most(t.accepted);
  expect(new Set(report.rows.filter((r) => r.status === "accepted").map((r) => r.debtorKey)).size).to.equal(t.debtors);
}

describe("node/domain/case-list: validateCaseList, properties", function () {
  this.timeout(60_000);

  it("on any well-formed list: the planned status for every row, physical lines, totals that add up, and no personal data in the report", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseListArb.chain((list) => fc.tuple(fc.constant(list), cutsArb(list.written.bytes.length))),
        async ([list, cuts]) => {
          const outcome = await validateOrFileError(cut(list.written.bytes, cuts));
          expect(outcome.error, outcome.error && `${outcome.error.code} ${JSON.stringify(outcome.error.details)}`).to.equal(undefined);
          const report = outcome.report!;
          expect(report.encoding).to.equal(list.layout.gb18030 ? "gb18030" : list.layout.bom ? "utf-8-bom" : "utf-8");
          expectTotalsAddUp(report);
          expect(report.totals.rows).to.equal(list.rows.length);
          expect(report.rows.map((r) => [r.line, r.loanRef, r.status])).to.deep.equal(list.rows.map((r, i) => [list.written.lines[i], r.loanRef, r.expected]));
          for (const [i, row] of report.rows.entries()) {
            if (row.status === "rejected") expect(row.errors.length, list.rows[i]!.corruption).to.be.greaterThan(0);
            if (list.rows[i]!.corruption === "conflict") expect(row.errors.map((e) => e.code)).to.deep.equal(["REF_CONFLICT"]);
          }
          expectNoPii(visible(outcome), list.rows.flatMap((r) => r.pii));
        },
      ),
      propertyParameters(120),
    );
  });

  it("a list without its header line (the first debtor's row read as the header) fails whole, naming no one", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(debtorArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ debtor: fc.nat(), corruption: fc.constantFrom("none" as const, "extraColumn" as const), principal: fc.nat(1000), outstanding: fc.nat(1000), overdue: fc.nat(99), note: fc.constant("") }), { minLength: 1, maxLength: 4 }),
        async (debtors, seeds) => {
          const rows = planRows(debtors, seeds);
          const written = writeList(rows[0]!.cells, rows.slice(1).map((r) => r.cells), { quoteAll: false, quoteSome: [false], lineEnds: ["\r\n"], blankLinesAfter: [0], bom: false, gb18030: false, finalLineEnd: true });
          const outcome = await validateOrFileError([written.bytes]);
          expect(outcome.error?.code).to.be.oneOf(["HEADER_MISSING_COLUMN", "HEADER_DUPLICATE_COLUMN"]);
          expectNoPii(visible(outcome), rows.flatMap((r) => r.pii));
        },
      ),
      propertyParameters(150),
    );
  });

  it("on hostile bytes: a report whose totals add up, or a file error; never another exception, never personal data in an error", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileBytesArb,
        fc.array(debtorArb, { minLength: 1, maxLength: 2 }),
        fc.nat(),
        async (hostile, debtors, at) => {
          // Personal data spliced into the hostile bytes, where a decoder or parser error could quote it.
          const pii = debtors.flatMap((d) => [d.name, d.id, d.phone]);
          const where = at % (hostile.length + 1);
          const bytes = concatBytes(hostile.subarray(0, where), utf8(`,${pii.join(",")},`), hostile.subarray(where));
          const outcome = await validateOrFileError(cut(bytes, [Math.floor(bytes.length / 3), Math.floor((2 * bytes.length) / 3)]));
          if (outcome.report) expectTotalsAddUp(outcome.report);
          // The report may name loan refs, and hostile bytes may put a phone in the loan_ref column: errors only.
          else expectNoPii(visible(outcome), pii);
          if (outcome.report) for (const row of outcome.report.rows) expectNoPii(JSON.stringify(row.errors) + JSON.stringify(row.warnings), pii);
        },
      ),
      propertyParameters(300),
    );
  });

  it("a 5,000-character name, an 18-digit ID with a future birth date and a phone starting with 12 are rejected without being quoted", async () => {
    await fc.assert(
      fc.asyncProperty(debtorArb, fc.integer({ min: 2027, max: 2099 }), async (d, year) => {
        const future = `${d.id.slice(0, 6)}${year}${d.id.slice(10, 17)}`;
        const bad = [d.name.repeat(2_500), `${future}X`, `12${d.phone.slice(2)}`];
        const text = `${HEADER.join(",")}\nLN-1,${bad[0]},${d.id},${d.phone},1,1,1,\nLN-2,${d.name},${bad[1]},${d.phone},1,1,1,\nLN-3,${d.name},${d.id},${bad[2]},1,1,1,\n`;
        const outcome = await validateOrFileError([utf8(text)]);
        expect(outcome.report!.rows.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected"]);
        expectNoPii(visible(outcome), [d.name, d.id, d.phone, ...bad, future]);
      }),
      propertyParameters(60),
    );
  });
});
