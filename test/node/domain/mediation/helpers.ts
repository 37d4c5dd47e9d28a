import { AGREEMENT_FORMAT, type MediationAgreement } from "../../../../node/domain/mediation/agreement.js";

const CASE_KEY = `0x${"ab".repeat(32)}`;

/** A synthetic agreement: 3,000.00 yuan in three monthly instalments, 500.00 of interest waived. */
export function sampleAgreement(overrides: Partial<MediationAgreement> = {}): MediationAgreement {
  return {
    format: AGREEMENT_FORMAT,
    caseKey: CASE_KEY,
    creditorId: 1,
    mediatorId: 5,
    agencyId: 2,
    debtorRole: "borrower",
    amountFen: "300000",
    waiver: { amountFen: "50000", items: ["interest", "penalty"], voidOnDefault: true },
    instalments: [
      { due: "2026-12-10", amountFen: "100000" },
      { due: "2027-01-10", amountFen: "100000" },
      { due: "2027-02-10", amountFen: "100000" },
    ],
    graceDays: 15,
    place: "广州市天河区",
    date: "2026-12-01",
    ...overrides,
  };
}

