/**
 * The consortium's rules as the contracts enforce them, in one place: case statuses and their lifecycle, when an
 * agency holds a case, member roles and statuses, and the limits the gateway must respect. Everything else reads them
 * from here; test/node/domain/consortium checks them against the compiled contracts.
 */
export { CASE_STATUS, CASE_STATUSES, type CaseStatusName, caseStatusName } from "./case-status.js";
export { isExpiredAt, isHeldAt, isHeldFromCreditor, isHeldStatus, statusAt } from "./holding.js";
export {
  ACTOR_ROLE,
  actionsOpenTo,
  CASE_ACTIONS,
  CASE_TRANSITIONS,
  type CaseAction,
  transitionOf,
} from "./lifecycle.js";
export { CASE_KEY_ORIGINATOR_SHIFT } from "./case-key.js";
export { CASE_EVENT_NAMES, type CaseEvent, type CaseEventName, caseEventOf } from "./case-events.js";
export { MAX_BATCH, MAX_MANDATE_DAYS, MAX_MANDATE_SECONDS, MAX_PROOF_LENGTH } from "./limits.js";
export { ALL_ROLES, ROLE, ROLE_BY_NAME, hasRole, isRoleName, needsPepper } from "./member-roles.js";
export {
  CHANGE_KINDS,
  changeKindName,
  MEMBER_STATUS,
  MEMBER_STATUSES,
  isActiveAgency,
  isActiveStatus,
  isActiveWithRole,
  memberStatusName,
} from "./member-status.js";
export { type ConductPolicy, DEFAULT_CONDUCT_POLICY, isConductPolicy, isStricterHours, MAX_DAILY_CAP } from "./conduct-policy.js";
