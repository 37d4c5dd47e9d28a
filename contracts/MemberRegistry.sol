// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IMemberRegistry} from "./interfaces/IMemberRegistry.sol";
import {MemberRoles} from "./libraries/MemberRoles.sol";

/**
 * @title MemberRegistry
 * @notice See {IMemberRegistry}.
 * @dev Storage: `Member` packs signer (160 bits) + roles (8) + status (8) into one slot and the metadata
 * hash into a second. `PendingChange` packs signer (160) + executableAt (40) + kind (8) into one slot and the
 * metadata hash into a second; a member with nothing pending costs no storage. `_signerOf` remembers every
 * address that ever signed for a member, so a rotated or removed key can never be re-registered to
 * impersonate history. The recovery key lives in its own mapping, `_recoveryOf` (one slot per member), and
 * `_recoveryHolder` remembers every address that ever was a recovery key, for the same reason: the `Member`
 * slot that {requireActiveSigner} reads on every case batch does not grow, so the per-case path costs the
 * same as before; only admission and key changes pay for the recovery key.
 */
contract MemberRegistry is IMemberRegistry {
    /// @inheritdoc IMemberRegistry
    uint256 public constant CHANGE_DELAY = 7 days;

    address private _operator;
    address private _pendingOperator;
    uint32 private _memberCount;

    mapping(uint32 memberId => Member) private _members;
    mapping(address account => uint32 memberId) private _signerOf;
    mapping(uint32 memberId => PendingChange) private _pending;
    mapping(uint32 memberId => address recovery) private _recoveryOf;
    mapping(address account => uint32 memberId) private _recoveryHolder;

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
    function admit(address signer, address recovery, uint8 roles, bytes32 metadataHash)
        external
        onlyOperator
        returns (uint32 memberId)
    {
        _checkRoles(roles);
        _checkFreshKey(signer);
        _checkFreshKey(recovery);
        if (recovery == signer) revert MemberRegistryRecoveryIsSigner(signer);
        memberId = ++_memberCount;
        _members[memberId] =
            Member({signer: signer, roles: roles, status: MemberStatus.Active, metadataHash: metadataHash});
        _signerOf[signer] = memberId;
        _recoveryOf[memberId] = recovery;
        _recoveryHolder[recovery] = memberId;
        emit MemberAdmitted(memberId, signer, roles, metadataHash);
        emit MemberRecoveryChanged(memberId, address(0), recovery);
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
        if (msg.sender == member.signer) {
            _checkMemberSigner(memberId, member);
        } else {
            if (msg.sender != _recoveryOf[memberId]) revert MemberRegistryNotMemberKey(msg.sender, memberId);
            _checkNotRemovedMember(memberId, member.status);
        }
        _clearPending(memberId);
        _rotate(memberId, member, newSigner);
    }

    /// @inheritdoc IMemberRegistry
    function changeRecovery(uint32 memberId, address newRecovery) external {
        Member storage member = _existing(memberId);
        if (msg.sender != _recoveryOf[memberId]) revert MemberRegistryNotRecoveryKey(msg.sender, memberId);
        _checkNotRemovedMember(memberId, member.status);
        _clearPending(memberId);
        _setRecovery(memberId, newRecovery);
    }

    /// @inheritdoc IMemberRegistry
    function updateMetadata(uint32 memberId, bytes32 metadataHash) external {
        Member storage member = _existing(memberId);
        _checkMemberSigner(memberId, member);
        _clearPending(memberId);
        _setMetadata(memberId, member, metadataHash);
    }

    /// @inheritdoc IMemberRegistry
    function proposeSignerRotation(uint32 memberId, address newSigner) external onlyOperator {
        Member storage member = _existing(memberId);
        _checkNotRemoved(memberId, member.status);
        if (newSigner == member.signer) revert MemberRegistryNoChange(memberId);
        _checkFreshKey(newSigner);
        uint40 executableAt = uint40(block.timestamp + CHANGE_DELAY);
        _pending[memberId] = PendingChange({
            signer: newSigner, executableAt: executableAt, kind: ChangeKind.Signer, metadataHash: bytes32(0)
        });
        emit MemberSignerRotationProposed(memberId, newSigner, executableAt);
    }

    /// @inheritdoc IMemberRegistry
    function proposeMetadataUpdate(uint32 memberId, bytes32 metadataHash) external onlyOperator {
        Member storage member = _existing(memberId);
        _checkNotRemoved(memberId, member.status);
        if (metadataHash == member.metadataHash) revert MemberRegistryNoChange(memberId);
        uint40 executableAt = uint40(block.timestamp + CHANGE_DELAY);
        _pending[memberId] = PendingChange({
            signer: address(0), executableAt: executableAt, kind: ChangeKind.Metadata, metadataHash: metadataHash
        });
        emit MemberMetadataUpdateProposed(memberId, metadataHash, executableAt);
    }

    /// @inheritdoc IMemberRegistry
    function proposeRecoveryChange(uint32 memberId, address newRecovery) external onlyOperator {
        Member storage member = _existing(memberId);
        _checkNotRemoved(memberId, member.status);
        if (newRecovery == _recoveryOf[memberId]) revert MemberRegistryNoChange(memberId);
        _checkFreshKey(newRecovery);
        uint40 executableAt = uint40(block.timestamp + CHANGE_DELAY);
        _pending[memberId] = PendingChange({
            signer: newRecovery, executableAt: executableAt, kind: ChangeKind.Recovery, metadataHash: bytes32(0)
        });
        emit MemberRecoveryChangeProposed(memberId, newRecovery, executableAt);
    }

    /// @inheritdoc IMemberRegistry
    function cancelChange(uint32 memberId) external {
        Member storage member = _existing(memberId);
        if (msg.sender != _operator) {
            if (msg.sender != member.signer && msg.sender != _recoveryOf[memberId]) {
                revert MemberRegistryNotOperatorOrMember(msg.sender, memberId);
            }
            _checkNotRemovedMember(memberId, member.status);
        }
        if (_pending[memberId].executableAt == 0) revert MemberRegistryNoPendingChange(memberId);
        delete _pending[memberId];
        emit MemberChangeCancelled(memberId, msg.sender);
    }

    /// @inheritdoc IMemberRegistry
    function executeChange(uint32 memberId) external {
        Member storage member = _existing(memberId);
        _checkNotRemoved(memberId, member.status);
        PendingChange memory change = _pending[memberId];
        if (change.executableAt == 0) revert MemberRegistryNoPendingChange(memberId);
        if (block.timestamp < change.executableAt) revert MemberRegistryChangeNotReady(memberId, change.executableAt);
        delete _pending[memberId];
        emit MemberChangeExecuted(memberId, change.kind);
        if (change.kind == ChangeKind.Signer) _rotate(memberId, member, change.signer);
        else if (change.kind == ChangeKind.Recovery) _setRecovery(memberId, change.signer);
        else _setMetadata(memberId, member, change.metadataHash);
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
    function recoveryOf(uint32 memberId) external view returns (address) {
        _existing(memberId);
        return _recoveryOf[memberId];
    }

    /// @inheritdoc IMemberRegistry
    function pendingChangeOf(uint32 memberId) external view returns (PendingChange memory) {
        return _pending[memberId];
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
     * @dev A direct key or metadata change by the signer: only while active (a member suspended for a stolen
     * hot key must not let the thief move it to a new key; the recovery key does that).
     */
    function _checkMemberSigner(uint32 memberId, Member storage member) private view {
        if (msg.sender != member.signer) revert MemberRegistryNotMemberSigner(msg.sender, memberId);
        if (member.status != MemberStatus.Active) revert MemberRegistryMemberNotActive(memberId, member.status);
    }

    /// @dev The member's own change overrides the operator's proposal, which would otherwise undo it later.
    function _clearPending(uint32 memberId) private {
        if (_pending[memberId].executableAt != 0) {
            delete _pending[memberId];
            emit MemberChangeCancelled(memberId, msg.sender);
        }
    }

    function _rotate(uint32 memberId, Member storage member, address newSigner) private {
        if (newSigner == member.signer) revert MemberRegistryNoChange(memberId);
        _checkFreshKey(newSigner);
        address previous = member.signer;
        member.signer = newSigner;
        _signerOf[newSigner] = memberId;
        emit MemberSignerRotated(memberId, previous, newSigner);
    }

    function _setMetadata(uint32 memberId, Member storage member, bytes32 metadataHash) private {
        bytes32 previous = member.metadataHash;
        if (previous == metadataHash) revert MemberRegistryNoChange(memberId);
        member.metadataHash = metadataHash;
        emit MemberMetadataUpdated(memberId, previous, metadataHash);
    }

    function _setRecovery(uint32 memberId, address newRecovery) private {
        address previous = _recoveryOf[memberId];
        if (newRecovery == previous) revert MemberRegistryNoChange(memberId);
        _checkFreshKey(newRecovery);
        _recoveryOf[memberId] = newRecovery;
        _recoveryHolder[newRecovery] = memberId;
        emit MemberRecoveryChanged(memberId, previous, newRecovery);
    }

    /// @dev Signers and recovery keys share one namespace: an address is used once, by one member, in one role.
    function _checkFreshKey(address account) private view {
        if (account == address(0)) revert MemberRegistryZeroAddress();
        uint32 holder = _signerOf[account];
        if (holder != 0) revert MemberRegistrySignerTaken(account, holder);
        holder = _recoveryHolder[account];
        if (holder != 0) revert MemberRegistryRecoveryTaken(account, holder);
    }

    function _checkNotRemoved(uint32 memberId, MemberStatus status) private pure {
        if (status == MemberStatus.Removed) revert MemberRegistryInvalidStatusChange(memberId, status);
    }

    /// @dev The member's own keys act in any status but Removed (the signer's other powers need Active).
    function _checkNotRemovedMember(uint32 memberId, MemberStatus status) private pure {
        if (status == MemberStatus.Removed) revert MemberRegistryMemberNotActive(memberId, status);
    }

    function _checkRoles(uint8 roles) private pure {
        if (roles == 0 || roles & ~MemberRoles.ALL != 0) revert MemberRegistryInvalidRoles(roles);
    }
}
