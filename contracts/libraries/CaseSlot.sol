// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ICaseRegistry} from "../interfaces/ICaseRegistry.sol";

/**
 * @notice One case in one storage slot. Registering a case costs one fresh SSTORE (22,100 gas with the
 * cold access) and nothing else in storage, which is what keeps a batched assignment near 25,000 gas a case.
 *
 * Layout, least significant bit first:
 *
 *   bits   0..31   creditorId  uint32  member id of the creditor (lender or the AMC that bought the case)
 *   bits  32..63   agencyId    uint32  member id of the current or last agency, 0 if never assigned
 *   bits  64..103  assignedAt  uint40  block time of the current or last assignment (seconds)
 *   bits 104..143  until       uint40  end of the mandate, inclusive (seconds); 0 when not assigned
 *   bits 144..151  status      uint8   ICaseRegistry.CaseStatus
 *   bits 152..255  zero               reserved
 *
 * A registered case is never all-zero: its status is at least `Registered` (1), so zero means "unknown".
 * uint40 seconds last until the year 36812.
 */
type CaseSlot is uint256;

using CaseSlotLib for CaseSlot global;

/// @title CaseSlotLib
/// @notice Packing and unpacking of {CaseSlot}.
library CaseSlotLib {
    uint256 private constant MASK_32 = 0xffffffff;
    uint256 private constant MASK_40 = 0xffffffffff;
    uint256 private constant MASK_8 = 0xff;

    uint256 private constant AGENCY_SHIFT = 32;
    uint256 private constant ASSIGNED_AT_SHIFT = 64;
    uint256 private constant UNTIL_SHIFT = 104;
    uint256 private constant STATUS_SHIFT = 144;

    function pack(
        uint32 creditorId_,
        uint32 agencyId_,
        uint40 assignedAt_,
        uint40 until_,
        ICaseRegistry.CaseStatus status_
    ) internal pure returns (CaseSlot) {
        return CaseSlot.wrap(
            uint256(creditorId_) | (uint256(agencyId_) << AGENCY_SHIFT) | (uint256(assignedAt_) << ASSIGNED_AT_SHIFT)
                | (uint256(until_) << UNTIL_SHIFT) | (uint256(status_) << STATUS_SHIFT)
        );
    }

    function creditorId(CaseSlot slot) internal pure returns (uint32) {
        return uint32(CaseSlot.unwrap(slot) & MASK_32);
    }

    function agencyId(CaseSlot slot) internal pure returns (uint32) {
        return uint32((CaseSlot.unwrap(slot) >> AGENCY_SHIFT) & MASK_32);
    }

    function assignedAt(CaseSlot slot) internal pure returns (uint40) {
        return uint40((CaseSlot.unwrap(slot) >> ASSIGNED_AT_SHIFT) & MASK_40);
    }

    function until(CaseSlot slot) internal pure returns (uint40) {
        return uint40((CaseSlot.unwrap(slot) >> UNTIL_SHIFT) & MASK_40);
    }

    function status(CaseSlot slot) internal pure returns (ICaseRegistry.CaseStatus) {
        return ICaseRegistry.CaseStatus((CaseSlot.unwrap(slot) >> STATUS_SHIFT) & MASK_8);
    }

    /// @dev The same slot with another status; every other field kept.
    function withStatus(CaseSlot slot, ICaseRegistry.CaseStatus newStatus) internal pure returns (CaseSlot) {
        return CaseSlot.wrap(
            (CaseSlot.unwrap(slot) & ~(MASK_8 << STATUS_SHIFT)) | (uint256(newStatus) << STATUS_SHIFT)
        );
    }

    /// @dev The same slot with another mandate end; every other field kept.
    function withUntil(CaseSlot slot, uint40 newUntil) internal pure returns (CaseSlot) {
        return CaseSlot.wrap((CaseSlot.unwrap(slot) & ~(MASK_40 << UNTIL_SHIFT)) | (uint256(newUntil) << UNTIL_SHIFT));
    }

    function isEmpty(CaseSlot slot) internal pure returns (bool) {
        return CaseSlot.unwrap(slot) == 0;
    }

    /// @dev Assigned or accepted: the agency holds a mandate, which may have run out (see {isExpiredAt}).
    function isAssigned(CaseSlot slot) internal pure returns (bool) {
        ICaseRegistry.CaseStatus s = status(slot);
        return s == ICaseRegistry.CaseStatus.Assigned || s == ICaseRegistry.CaseStatus.Accepted;
    }

    /// @dev An assignment whose inclusive `until` lies before `timestamp`: no longer ownership.
    function isExpiredAt(CaseSlot slot, uint256 timestamp) internal pure returns (bool) {
        return isAssigned(slot) && timestamp > until(slot);
    }

    /// @dev Assigned and within the mandate window at `timestamp`.
    function isHeldAt(CaseSlot slot, uint256 timestamp) internal pure returns (bool) {
        return isAssigned(slot) && timestamp <= until(slot);
    }
}
