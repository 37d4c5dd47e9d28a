// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title NaiveCaseRegistry
 * @notice Gas baseline only, never deployed to a network: the obvious design that CaseRegistry is measured
 * against — a struct with strings and full-width integers per case, one transaction per case.
 */
contract NaiveCaseRegistry {
    struct Case {
        bytes32 debtorKey;
        uint256 creditorId;
        uint256 agencyId;
        uint256 assignedAt;
        uint256 until;
        string status;
        string loanRef;
    }

    mapping(bytes32 caseKey => Case) public cases;

    event CaseAssigned(bytes32 indexed caseKey, bytes32 indexed debtorKey, uint256 creditorId, uint256 agencyId);

    error NaiveCaseRegistryAlreadyRegistered(bytes32 caseKey);

    function registerAndAssign(
        bytes32 caseKey,
        bytes32 debtorKey,
        uint256 creditorId,
        uint256 agencyId,
        uint256 until,
        string calldata loanRef
    ) external {
        if (cases[caseKey].assignedAt != 0) revert NaiveCaseRegistryAlreadyRegistered(caseKey);
        cases[caseKey] = Case({
            debtorKey: debtorKey,
            creditorId: creditorId,
            agencyId: agencyId,
            assignedAt: block.timestamp,
            until: until,
            status: "assigned",
            loanRef: loanRef
        });
        emit CaseAssigned(caseKey, debtorKey, creditorId, agencyId);
    }
}
