// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title MemberRoles
 * @notice The role bits of {IMemberRegistry}. A member may hold several (an AMC that buys a package and
 * also collects is LENDER | AGENCY).
 */
library MemberRoles {
    uint8 internal constant LENDER = 1 << 0;
    uint8 internal constant AGENCY = 1 << 1;
    uint8 internal constant COURT = 1 << 2;
    uint8 internal constant OPERATOR = 1 << 3;
    /// @dev A regulator or an industry association: asks members for conduct figures (never personal data) and
    /// changes nothing on chain.
    uint8 internal constant SUPERVISOR = 1 << 4;
    /// @dev A mediation body (调解组织): co-signs mediation agreements between a lender and a debtor; changes
    /// nothing on chain.
    uint8 internal constant MEDIATOR = 1 << 5;
    /// @dev Every known bit; anything outside is rejected so that a future role is a deliberate upgrade.
    uint8 internal constant ALL = LENDER | AGENCY | COURT | OPERATOR | SUPERVISOR | MEDIATOR;
    /// @dev "any role": an active member is enough (used by the evidence log, which every member keeps).
    uint8 internal constant ANY = 0;
}
