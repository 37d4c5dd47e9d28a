import { expect } from "chai";
import fc from "fast-check";
import { dayStart } from "../../../../node/domain/fees/month.js";
import { addDays, type CountedRepayment, scheduleStatus } from "../../../../node/domain/mediation/schedule.js";
import { propertyParameters } from "../../../support/property.js";
import { sampleAgreement } from "./helpers.js";

const at = (day: string, hour = 12) => dayStart(day)! + hour * 3_600_000;
const paid = (id: string, amountFen: string, day: string): CountedRepayment => ({ id, amountFen, paidAt: new Date(at(day)).toISOString() });

describe("domain/mediation: instalments against repayments (docs/design.md §28)", () => {
  const agreement = sampleAgreement(); // 3 × 1,000.00 due 12-10, 01-10, 02-10; grace 15 days

  it("before anything is paid: every instalment due, nothing in default", () => {
    const s = scheduleStatus(agreement, [], at("2026-12-05"));
    expect(s.instalments.map((i) => i.state)).to.deep.equal(["due", "due", "due"]);
    expect(s).to.deep.include({ paidFen: "0", unpaidFen: "300000", defaulted: false, defaultedSince: null, paidInstalments: 0 });
    expect(s.instalments[0]).to.deep.include({ overdueFrom: "2026-12-11", defaultFrom: "2026-12-26" });
  });

  it("money goes to the earliest instalment first, runs on into the next, and beyond the amount is excess", () => {
    const s = scheduleStatus(agreement, [paid("b", "150000", "2026-12-09"), paid("c", "200000", "2027-01-05")], at("2027-01-06"));
    expect(s.instalments.map((i) => [i.state, i.paidFen, i.repayments])).to.deep.equal([
      ["paid", "100000", ["b"]],
      ["paid", "100000", ["b", "c"]],
      ["paid", "100000", ["c"]],
    ]);
    expect(s).to.deep.include({ paidFen: "300000", unpaidFen: "0", excessFen: "50000", paidInstalments: 3 });
  });

  it("a repayment paid before the agreement's day is not counted", () => {
    const s = scheduleStatus(agreement, [paid("early", "100000", "2026-11-30")], at("2026-12-05"));
    expect(s.paidFen).to.equal("0");
  });

  it("due → overdue the day after its due day (China time) → defaulted after the grace days; a later payment cures", () => {
    const state = (now: number, repayments: CountedRepayment[] = []) => scheduleStatus(agreement, repayments, now).instalments[0]!.state;
    // 2026-12-10 23:59 China time is still the due day; 2026-12-11 00:00 China time is 2026-12-10T16:00Z.
    expect(state(dayStart("2026-12-11")! - 1)).to.equal("due");
    expect(state(dayStart("2026-12-11")!)).to.equal("overdue");
    expect(state(dayStart("2026-12-26")! - 1)).to.equal("overdue");
    expect(state(dayStart("2026-12-26")!)).to.equal("defaulted");
    const s = scheduleStatus(agreement, [], dayStart("2026-12-26")!);
    expect(s).to.deep.include({ defaulted: true, defaultedSince: "2026-12-26", defaultedFen: "100000" });
    expect(state(dayStart("2026-12-27")!, [paid("late", "100000", "2026-12-26")])).to.equal("paid");
    // Partly paid is still owing: the unpaid part is what is in default.
    const part = scheduleStatus(agreement, [paid("part", "40000", "2026-12-10")], dayStart("2026-12-26")!);
    expect(part.instalments[0]).to.deep.include({ state: "defaulted", paidFen: "40000" });
    expect(part.defaultedFen).to.equal("60000");
  });

  it("grace 0: default the day after the due day", () => {
    const s = scheduleStatus(sampleAgreement({ graceDays: 0 }), [], dayStart("2026-12-11")!);
    expect(s.instalments[0]!.state).to.equal("defaulted");
    expect(addDays("2026-12-31", 1)).to.equal("2027-01-01");
  });

  it("property: money is conserved, allocation is earliest-first, states follow the clock", () => {
    const day = fc.integer({ min: 0, max: 120 }).map((n) => addDays("2026-11-25", n));
    fc.assert(
      fc.property(
        fc.array(fc.record({ amountFen: fc.integer({ min: 1, max: 250_000 }).map(String), day }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 0, max: 30 }),
        (raw, nowOffset, graceDays) => {
          const a = sampleAgreement({ graceDays });
          const repayments = raw.map((r, i) => paid(`r${i}`, r.amountFen, r.day));
          const now = at(addDays("2026-11-25", nowOffset));
          const s = scheduleStatus(a, repayments, now);
          const counted = repayments.filter((r) => Date.parse(r.paidAt) >= dayStart(a.date)!).reduce((n, r) => n + BigInt(r.amountFen), 0n);
          expect(BigInt(s.paidFen) + BigInt(s.excessFen)).to.equal(counted);
          expect(BigInt(s.paidFen) + BigInt(s.unpaidFen)).to.equal(300_000n);
          // Earliest first: no instalment has money while an earlier one is short.
          for (let i = 1; i < s.instalments.length; i++) {
            if (BigInt(s.instalments[i]!.paidFen) > 0n) expect(s.instalments[i - 1]!.state).to.equal("paid");
          }
          for (const inst of s.instalments) {
            if (inst.state === "paid") expect(inst.paidFen).to.equal(inst.amountFen);
            else if (now < dayStart(inst.overdueFrom)!) expect(inst.state).to.equal("due");
            else if (now < dayStart(inst.defaultFrom)!) expect(inst.state).to.equal("overdue");
            else expect(inst.state).to.equal("defaulted");
          }
          expect(s.defaulted).to.equal(s.instalments.some((i) => i.state === "defaulted"));
        },
      ),
      propertyParameters(300),
    );
  });
});
