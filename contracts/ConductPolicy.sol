// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IConductPolicy} from "./interfaces/IConductPolicy.sol";
import {IMemberRegistry} from "./interfaces/IMemberRegistry.sol";
import {MemberRoles} from "./libraries/MemberRoles.sol";

/**
 * @title ConductPolicy
 * @notice See {IConductPolicy}.
 * @dev The first version (08:00–22:00, 3 connected contacts a day, both pauses, fail closed) is in force from
 * deployment. Versions only grow; {policyAt} walks back from the newest (few versions, a view).
 */
contract ConductPolicy is IConductPolicy {
    uint256 public constant NOTICE_PERIOD = 7 days;
    uint8 public constant MAX_DAILY_CAP = 20;
    uint16 private constant MINUTES_PER_DAY = 24 * 60;

    IMemberRegistry private immutable _members;
    Policy[] private _versions;
    mapping(uint32 lenderId => Hours) private _lenderHours;

    constructor(IMemberRegistry members) {
        _members = members;
        Policy memory first = Policy({
            allowedFromMinute: 8 * 60,
            allowedToMinute: 22 * 60,
            dailyCap: 3,
            pauseOnComplaint: true,
            pauseOnPromise: true,
            failClosed: true,
            effectiveFrom: uint40(block.timestamp)
        });
        _versions.push(first);
        emit ConductPolicyPublished(0, first);
    }

    /// @inheritdoc IConductPolicy
    function memberRegistry() external view returns (address) {
        return address(_members);
    }

    /// @inheritdoc IConductPolicy
    function publishPolicy(Policy calldata policy) external returns (uint256 version) {
        if (msg.sender != _members.operator()) revert ConductPolicyNotOperator(msg.sender);
        if (
            policy.allowedFromMinute >= policy.allowedToMinute || policy.allowedToMinute > MINUTES_PER_DAY
                || policy.dailyCap == 0 || policy.dailyCap > MAX_DAILY_CAP
        ) revert ConductPolicyInvalidPolicy(policy.allowedFromMinute, policy.allowedToMinute, policy.dailyCap);
        uint40 earliest = uint40(block.timestamp + NOTICE_PERIOD);
        uint40 last = _versions[_versions.length - 1].effectiveFrom;
        if (last >= earliest) earliest = last + 1;
        if (policy.effectiveFrom < earliest) revert ConductPolicyNoticeTooShort(policy.effectiveFrom, earliest);
        version = _versions.length;
        _versions.push(policy);
        emit ConductPolicyPublished(version, policy);
    }

    /// @inheritdoc IConductPolicy
    function publishLenderHours(uint16 fromMinute, uint16 toMinute) external {
        uint32 lenderId = _members.requireActiveSigner(msg.sender, MemberRoles.LENDER);
        if (fromMinute != 0 || toMinute != 0) {
            if (fromMinute >= toMinute) revert ConductPolicyHoursNotStricter(lenderId, fromMinute, toMinute);
            // Within the version in force now and within every version announced after it.
            uint256 i = _versions.length;
            while (i > 0) {
                Policy storage p = _versions[--i];
                if (fromMinute < p.allowedFromMinute || toMinute > p.allowedToMinute) {
                    revert ConductPolicyHoursNotStricter(lenderId, fromMinute, toMinute);
                }
                if (p.effectiveFrom <= block.timestamp) break;
            }
        }
        _lenderHours[lenderId] = Hours({fromMinute: fromMinute, toMinute: toMinute});
        emit LenderHoursPublished(lenderId, fromMinute, toMinute);
    }

    /// @inheritdoc IConductPolicy
    function policyAt(uint40 time) external view returns (Policy memory) {
        uint256 i = _versions.length;
        while (i > 1 && _versions[i - 1].effectiveFrom > time) --i;
        return _versions[i - 1];
    }

    /// @inheritdoc IConductPolicy
    function policyCount() external view returns (uint256) {
        return _versions.length;
    }

    /// @inheritdoc IConductPolicy
    function policyVersion(uint256 version) external view returns (Policy memory) {
        return _versions[version];
    }

    /// @inheritdoc IConductPolicy
    function lenderHours(uint32 lenderId) external view returns (Hours memory) {
        return _lenderHours[lenderId];
    }
}
