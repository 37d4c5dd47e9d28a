import { expect } from "chai";
import fc from "fast-check";
import { agreementBytes, agreementHash, type MediationAgreement, parseAgreement } from "../../../../node/domain/mediation/agreement.js";
import { addDays } from "../../../../node/domain/mediation/schedule.js";
import { propertyParameters } from "../../../support/property.js";
import { sampleAgreement } from "./helpers.js";

const codes = (raw: unknown) => {
  const r = parseAgreement(raw);
  return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.path}`);
};

describe("domain/mediation: the agreement (caseledger-mediation-agreement/1)", () => {
  it("reads a valid agreement back as itself", () => {
    const r = parseAgreement(JSON.parse(JSON.stringify(sampleAgreement())));
    expect(r.ok).to.equal(true);
    if (r.ok) expect(r.agreement).to.deep.equal(sampleAgreement());
  });

  it("pins its canonical bytes and hash (what both members sign)", () => {
    const a = sampleAgreement();
    const text = new TextDecoder().decode(agreementBytes(a));
    expect(text).to.equal(
      '{"agencyId":2,"amountFen":"300000","caseKey":"0xabababababababababababababababababababababababababababababababab","creditorId":1,"date":"2026-12-01","debtorRole":"borrower","format":"caseledger-mediation-agreement/1","graceDays":15,"instalments":[{"amountFen":"100000","due":"2026-12-10"},{"amountFen":"100000","due":"2027-01-10"},{"amountFen":"100000","due":"2027-02-10"}],"mediatorId":5,"place":"广州市天河区","waiver":{"amountFen":"50000","items":["interest","penalty"],"voidOnDefault":true}}',
    );
    expect(agreementHash(a)).to.equal("0x5ad7c43a3ae55fdbeb60e284530f3f08dd7b5551c3287139d2426b592644192b");
    // Key order does not matter; any field does.
    expect(agreementHash(JSON.parse(text) as MediationAgreement)).to.equal(agreementHash(a));
    expect(agreementHash(sampleAgreement({ graceDays: 14 }))).to.not.equal(agreementHash(a));
  });

  it("refuses Σ instalments ≠ amount, with the path", () => {
    expect(codes(sampleAgreement({ amountFen: "300001" }))).to.deep.equal(["INSTALMENTS_SUM $.instalments"]);
  });

  it("names every problem with its code and path", () => {
    const raw = {
      ...sampleAgreement(),
      format: "other/1",
      caseKey: "0x12",
      creditorId: 0,
      mediatorId: 5,
      agencyId: "2",
      debtorRole: "wife",
      amountFen: "-1",
      waiver: { amountFen: "10", items: [], voidOnDefault: "yes", note: 1 },
      instalments: [{ due: "2026-02-30", amountFen: "0" }, { due: "2026-12-01", amountFen: "1" }, { due: "2026-12-01", amountFen: "1" }, "x"],
      graceDays: 91,
      place: "电话13912345678",
      date: "2026-13-01",
      name: "not a field",
    };
    expect(codes(raw)).to.deep.equal([
      "UNKNOWN_FIELD $.name",
      "FORMAT $.format",
      "CASE_KEY $.caseKey",
      "MEMBER_ID $.creditorId",
      "MEMBER_ID $.agencyId",
      "DEBTOR_ROLE $.debtorRole",
      "AMOUNT $.amountFen",
      "WAIVER_ITEMS $.waiver.items",
      "SHAPE $.waiver.voidOnDefault",
      "UNKNOWN_FIELD $.waiver.note",
      "DATE $.date",
      "DUE_DAY $.instalments[0].due",
      "INSTALMENT_AMOUNT $.instalments[0].amountFen",
      "DUE_ORDER $.instalments[2].due",
      "SHAPE $.instalments[3]",
      "GRACE_DAYS $.graceDays",
      "PLACE $.place",
    ]);
  });

  it("the mediator is another member; the first instalment not before the date; agencyId may be null; a waiver of 0 names nothing", () => {
    expect(codes(sampleAgreement({ mediatorId: 1 }))).to.deep.equal(["SAME_MEMBER $.mediatorId"]);
    expect(codes(sampleAgreement({ date: "2026-12-11" }))).to.deep.equal(["DUE_ORDER $.instalments[0].due"]);
    expect(codes(sampleAgreement({ date: "2026-12-10" }))).to.deep.equal([]);
    expect(codes(sampleAgreement({ agencyId: null }))).to.deep.equal([]);
    expect(codes(sampleAgreement({ waiver: { amountFen: "0", items: [], voidOnDefault: false } }))).to.deep.equal([]);
    expect(codes(sampleAgreement({ waiver: { amountFen: "0", items: ["interest"], voidOnDefault: false } }))).to.deep.equal(["WAIVER_ITEMS $.waiver.items"]);
    expect(codes(sampleAgreement({ instalments: [] }))).to.deep.equal(["INSTALMENTS_EMPTY $.instalments"]);
    expect(codes(null)).to.deep.equal(["SHAPE $"]);
  });
});

describe("domain/mediation: the agreement, as a property", () => {
  it("any schedule of increasing days whose sum is the amount parses, hashes the same after a JSON round trip, and Σ ± 1 fen is refused", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 1, max: 60 }), fen: fc.integer({ min: 1, max: 10_000_000 }) }), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 0, max: 90 }),
        (parts, graceDays) => {
          let offset = 0;
          const instalments = parts.map((p) => ({ due: addDays("2026-12-01", (offset += p.gap)), amountFen: String(p.fen) }));
          const amountFen = String(parts.reduce((n, p) => n + BigInt(p.fen), 0n));
          const ok = parseAgreement(sampleAgreement({ instalments, amountFen, graceDays }));
          expect(ok.ok).to.equal(true);
          if (ok.ok) expect(agreementHash(JSON.parse(JSON.stringify(ok.agreement)) as MediationAgreement)).to.equal(agreementHash(ok.agreement));
          for (const delta of [1n, -1n]) {
            const off = String(BigInt(amountFen) + delta);
            if (off === "0") continue;
            expect(codes(sampleAgreement({ instalments, amountFen: off, graceDays }))).to.deep.equal(["INSTALMENTS_SUM $.instalments"]);
          }
        },
      ),
      propertyParameters(200),
    );
  });
});
