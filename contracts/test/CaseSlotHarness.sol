// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ICaseRegistry} from "../interfaces/ICaseRegistry.sol";
import {CaseSlot, CaseSlotLib} from "../libraries/CaseSlot.sol";

/// @dev Exposes {CaseSlotLib} to the tests. Never deployed outside them.
contract CaseSlotHarness {
    function pack(uint32 creditorId, uint32 agencyId, uint40 assignedAt, uint40 until, ICaseRegistry.CaseStatus status)
        external
        pure
        returns (uint256)
    {
        return CaseSlot.unwrap(CaseSlotLib.pack(creditorId, agencyId, assignedAt, until, status));
    }

    function unpack(uint256 raw)
        external
        pure
        returns (uint32 creditorId, uint32 agencyId, uint40 assignedAt, uint40 until, ICaseRegistry.CaseStatus status)
    {
        CaseSlot slot = CaseSlot.wrap(raw);
        return (slot.creditorId(), slot.agencyId(), slot.assignedAt(), slot.until(), slot.status());
    }

    function withStatus(uint256 raw, ICaseRegistry.CaseStatus status) external pure returns (uint256) {
        return CaseSlot.unwrap(CaseSlot.wrap(raw).withStatus(status));
    }

    function withUntil(uint256 raw, uint40 until) external pure returns (uint256) {
        return CaseSlot.unwrap(CaseSlot.wrap(raw).withUntil(until));
    }

    function isExpiredAt(uint256 raw, uint256 timestamp) external pure returns (bool) {
        return CaseSlot.wrap(raw).isExpiredAt(timestamp);
    }

    function isHeldAt(uint256 raw, uint256 timestamp) external pure returns (bool) {
        return CaseSlot.wrap(raw).isHeldAt(timestamp);
    }
}
