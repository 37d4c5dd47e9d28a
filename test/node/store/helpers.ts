import { randomBytes } from "node:crypto";
import type { StoredCase } from "../../../node/store/case-records.js";

/** A synthetic case or debtor key of member 1 (random: each call a new one). */
export const key = (): string => `0x01${randomBytes(31).toString("hex")}`;

/** The instant the synthetic records were written. */
const at = "2026-11-30T08:15:00.123Z";

/**
 * A stored case's fields but its sealed personal data (synthetic, new keys unless given), in the order the gateway
 * writes them: encodings are compared by their JSON, member order included.
 */
export function storedCaseFields(overrides: Partial<Omit<StoredCase, "pii">> = {}): Omit<StoredCase, "pii"> {
  return {
    caseKey: key(),
    debtorKey: key(),
    loanRef: "LN-00000001",
    originatorId: 1,
    creditorId: 1,
    provinceCode: "44",
    region: "",
    product: "消费贷",
    principalFen: "3021400",
    outstandingFen: "1639054",
    overdueDays: 589,
    listId: "Lmj3k2x0a1b2c3d4",
    line: 2,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
