import { expect } from "chai";
import type { CaseChange, CaseHistoryEntry } from "../../../../node/chain/case-events.js";
import { type CaseEvent, caseEventOf } from "../../../../node/domain/consortium/index.js";
import type { BundleEvent } from "../../../../node/domain/evidence/bundle.js";

/** Compiles only when A and B are the same type both ways: the indexer's entry and the bundle's event are one. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const one: [Same<CaseHistoryEntry, CaseEvent>, Same<BundleEvent, CaseEvent>] = [true, true];

describe("node/domain/consortium case events (one home for a case's chain event)", () => {
  it("the indexer's history entry and the bundle's event are the domain's CaseEvent", () => {
    expect(one).to.deep.equal([true, true]);
  });

  it("caseEventOf keeps the event's own fields that are set, and nothing of the indexed change around it", () => {
    const change: CaseChange = {
      caseKey: `0x${"01".repeat(32)}`,
      debtorKey: `0x${"02".repeat(32)}`,
      type: "CaseRegistered",
      txHash: `0x${"ab".repeat(32)}`,
      block: 7,
      logIndex: 2,
      time: 1_700_000_000,
      creditorId: 3,
      agencyId: undefined,
    };
    const event = caseEventOf(change);
    expect(event).to.deep.equal({ type: "CaseRegistered", txHash: `0x${"ab".repeat(32)}`, block: 7, logIndex: 2, time: 1_700_000_000, creditorId: 3 });
    expect(Object.keys(event)).to.not.include("agencyId");
    const settled: CaseEvent = { type: "CaseSettled", txHash: change.txHash, block: 9, logIndex: 0, time: 1_700_000_100, creditorId: 3, settledFen: "123456", termsHash: `0x${"cd".repeat(32)}` };
    expect(caseEventOf(settled)).to.deep.equal(settled);
    expect(caseEventOf(settled)).to.not.equal(settled);
  });
});
