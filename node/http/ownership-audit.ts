import type { Staff } from "../services/staff-tokens.js";
import type { OwnershipAnswer } from "../services/ownership.js";
import type { AuditInput, AuditLog } from "../store/audit-log.js";
import type { Logger } from "./error-handler.js";

/** What a lookup was about: the asked case key, or the debtor's pseudonym (never the ID number) and its cases. */
type OwnershipLookup =
  | { by: "caseKey"; answer: OwnershipAnswer }
  | { by: "idNumber"; debtorKey: string; cases: readonly OwnershipAnswer[] }
  | { by: "idNumber"; refused: number };

/**
 * Every ownership lookup in the audit log: who asked, about which case or debtor key, and whether the answer was
 * "authorized". Written without waiting — the check is the gateway's hot path, and the log serializes its appends;
 * a failed write is logged, the answer stands.
 */
export function ownershipAuditor(audit: AuditLog, log: Logger) {
  return (staff: Staff, method: "GET" | "POST", lookup: OwnershipLookup): void => {
    const actor = { tokenId: staff.tokenId, role: staff.role };
    const action = `${method} /v1/ownership`;
    const input: AuditInput =
      "refused" in lookup
        ? { actor, action, status: lookup.refused }
        : lookup.by === "caseKey"
          ? { actor, action, status: 200, caseKeys: [lookup.answer.caseKey], ref: { answer: verdict([lookup.answer]) } }
          : { actor, action, status: 200, caseKeys: lookup.cases.map((c) => c.caseKey), ref: { debtorKey: lookup.debtorKey, answer: verdict(lookup.cases) } };
    audit
      .append(input)
      .catch((error: unknown) => log({ level: "error", msg: "audit write failed", route: "/v1/ownership", error: String((error as Error)?.message ?? error).slice(0, 200) }));
  };
}

export type OwnershipAuditor = ReturnType<typeof ownershipAuditor>;

const verdict = (cases: readonly OwnershipAnswer[]) => (cases.some((c) => c.authorized) ? "authorized" : "not-authorized");
