import type { CaseStatusName } from "./case-status.js";
import { isExpiredAt } from "./holding.js";
import { ROLE } from "./member-roles.js";

/** Who may call: the case's creditor (a LENDER member) or its agency (an AGENCY member, the current or last one). */
export type CaseActor = "creditor" | "agency";

/** The CaseRegistry functions that change a case (the names of the gateway's job kinds too), and who calls each. */
export const CASE_ACTIONS = {
  register: "creditor",
  registerAndAssign: "creditor",
  assign: "creditor",
  accept: "agency",
  returnCases: "agency",
  recall: "creditor",
  extend: "creditor",
  settle: "creditor",
  close: "creditor",
  transferCreditor: "creditor",
} as const satisfies Record<string, CaseActor>;
export type CaseAction = keyof typeof CASE_ACTIONS;

/** The role the contract requires of each actor's signer. */
export const ACTOR_ROLE = { creditor: ROLE.LENDER, agency: ROLE.AGENCY } as const satisfies Record<CaseActor, number>;

/**
 * For a held status (Assigned, Accepted), whether the step needs the mandate running ("active"), run out
 * ("expired") or either ("any"). Other statuses have no mandate: always "any".
 */
export type MandateCondition = "active" | "expired" | "any";

export interface CaseTransition {
  action: CaseAction;
  from: CaseStatusName;
  mandate: MandateCondition;
  to: CaseStatusName;
  actor: CaseActor;
}

const t = (action: CaseAction, from: CaseStatusName, to: CaseStatusName, mandate: MandateCondition = "any"): CaseTransition => ({
  action,
  from,
  mandate,
  to,
  actor: CASE_ACTIONS[action],
});

/**
 * Every step CaseRegistry allows, and nothing else: any (status, mandate, action) not listed reverts. Extending keeps
 * the status (only `until` moves); a transfer hands the case to another creditor as Registered, without an agency.
 */
export const CASE_TRANSITIONS: readonly CaseTransition[] = [
  t("register", "None", "Registered"),
  t("registerAndAssign", "None", "Assigned"),
  t("assign", "Registered", "Assigned"),
  t("assign", "Returned", "Assigned"),
  t("assign", "Recalled", "Assigned"),
  t("assign", "Assigned", "Assigned", "expired"),
  t("assign", "Accepted", "Assigned", "expired"),
  t("accept", "Assigned", "Accepted", "active"),
  t("returnCases", "Assigned", "Returned", "active"),
  t("returnCases", "Accepted", "Returned", "active"),
  t("recall", "Assigned", "Recalled"),
  t("recall", "Accepted", "Recalled"),
  t("extend", "Assigned", "Assigned", "active"),
  t("extend", "Accepted", "Accepted", "active"),
  t("settle", "Registered", "Settled"),
  t("settle", "Assigned", "Settled"),
  t("settle", "Accepted", "Settled"),
  t("settle", "Returned", "Settled"),
  t("settle", "Recalled", "Settled"),
  t("close", "Registered", "Closed"),
  t("close", "Assigned", "Closed"),
  t("close", "Accepted", "Closed"),
  t("close", "Returned", "Closed"),
  t("close", "Recalled", "Closed"),
  t("close", "Settled", "Closed"),
  t("transferCreditor", "Registered", "Registered"),
  t("transferCreditor", "Returned", "Registered"),
  t("transferCreditor", "Recalled", "Registered"),
  t("transferCreditor", "Assigned", "Registered", "expired"),
  t("transferCreditor", "Accepted", "Registered", "expired"),
];

/** The transition `action` takes from `from` (its mandate `expired` or not), or undefined when the contract refuses it. */
export function transitionOf(from: CaseStatusName, action: CaseAction, expired = false): CaseTransition | undefined {
  return CASE_TRANSITIONS.find(
    (step) => step.from === from && step.action === action && (step.mandate === "any" || (step.mandate === "expired") === expired),
  );
}

/** A case as the chain index has it: enough to say who may take which step now. */
export interface CaseParties {
  status: CaseStatusName;
  until: number;
  creditorId: number;
  agencyId: number;
}

/**
 * The steps `memberId` may take on a case at `nowSeconds`, as CaseRegistry would allow them: the transition exists
 * from its status (and mandate) and the member is the step's actor. What the console offers as buttons.
 */
export function actionsOpenTo(state: CaseParties, memberId: number, nowSeconds: number): CaseAction[] {
  const expired = isExpiredAt(state, nowSeconds);
  const party: Record<CaseActor, boolean> = { creditor: state.creditorId === memberId, agency: state.agencyId !== 0 && state.agencyId === memberId };
  return (Object.keys(CASE_ACTIONS) as CaseAction[]).filter((action) => {
    const step = transitionOf(state.status, action, expired);
    return step !== undefined && party[step.actor];
  });
}
