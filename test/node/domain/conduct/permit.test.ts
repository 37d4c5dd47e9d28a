import { expect } from "chai";
import { DEFAULT_CONDUCT_POLICY, isConductPolicy, isStricterHours } from "../../../../node/domain/consortium/index.js";
import { chinaDayOf } from "../../../../node/domain/fees/month.js";
import { allowedHours, chinaMinuteOf, type PermitFacts, permitMismatch, permitRefusal } from "../../../../node/domain/conduct/permit.js";
import { parseContactInput, overlaps } from "../../../../node/domain/conduct/input.js";

describe("domain/conduct/permit: the rules a contact permit is granted by (docs/design.md §25)", () => {
  const at = (iso: string) => Date.parse(iso);
  const facts = (over: Partial<PermitFacts> = {}): PermitFacts => ({ now: at("2026-03-02T10:00:00+08:00"), policy: DEFAULT_CONDUCT_POLICY, held: true, countToday: 0, stale: false, openComplaint: false, promisePending: false, ...over });

  it("reads the day and the minute in China time, whatever the instant's zone", () => {
    expect(chinaDayOf(at("2026-03-01T16:00:00Z"))).to.equal("2026-03-02");
    expect(chinaDayOf(at("2026-03-01T15:59:59Z"))).to.equal("2026-03-01");
    expect(chinaMinuteOf(at("2026-03-01T23:30:00Z"))).to.equal(7 * 60 + 30);
  });

  it("refuses by the first rule broken, in order: holding, hours, complaint, promise, cap, stale tally", () => {
    expect(permitRefusal(facts())).to.equal(undefined);
    expect(permitRefusal(facts({ held: false, now: at("2026-03-02T23:00:00+08:00") }))).to.equal("CONTACT_NOT_HELD");
    expect(permitRefusal(facts({ now: at("2026-03-02T07:59:59+08:00") }))).to.equal("CONTACT_QUIET_HOURS");
    expect(permitRefusal(facts({ now: at("2026-03-02T22:00:00+08:00") }))).to.equal("CONTACT_QUIET_HOURS");
    expect(permitRefusal(facts({ openComplaint: true, promisePending: true }))).to.equal("CONTACT_OPEN_COMPLAINT");
    expect(permitRefusal(facts({ promisePending: true, countToday: 3 }))).to.equal("CONTACT_PROMISE_PENDING");
    expect(permitRefusal(facts({ countToday: 3, stale: true }))).to.equal("CONTACT_DAILY_CAP");
    expect(permitRefusal(facts({ countToday: 2, stale: true }))).to.equal("CONTACT_TALLY_STALE");
    const lax = { ...DEFAULT_CONDUCT_POLICY, pauseOnComplaint: false, pauseOnPromise: false, failClosed: false };
    expect(permitRefusal(facts({ policy: lax, openComplaint: true, promisePending: true, stale: true }))).to.equal(undefined);
  });

  it("takes a lender's hours only as far as they are stricter", () => {
    expect(allowedHours(DEFAULT_CONDUCT_POLICY, { from: 9 * 60, to: 23 * 60 })).to.deep.equal({ from: 9 * 60, to: 22 * 60 });
    expect(isStricterHours(DEFAULT_CONDUCT_POLICY, 9 * 60, 20 * 60)).to.equal(true);
    expect(isStricterHours(DEFAULT_CONDUCT_POLICY, 7 * 60, 20 * 60)).to.equal(false);
    expect(isStricterHours(DEFAULT_CONDUCT_POLICY, 10 * 60, 10 * 60)).to.equal(false);
    expect(isConductPolicy(DEFAULT_CONDUCT_POLICY)).to.equal(true);
    expect(isConductPolicy({ ...DEFAULT_CONDUCT_POLICY, dailyCap: 0 })).to.equal(false);
  });

  it("says why a permit does not cover a contact", () => {
    const permit = { v: 1 as const, permitId: "a".repeat(32), agency: 2, caseKey: "0xk", channel: "call" as const, day: "2026-03-02", issuedAt: 1000, expiresAt: 2000 };
    expect(permitMismatch(permit, { agency: 2, caseKey: "0xk", channel: "call", startedAt: 1500 }, 0)).to.equal(undefined);
    expect(permitMismatch(permit, { agency: 2, caseKey: "0xk", channel: "sms", startedAt: 1500 }, 0)).to.equal("permit_mismatch");
    expect(permitMismatch(permit, { agency: 3, caseKey: "0xk", channel: "call", startedAt: 1500 }, 0)).to.equal("permit_mismatch");
    expect(permitMismatch(permit, { agency: 2, caseKey: "0xk", channel: "call", startedAt: 2001 }, 0)).to.equal("permit_expired");
    expect(permitMismatch(permit, { agency: 2, caseKey: "0xk", channel: "call", startedAt: 999 }, 0)).to.equal("permit_expired");
  });

  it("parses a contact field by field and refuses personal data in the party or the collector", () => {
    const now = at("2026-03-02T02:00:00Z");
    const ok = { caseKey: `0x${"ab".repeat(32)}`, channel: "call", party: "debtor", startedAt: "2026-03-02T10:00:00+08:00", durationSeconds: 30, outcome: "connected", collector: "C-1" };
    expect(parseContactInput(ok, now)).to.deep.include({ startedAt: now, disclosedDebt: false });
    expect(parseContactInput({ ...ok, collector: "李四" }, now)).to.deep.equal({ problem: "COLLECTOR_INVALID", field: "collector" });
    expect(parseContactInput({ ...ok, outcome: "promise_to_pay" }, now)).to.deep.equal({ problem: "PROMISE_INVALID", field: "promise" });
    expect(parseContactInput({ ...ok, durationSeconds: -1 }, now)).to.deep.equal({ problem: "DURATION_INVALID", field: "durationSeconds" });
    expect(parseContactInput({ ...ok, startedAt: "2026-03-02T10:03:00+08:00" }, now)).to.deep.equal({ problem: "STARTED_AT_FUTURE", field: "startedAt" });
    expect(overlaps({ startedAt: 0, durationSeconds: 60 }, { startedAt: 60_000, durationSeconds: 10 })).to.equal(false);
    expect(overlaps({ startedAt: 0, durationSeconds: 61 }, { startedAt: 60_000, durationSeconds: 10 })).to.equal(true);
  });
});
