// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ICaseRegistry} from "./interfaces/ICaseRegistry.sol";
import {IMemberRegistry} from "./interfaces/IMemberRegistry.sol";
import {CaseSlot, CaseSlotLib} from "./libraries/CaseSlot.sol";
import {MemberRoles} from "./libraries/MemberRoles.sol";

/**
 * @title CaseRegistry
 * @notice See {ICaseRegistry}.
 * @dev One {CaseSlot} per case is the only storage a case uses. Authorization is one call to the member
 * registry per batch, not per item.
 */
contract CaseRegistry is ICaseRegistry {
    /// @inheritdoc ICaseRegistry
    /// @dev 500 register+assign items use about 12.5 M gas, under the 16.7 M per-transaction cap of EIP-7825.
    uint256 public constant MAX_BATCH = 500;
    /// @inheritdoc ICaseRegistry
    uint256 public constant MAX_MANDATE = 730 days;

    /// @dev A caseKey's bytes 1–4 (its originator) sit above its 27 hash bytes: 27 × 8 bits.
    uint256 private constant ORIGINATOR_SHIFT = 216;

    IMemberRegistry private immutable _members;

    mapping(bytes32 caseKey => CaseSlot) private _cases;

    constructor(IMemberRegistry members) {
        _members = members;
    }

    /// @inheritdoc ICaseRegistry
    function memberRegistry() external view returns (address) {
        return address(_members);
    }

    /// @inheritdoc ICaseRegistry
    function register(bytes32[] calldata caseKeys, bytes32[] calldata debtorKeys) external {
        uint32 creditorId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        _registerAll(caseKeys, debtorKeys, CaseSlotLib.pack(creditorId, 0, 0, 0, CaseStatus.Registered), creditorId);
    }

    /// @inheritdoc ICaseRegistry
    function registerAndAssign(
        uint32 agencyId,
        uint40 until,
        bytes32[] calldata caseKeys,
        bytes32[] calldata debtorKeys
    ) external {
        uint32 creditorId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        _checkMandate(agencyId, until);
        CaseSlot slot = CaseSlotLib.pack(creditorId, agencyId, uint40(block.timestamp), until, CaseStatus.Assigned);
        _registerAll(caseKeys, debtorKeys, slot, creditorId);
        emit CasesAssigned(creditorId, agencyId, until, caseKeys);
    }

    /// @inheritdoc ICaseRegistry
    function assign(uint32 agencyId, uint40 until, bytes32[] calldata caseKeys) external {
        uint32 creditorId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        _checkMandate(agencyId, until);
        uint256 n = _checkBatch(caseKeys.length);
        CaseSlot assigned = CaseSlotLib.pack(creditorId, agencyId, uint40(block.timestamp), until, CaseStatus.Assigned);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            CaseSlot slot = _creditorCase(i, caseKey, creditorId);
            CaseStatus status = slot.status();
            if (slot.isAssigned()) {
                if (!slot.isExpiredAt(block.timestamp)) {
                    revert CaseRegistryMandateActive(i, caseKey, slot.agencyId(), slot.until());
                }
            } else if (
                status != CaseStatus.Registered && status != CaseStatus.Returned && status != CaseStatus.Recalled
            ) {
                revert CaseRegistryInvalidTransition(i, caseKey, status);
            }
            _cases[caseKey] = assigned;
        }
        emit CasesAssigned(creditorId, agencyId, until, caseKeys);
    }

    /// @inheritdoc ICaseRegistry
    function accept(bytes32[] calldata caseKeys) external {
        uint32 agencyId = _members.requireActiveSigner(msg.sender, MemberRoles.AGENCY);
        uint256 n = _checkBatch(caseKeys.length);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            CaseSlot slot = _agencyCase(i, caseKey, agencyId);
            if (slot.status() != CaseStatus.Assigned) revert CaseRegistryInvalidTransition(i, caseKey, slot.status());
            _requireUnexpired(i, caseKey, slot);
            _cases[caseKey] = slot.withStatus(CaseStatus.Accepted);
            emit CaseAccepted(caseKey, agencyId);
        }
    }

    /// @inheritdoc ICaseRegistry
    function returnCases(bytes32[] calldata caseKeys) external {
        uint32 agencyId = _members.requireActiveSigner(msg.sender, MemberRoles.AGENCY);
        uint256 n = _checkBatch(caseKeys.length);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            CaseSlot slot = _agencyCase(i, caseKey, agencyId);
            if (!slot.isAssigned()) revert CaseRegistryInvalidTransition(i, caseKey, slot.status());
            _requireUnexpired(i, caseKey, slot);
            _cases[caseKey] = slot.withStatus(CaseStatus.Returned);
            emit CaseReturned(caseKey, agencyId);
        }
    }

    /// @inheritdoc ICaseRegistry
    function recall(bytes32[] calldata caseKeys) external {
        uint32 creditorId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        uint256 n = _checkBatch(caseKeys.length);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            CaseSlot slot = _creditorCase(i, caseKey, creditorId);
            if (!slot.isAssigned()) revert CaseRegistryInvalidTransition(i, caseKey, slot.status());
            _cases[caseKey] = slot.withStatus(CaseStatus.Recalled);
            emit CaseRecalled(caseKey, slot.agencyId());
        }
    }

    /// @inheritdoc ICaseRegistry
    function extend(bytes32[] calldata caseKeys, uint40 until) external {
        uint32 creditorId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        _checkUntil(until);
        uint256 n = _checkBatch(caseKeys.length);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            CaseSlot slot = _creditorCase(i, caseKey, creditorId);
            if (!slot.isAssigned()) revert CaseRegistryInvalidTransition(i, caseKey, slot.status());
            _requireUnexpired(i, caseKey, slot);
            uint40 previousUntil = slot.until();
            if (until <= previousUntil) revert CaseRegistryUntilNotLater(i, caseKey, previousUntil, until);
            if (until > slot.assignedAt() + MAX_MANDATE) {
                revert CaseRegistryMandateTooLong(i, caseKey, slot.assignedAt(), until);
            }
            _cases[caseKey] = slot.withUntil(until);
            emit CaseMandateExtended(caseKey, slot.agencyId(), previousUntil, until);
        }
    }

    /// @inheritdoc ICaseRegistry
    function settle(bytes32[] calldata caseKeys, uint64[] calldata settledFen, bytes32 termsHash) external {
        uint32 creditorId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        uint256 n = _checkBatch(caseKeys.length);
        if (settledFen.length != n) revert CaseRegistrySettledLengthMismatch(n, settledFen.length);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            CaseSlot slot = _creditorCase(i, caseKey, creditorId);
            CaseStatus status = slot.status();
            if (status == CaseStatus.Settled || status == CaseStatus.Closed) {
                revert CaseRegistryInvalidTransition(i, caseKey, status);
            }
            _cases[caseKey] = slot.withStatus(CaseStatus.Settled);
            // The amount and terms live in the event only: the slot stays one word (see {CaseSlot}).
            emit CaseSettled(caseKey, creditorId, settledFen[i], termsHash);
        }
    }

    /// @inheritdoc ICaseRegistry
    function close(bytes32[] calldata caseKeys) external {
        uint32 creditorId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        uint256 n = _checkBatch(caseKeys.length);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            CaseSlot slot = _creditorCase(i, caseKey, creditorId);
            if (slot.status() == CaseStatus.Closed) revert CaseRegistryInvalidTransition(i, caseKey, CaseStatus.Closed);
            _cases[caseKey] = slot.withStatus(CaseStatus.Closed);
            emit CaseClosed(caseKey, creditorId);
        }
    }

    /// @inheritdoc ICaseRegistry
    function transferCreditor(bytes32[] calldata caseKeys, uint32 toCreditorId) external {
        uint32 creditorId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        if (toCreditorId == creditorId) revert CaseRegistrySameCreditor(creditorId);
        _members.requireActiveMember(toCreditorId, MemberRoles.LENDER);
        uint256 n = _checkBatch(caseKeys.length);
        CaseSlot transferred = CaseSlotLib.pack(toCreditorId, 0, 0, 0, CaseStatus.Registered);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            CaseSlot slot = _creditorCase(i, caseKey, creditorId);
            CaseStatus status = slot.status();
            if (slot.isAssigned()) {
                if (!slot.isExpiredAt(block.timestamp)) {
                    revert CaseRegistryMandateActive(i, caseKey, slot.agencyId(), slot.until());
                }
            } else if (status == CaseStatus.Settled || status == CaseStatus.Closed) {
                revert CaseRegistryInvalidTransition(i, caseKey, status);
            }
            _cases[caseKey] = transferred;
            emit CaseCreditorTransferred(caseKey, creditorId, toCreditorId);
        }
    }

    /// @inheritdoc ICaseRegistry
    function caseOf(bytes32 caseKey) public view returns (CaseState memory) {
        CaseSlot slot = _cases[caseKey];
        return CaseState({
            creditorId: slot.creditorId(),
            agencyId: slot.agencyId(),
            assignedAt: slot.assignedAt(),
            until: slot.until(),
            status: slot.status(),
            expired: slot.isExpiredAt(block.timestamp)
        });
    }

    /// @inheritdoc ICaseRegistry
    function casesOf(bytes32[] calldata caseKeys) external view returns (CaseState[] memory states) {
        states = new CaseState[](caseKeys.length);
        for (uint256 i; i < caseKeys.length; ++i) {
            states[i] = caseOf(caseKeys[i]);
        }
    }

    /// @inheritdoc ICaseRegistry
    function isAssignedTo(bytes32 caseKey, uint32 agencyId) external view returns (bool) {
        CaseSlot slot = _cases[caseKey];
        return agencyId != 0 && slot.agencyId() == agencyId && slot.isHeldAt(block.timestamp)
            && _members.isActive(agencyId, MemberRoles.AGENCY);
    }

    function _registerAll(bytes32[] calldata caseKeys, bytes32[] calldata debtorKeys, CaseSlot slot, uint32 creditorId)
        private
    {
        uint256 n = _checkBatch(caseKeys.length);
        if (debtorKeys.length != n) revert CaseRegistryLengthMismatch(n, debtorKeys.length);
        for (uint256 i; i < n; ++i) {
            bytes32 caseKey = caseKeys[i];
            bytes32 debtorKey = debtorKeys[i];
            if (caseKey == 0 || debtorKey == 0) revert CaseRegistryZeroKey(i);
            // Bytes 1–4 of the key: its originator, who alone may register it.
            uint32 originator = uint32(uint256(caseKey) >> ORIGINATOR_SHIFT);
            if (originator != creditorId) revert CaseRegistryForeignKey(i, caseKey, originator);
            if (!_cases[caseKey].isEmpty()) revert CaseRegistryAlreadyRegistered(i, caseKey);
            _cases[caseKey] = slot;
            emit CaseRegistered(caseKey, debtorKey, creditorId);
        }
    }

    /// @dev The slot of item `i`, which must exist and belong to `creditorId`.
    function _creditorCase(uint256 i, bytes32 caseKey, uint32 creditorId) private view returns (CaseSlot slot) {
        slot = _cases[caseKey];
        if (slot.isEmpty()) revert CaseRegistryUnknownCase(i, caseKey);
        if (slot.creditorId() != creditorId) revert CaseRegistryNotCreditor(i, caseKey, creditorId);
    }

    /// @dev The slot of item `i`, which must exist and name `agencyId` as its (current or last) agency.
    function _agencyCase(uint256 i, bytes32 caseKey, uint32 agencyId) private view returns (CaseSlot slot) {
        slot = _cases[caseKey];
        if (slot.isEmpty()) revert CaseRegistryUnknownCase(i, caseKey);
        if (slot.agencyId() != agencyId) revert CaseRegistryNotAgency(i, caseKey, agencyId);
    }

    function _requireUnexpired(uint256 i, bytes32 caseKey, CaseSlot slot) private view {
        if (slot.isExpiredAt(block.timestamp)) revert CaseRegistryMandateExpired(i, caseKey, slot.until());
    }

    function _checkMandate(uint32 agencyId, uint40 until) private view {
        _members.requireActiveMember(agencyId, MemberRoles.AGENCY);
        _checkUntil(until);
    }

    /// @dev A mandate ends strictly after the block that grants it: one that ends in it could never be used.
    function _checkUntil(uint40 until) private view {
        uint40 minUntil = uint40(block.timestamp + 1);
        uint40 maxUntil = uint40(block.timestamp + MAX_MANDATE);
        if (until < minUntil || until > maxUntil) revert CaseRegistryInvalidUntil(until, minUntil, maxUntil);
    }

    function _checkBatch(uint256 size) private pure returns (uint256) {
        if (size == 0) revert CaseRegistryEmptyBatch();
        if (size > MAX_BATCH) revert CaseRegistryBatchTooLarge(size, MAX_BATCH);
        return size;
    }
}
