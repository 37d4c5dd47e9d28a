// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IMemberRegistry} from "./interfaces/IMemberRegistry.sol";
import {MemberRoles} from "./libraries/MemberRoles.sol";

/**
 * @title MemberRegistry
 * @notice See {IMemberRegistry}.
 * @dev Storage: `Member` packs signer (160 bits) + roles (8) + status (8) into one slot and the metadata
 * hash into a second. `_signerOf` remembers every address that ever signed for a member, so a rotated or
 * removed key can never be re-registered to impersonate history.
 */
contract MemberRegistry is IMemberRegistry {
    address private _operator;
    address private _pendingOperator;
    uint32 private _memberCount;

    mapping(uint32 memberId => Member) private _members;
    mapping(address account => uint32 memberId) private _signerOf;

    modifier onlyOperator() {
        if (msg.sender != _operator) revert MemberRegistryNotOperator(msg.sender);
        _;
    }

    constructor(address initialOperator) {
        if (initialOperator == address(0)) revert MemberRegistryZeroAddress();
        _operator = initialOperator;
        emit OperatorTransferred(address(0), initialOperator);
    }

    /// @inheritdoc IMemberRegistry
    function admit(address signer, uint8 roles, bytes32 metadataHash) external onlyOperator returns (uint32 memberId) {
        _checkRoles(roles);
        _checkFreshSigner(signer);
        memberId = ++_memberCount;
        _members[memberId] =
            Member({signer: signer, roles: roles, status: MemberStatus.Active, metadataHash: metadataHash});
        _signerOf[signer] = memberId;
        emit MemberAdmitted(memberId, signer, roles, metadataHash);
    }

    /// @inheritdoc IMemberRegistry
    function setRoles(uint32 memberId, uint8 roles) external onlyOperator {
        _checkRoles(roles);
        Member storage member = _existing(memberId);
        _checkNotRemoved(memberId, member.status);
        uint8 previous = member.roles;
        if (previous == roles) revert MemberRegistryNoChange(memberId);
        member.roles = roles;
        emit MemberRolesChanged(memberId, previous, roles);
    }

    /// @inheritdoc IMemberRegistry
    function suspend(uint32 memberId) external onlyOperator {
        Member storage member = _existing(memberId);
        if (member.status != MemberStatus.Active) revert MemberRegistryInvalidStatusChange(memberId, member.status);
        member.status = MemberStatus.Suspended;
        emit MemberSuspended(memberId);
    }

    /// @inheritdoc IMemberRegistry
    function reinstate(uint32 memberId) external onlyOperator {
        Member storage member = _existing(memberId);
        if (member.status != MemberStatus.Suspended) revert MemberRegistryInvalidStatusChange(memberId, member.status);
        member.status = MemberStatus.Active;
        emit MemberReinstated(memberId);
    }

    /// @inheritdoc IMemberRegistry
    function remove(uint32 memberId) external onlyOperator {
        Member storage member = _existing(memberId);
        _checkNotRemoved(memberId, member.status);
        member.status = MemberStatus.Removed;
        emit MemberRemoved(memberId);
    }

    /// @inheritdoc IMemberRegistry
    function rotateSigner(uint32 memberId, address newSigner) external {
        Member storage member = _existing(memberId);
        _checkSelfServiceAllowed(memberId, member);
        if (newSigner == member.signer) revert MemberRegistryNoChange(memberId);
        _checkFreshSigner(newSigner);
        address previous = member.signer;
        member.signer = newSigner;
        _signerOf[newSigner] = memberId;
        emit MemberSignerRotated(memberId, previous, newSigner);
    }

    /// @inheritdoc IMemberRegistry
    function updateMetadata(uint32 memberId, bytes32 metadataHash) external {
        Member storage member = _existing(memberId);
        _checkSelfServiceAllowed(memberId, member);
        bytes32 previous = member.metadataHash;
        if (previous == metadataHash) revert MemberRegistryNoChange(memberId);
        member.metadataHash = metadataHash;
        emit MemberMetadataUpdated(memberId, previous, metadataHash);
    }

    /// @inheritdoc IMemberRegistry
    function transferOperator(address newOperator) external onlyOperator {
        _pendingOperator = newOperator;
        emit OperatorTransferStarted(_operator, newOperator);
    }

    /// @inheritdoc IMemberRegistry
    function acceptOperator() external {
        if (msg.sender != _pendingOperator || msg.sender == address(0)) revert MemberRegistryNotOperator(msg.sender);
        address previous = _operator;
        _operator = msg.sender;
        delete _pendingOperator;
        emit OperatorTransferred(previous, msg.sender);
    }

    /// @inheritdoc IMemberRegistry
    function operator() external view returns (address) {
        return _operator;
    }

    /// @inheritdoc IMemberRegistry
    function pendingOperator() external view returns (address) {
        return _pendingOperator;
    }

    /// @inheritdoc IMemberRegistry
    function memberCount() external view returns (uint32) {
        return _memberCount;
    }

    /// @inheritdoc IMemberRegistry
    function memberOf(uint32 memberId) external view returns (Member memory) {
        return _existing(memberId);
    }

    /// @inheritdoc IMemberRegistry
    function memberIdOf(address account) external view returns (uint32) {
        uint32 memberId = _signerOf[account];
        return memberId != 0 && _members[memberId].signer == account ? memberId : 0;
    }

    /// @inheritdoc IMemberRegistry
    function isActive(uint32 memberId, uint8 role) external view returns (bool) {
        Member storage member = _members[memberId];
        return member.status == MemberStatus.Active && member.roles & role == role;
    }

    /// @inheritdoc IMemberRegistry
    function requireActiveSigner(address account, uint8 role) external view returns (uint32 memberId) {
        memberId = _signerOf[account];
        if (memberId == 0) revert MemberRegistryUnknownSigner(account);
        Member storage member = _members[memberId];
        if (member.signer != account) revert MemberRegistryRetiredSigner(account, memberId);
        _checkActive(memberId, member, role);
    }

    /// @inheritdoc IMemberRegistry
    function requireActiveMember(uint32 memberId, uint8 role) external view {
        _checkActive(memberId, _existing(memberId), role);
    }

    function _existing(uint32 memberId) private view returns (Member storage member) {
        member = _members[memberId];
        if (member.status == MemberStatus.None) revert MemberRegistryUnknownMember(memberId);
    }

    function _checkActive(uint32 memberId, Member storage member, uint8 role) private view {
        if (member.status != MemberStatus.Active) revert MemberRegistryMemberNotActive(memberId, member.status);
        if (member.roles & role != role) revert MemberRegistryMissingRole(memberId, role);
    }

    /**
     * @dev Key rotation and metadata: the operator for any member that is not removed (a lost or stolen
     * key); the member itself only while active, because a suspended member can do nothing (a member
     * suspended for a stolen key must not let the thief move it to a new key).
     */
    function _checkSelfServiceAllowed(uint32 memberId, Member storage member) private view {
        if (msg.sender == _operator) {
            _checkNotRemoved(memberId, member.status);
        } else if (msg.sender == member.signer) {
            if (member.status != MemberStatus.Active) revert MemberRegistryMemberNotActive(memberId, member.status);
        } else {
            revert MemberRegistryNotOperatorOrMember(msg.sender, memberId);
        }
    }

    function _checkFreshSigner(address signer) private view {
        if (signer == address(0)) revert MemberRegistryZeroAddress();
        uint32 holder = _signerOf[signer];
        if (holder != 0) revert MemberRegistrySignerTaken(signer, holder);
    }

    function _checkNotRemoved(uint32 memberId, MemberStatus status) private pure {
        if (status == MemberStatus.Removed) revert MemberRegistryInvalidStatusChange(memberId, status);
    }

    function _checkRoles(uint8 roles) private pure {
        if (roles == 0 || roles & ~MemberRoles.ALL != 0) revert MemberRegistryInvalidRoles(roles);
    }
}
