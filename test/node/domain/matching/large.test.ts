import { expect } from "chai";
import { type CaseToAllocate, type DebtorHolding, allocate } from "../../../../node/domain/matching/index.js";
import { agency, holding, input, key, prng, stats } from "./helpers.js";

/**
 * 100,000 cases × 20 agencies must simply complete (per-region candidate lists, no quadratic work per case).
 * No timing assertion here: speed is measured by the benchmarks, never in tests.
 */
describe("node/domain/matching a large allocation", () => {
  it("allocates 100,000 cases over 20 agencies, every case decided, totals consistent", () => {
    const random = prng(7);
    const provinces = ["11", "12", "13", "31", "32", "33", "35", "37", "41", "42", "43", "44", "45", "50", "51", "53", "61", "65"];
    const agencies = Array.from({ length: 20 }, (_, i) =>
      agency(1_000 + i, {
        regions: i === 0 ? ["*"] : [provinces[i % 18] as string, provinces[(i * 5) % 18] as string, provinces[(i * 7) % 18] as string],
        outstandingFen: i % 4 === 0 ? { min: 0n, max: 2_000_000n } : { min: 100_000n },
        overdueDays: { min: (i % 3) * 30 },
        capacity: 6_000,
      }),
    );
    const agencyStats = agencies.map((a, i) => stats(a.agencyId, i * 50, i % 3 === 0 ? undefined : (i % 10) / 10));
    const cases: CaseToAllocate[] = [];
    for (let i = 0; i < 100_000; i++) {
      cases.push({
        caseKey: key(`case ${i}`),
        debtorKey: key(`debtor ${i % 80_000}`), // 20,000 debtors with two cases in the batch
        provinceCode: provinces[Math.floor(random() * provinces.length)] as string,
        outstandingFen: BigInt(Math.floor(random() * 5_000_000)),
        overdueDays: Math.floor(random() * 720),
      });
    }
    // Every 10th debtor already has an active case with one of the agencies (or with one off the list).
    const held = new Map<string, DebtorHolding[]>();
    for (let d = 0; d < 80_000; d += 10) {
      const debtor = key(`debtor ${d}`);
      held.set(debtor, [holding(debtor, d, 2 + (d % 3), d % 40 < 20 ? 1_000 + (d % 20) : 9_999)]);
    }

    const result = allocate(input({ cases, agencies, stats: agencyStats, holdingsOf: (d) => held.get(d) ?? [] }));

    expect(result.decisions).to.have.length(100_000);
    const assigned = result.decisions.filter((d) => d.agencyId !== null).length;
    expect(result.unmatched).to.equal(100_000 - assigned);
    expect(result.byAgency.reduce((n, a) => n + a.cases, 0)).to.equal(assigned);
    const fenOf = new Map(cases.map((c) => [c.caseKey, c.outstandingFen]));
    const sums = new Map<number, bigint>();
    for (const d of result.decisions) {
      if (d.agencyId !== null) sums.set(d.agencyId, (sums.get(d.agencyId) ?? 0n) + (fenOf.get(d.caseKey) ?? 0n));
    }
    for (const row of result.byAgency) {
      expect(row.outstandingFen).to.equal(sums.get(row.agencyId) ?? 0n);
      expect(row.cases).to.be.at.most(6_000 - (agencyStats.find((s) => s.agencyId === row.agencyId)?.activeCases ?? 0));
    }
    const codes = new Set(result.decisions.map((d) => d.reason.code));
    for (const code of ["CO_DEBT", "SAME_DEBTOR_BATCH", "MATCHED", "NO_CAPACITY"]) expect(codes).to.include(code);
  });
});
