import { expect } from "chai";
import {
  actionsOpenTo,
  ALL_ROLES,
  CASE_ACTIONS,
  CASE_STATUS,
  CASE_STATUSES,
  CASE_TRANSITIONS,
  caseStatusName,
  hasRole,
  needsPepper,
  isActiveAgency,
  isActiveWithRole,
  isExpiredAt,
  isHeldAt,
  isHeldStatus,
  isRoleName,
  MEMBER_STATUS,
  memberStatusName,
  ROLE,
  statusAt,
  transitionOf,
} from "../../../../node/domain/consortium/index.js";

describe("domain/consortium: the rules in one place", () => {
  it("names and values of the case statuses go both ways", () => {
    CASE_STATUSES.forEach((name, value) => {
      expect(CASE_STATUS[name]).to.equal(value);
      expect(caseStatusName(value)).to.equal(name);
      expect(caseStatusName(BigInt(value))).to.equal(name);
    });
    expect(() => caseStatusName(CASE_STATUSES.length)).to.throw(RangeError);
    expect(() => caseStatusName(-1)).to.throw(RangeError);
  });

  it("an agency holds a case while Assigned or Accepted and `until` (inclusive) has not passed", () => {
    const now = 1_000;
    for (const status of CASE_STATUSES) {
      const heldStatus = status === "Assigned" || status === "Accepted";
      expect(isHeldStatus(status), status).to.equal(heldStatus);
      expect(isHeldAt({ status, until: now }, now), `${status} until now`).to.equal(heldStatus);
      expect(isHeldAt({ status, until: now - 1 }, now), `${status} until a second ago`).to.equal(false);
      expect(isExpiredAt({ status, until: now - 1 }, now), `${status} expired`).to.equal(heldStatus);
      expect(isExpiredAt({ status, until: now }, now), `${status} last second`).to.equal(false);
    }
  });

  it("role bits: a mask holds a role when it has every bit of it", () => {
    expect(ALL_ROLES).to.equal(63);
    expect(hasRole(ROLE.LENDER | ROLE.AGENCY, ROLE.AGENCY)).to.equal(true);
    expect(hasRole(3n, ROLE.LENDER)).to.equal(true);
    expect(hasRole(ROLE.COURT, ROLE.AGENCY)).to.equal(false);
    expect(isRoleName("agency")).to.equal(true);
    expect(isRoleName("admin")).to.equal(false);
    expect(isRoleName("toString")).to.equal(false);
  });

  it("the pepper: lenders and agencies need it, a court (or the operator's member) does not, unknown roles do", () => {
    for (const roles of [ROLE.LENDER, ROLE.AGENCY, ROLE.LENDER | ROLE.COURT, ROLE.AGENCY | ROLE.COURT, ALL_ROLES, 0, undefined]) {
      expect(needsPepper(roles), String(roles)).to.equal(true);
    }
    for (const roles of [ROLE.COURT, ROLE.OPERATOR, ROLE.COURT | ROLE.OPERATOR, ROLE.SUPERVISOR, ROLE.SUPERVISOR | ROLE.OPERATOR, ROLE.MEDIATOR, ROLE.MEDIATOR | ROLE.SUPERVISOR]) expect(needsPepper(roles), String(roles)).to.equal(false);
  });

  it("member statuses; an active agency is active and has the AGENCY role", () => {
    expect(memberStatusName(MEMBER_STATUS.Suspended)).to.equal("Suspended");
    expect(memberStatusName(2n)).to.equal("Suspended");
    expect(memberStatusName(9)).to.equal("None");
    expect(isActiveAgency({ status: MEMBER_STATUS.Active, roles: ROLE.LENDER | ROLE.AGENCY })).to.equal(true);
    expect(isActiveAgency({ status: BigInt(MEMBER_STATUS.Active), roles: BigInt(ROLE.AGENCY) })).to.equal(true);
    expect(isActiveAgency({ status: MEMBER_STATUS.Suspended, roles: ROLE.AGENCY })).to.equal(false);
    expect(isActiveAgency({ status: MEMBER_STATUS.Removed, roles: ROLE.AGENCY })).to.equal(false);
    expect(isActiveAgency({ status: MEMBER_STATUS.Active, roles: ROLE.LENDER })).to.equal(false);
    expect(isActiveWithRole({ status: MEMBER_STATUS.Active, roles: ROLE.COURT }, ROLE.COURT)).to.equal(true);
  });

  it("the lifecycle table: one step at most per (status, mandate, action), each by the action's actor", () => {
    for (const from of CASE_STATUSES) {
      for (const action of Object.keys(CASE_ACTIONS) as (keyof typeof CASE_ACTIONS)[]) {
        for (const expired of [false, true]) {
          const matches = CASE_TRANSITIONS.filter(
            (s) => s.from === from && s.action === action && (s.mandate === "any" || (s.mandate === "expired") === expired),
          );
          expect(matches.length, `${from} ${action} expired=${expired}`).to.be.at.most(1);
          expect(transitionOf(from, action, expired)).to.equal(matches[0]);
        }
      }
    }
    for (const step of CASE_TRANSITIONS) {
      expect(step.actor).to.equal(CASE_ACTIONS[step.action]);
      if (!isHeldStatus(step.from)) expect(step.mandate, `${step.from} has no mandate`).to.equal("any");
    }
    expect(transitionOf("Closed", "close")).to.equal(undefined);
    expect(transitionOf("Assigned", "accept", true)).to.equal(undefined);
    expect(transitionOf("Accepted", "assign", true)?.to).to.equal("Assigned");
  });

  it("the steps open to a member: the table's steps from the case's status and mandate, for the step's actor only", () => {
    const held = { status: "Assigned" as const, until: 1_000, creditorId: 1, agencyId: 3 };
    expect(actionsOpenTo(held, 3, 1_000)).to.have.members(["accept", "returnCases"]);
    expect(actionsOpenTo(held, 1, 1_000)).to.include("recall").and.not.include("accept");
    expect(actionsOpenTo(held, 3, 1_001)).to.not.include("accept").and.not.include("returnCases");
    expect(actionsOpenTo(held, 7, 1_000)).to.deep.equal([]);
    // An agency id of 0 is "no agency", never a member.
    expect(actionsOpenTo({ status: "Registered", until: 0, creditorId: 1, agencyId: 0 }, 0, 1)).to.deep.equal([]);
  });

  it("the status as people read it: Expired once a held mandate has run out, NotOnChain without a record", () => {
    expect(statusAt({ status: "Accepted", until: 10 }, 10)).to.equal("Accepted");
    expect(statusAt({ status: "Accepted", until: 10 }, 11)).to.equal("Expired");
    expect(statusAt({ status: "Recalled", until: 10 }, 11)).to.equal("Recalled");
    expect(statusAt(undefined, 11)).to.equal("NotOnChain");
  });
});
