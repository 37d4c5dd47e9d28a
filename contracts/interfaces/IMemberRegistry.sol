// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title IMemberRegistry
 * @notice The consortium's member list: who may act in the other CaseLedger contracts, in which roles,
 * with which signing key. Members are never deleted: a removed member keeps its id and history, and every
 * change is an event, so the list can be replayed from genesis (append-only history).
 *
 * Governance (admission, roles, suspension, removal) belongs to the operator account, a multisig in
 * production; the OPERATOR role bit grants nothing here, it marks the consortium operator's own member
 * (its gateway) for the other members.
 *
 * A member has two keys: its signer (hot, held by its gateway) and its recovery key (cold, kept offline by the
 * member; never a signer, never reused by another member). The signing key, the recovery key and the metadata
 * (which holds the gateway URL and public keys) are the member's own:
 * - the signer changes the metadata and rotates itself at once, only while the member is active;
 * - the recovery key rotates the signer at once and changes itself at once, in any status but Removed
 *   (a suspended member replaces a stolen hot key without the operator);
 * - the signer (while the member is not removed, so also while suspended) and the recovery key cancel the
 *   operator's pending proposal.
 * The operator can only propose a change (signer, metadata or recovery key), one pending change per member,
 * executable by anyone {CHANGE_DELAY} after the proposal; until then the member may cancel it, and a direct
 * change by the member clears it. So the operator can never take over a member's keys or redirect its traffic
 * unseen, not even after suspending it: the proposal is an event, and the member has the delay to refuse it.
 *
 * What the operator can still do: admit, suspend, reinstate, remove and set roles at once (a suspended member
 * signs nothing in the other contracts); propose changes that take effect after {CHANGE_DELAY} unless the
 * member cancels them; so a member that lost both its keys (or whose hot key a thief holds while it lost the
 * recovery key) is recovered by a proposal nobody cancels, or else removed and admitted anew.
 *
 * Stolen hot key: the operator suspends the member (the thief can then only cancel proposals, which gains it
 * nothing), the member rotates its signer with the recovery key, the operator reinstates it.
 */
interface IMemberRegistry {
    /// @notice Lifecycle of a member. `None` is the status of an id that was never admitted.
    enum MemberStatus {
        None,
        Active,
        Suspended,
        Removed
    }

    /**
     * @notice A member as stored.
     * @param signer the address that signs the member's transactions and gateway-to-gateway packages
     * @param roles bitmask of ROLE_LENDER, ROLE_AGENCY, ROLE_COURT, ROLE_OPERATOR
     * @param status see {MemberStatus}
     * @param metadataHash hash of the member's public metadata document (name, gateway URL, profile)
     */
    struct Member {
        address signer;
        uint8 roles;
        MemberStatus status;
        bytes32 metadataHash;
    }

    /// @notice What a pending operator proposal changes.
    enum ChangeKind {
        None,
        Signer,
        Metadata,
        Recovery
    }

    /**
     * @notice The operator's pending proposal for a member, at most one.
     * @param signer the proposed address: the new signer ({ChangeKind.Signer}) or the new recovery key
     * ({ChangeKind.Recovery})
     * @param executableAt first block time at which {executeChange} applies it; 0 when nothing is pending
     * @param kind {ChangeKind.Signer} or {ChangeKind.Recovery} (then `signer`) or {ChangeKind.Metadata} (then
     * `metadataHash`)
     * @param metadataHash the proposed metadata hash
     */
    struct PendingChange {
        address signer;
        uint40 executableAt;
        ChangeKind kind;
        bytes32 metadataHash;
    }

    /// @notice A member was admitted with id `memberId`.
    event MemberAdmitted(uint32 indexed memberId, address indexed signer, uint8 roles, bytes32 metadataHash);
    /// @notice The roles of `memberId` changed from `previousRoles` to `roles`.
    event MemberRolesChanged(uint32 indexed memberId, uint8 previousRoles, uint8 roles);
    /// @notice `memberId` was suspended; it can do nothing until reinstated.
    event MemberSuspended(uint32 indexed memberId);
    /// @notice `memberId` was reinstated after a suspension.
    event MemberReinstated(uint32 indexed memberId);
    /// @notice `memberId` was removed for good. Its id and history stay.
    event MemberRemoved(uint32 indexed memberId);
    /// @notice The signing address of `memberId` was rotated from `previousSigner` to `signer`.
    event MemberSignerRotated(uint32 indexed memberId, address indexed previousSigner, address indexed signer);
    /// @notice The metadata hash of `memberId` changed.
    event MemberMetadataUpdated(uint32 indexed memberId, bytes32 previousMetadataHash, bytes32 metadataHash);
    /// @notice The operator proposed rotating the signer of `memberId` to `signer`, executable from `executableAt`.
    event MemberSignerRotationProposed(uint32 indexed memberId, address indexed signer, uint40 executableAt);
    /// @notice The operator proposed the metadata hash `metadataHash` for `memberId`, executable from `executableAt`.
    event MemberMetadataUpdateProposed(uint32 indexed memberId, bytes32 metadataHash, uint40 executableAt);
    /// @notice The recovery key of `memberId` changed from `previousRecovery` (zero at admission) to `recovery`.
    event MemberRecoveryChanged(uint32 indexed memberId, address indexed previousRecovery, address indexed recovery);
    /// @notice The operator proposed the recovery key `recovery` for `memberId`, executable from `executableAt`.
    event MemberRecoveryChangeProposed(uint32 indexed memberId, address indexed recovery, uint40 executableAt);
    /// @notice The pending proposal for `memberId` was cancelled by `by` (the member's signer, its recovery key or
    /// the operator), or cleared by the member's own direct change (`by` is then the member's key that made it).
    event MemberChangeCancelled(uint32 indexed memberId, address indexed by);
    /// @notice The pending proposal for `memberId` was executed (the change's own event follows).
    event MemberChangeExecuted(uint32 indexed memberId, ChangeKind kind);
    /// @notice The operator account was handed over (takes effect when the new operator accepts).
    event OperatorTransferStarted(address indexed previousOperator, address indexed newOperator);
    /// @notice The operator account changed.
    event OperatorTransferred(address indexed previousOperator, address indexed newOperator);

    /// @notice The caller is not the operator account.
    error MemberRegistryNotOperator(address caller);
    /// @notice The caller is neither the operator nor the current signer nor the recovery key of `memberId`.
    error MemberRegistryNotOperatorOrMember(address caller, uint32 memberId);
    /// @notice The caller is neither the current signer nor the recovery key of `memberId`.
    error MemberRegistryNotMemberKey(address caller, uint32 memberId);
    /// @notice The caller is not the current recovery key of `memberId`.
    error MemberRegistryNotRecoveryKey(address caller, uint32 memberId);
    /// @notice `recovery` is, or once was, the recovery key of `memberId`; addresses are never reused.
    error MemberRegistryRecoveryTaken(address recovery, uint32 memberId);
    /// @notice The same address was given as a member's signer and its recovery key.
    error MemberRegistryRecoveryIsSigner(address account);
    /// @notice The caller is not the current signer of `memberId`.
    error MemberRegistryNotMemberSigner(address caller, uint32 memberId);
    /// @notice No proposal is pending for `memberId`.
    error MemberRegistryNoPendingChange(uint32 memberId);
    /// @notice The proposal for `memberId` cannot be executed before `executableAt`.
    error MemberRegistryChangeNotReady(uint32 memberId, uint40 executableAt);
    /// @notice `memberId` was never admitted.
    error MemberRegistryUnknownMember(uint32 memberId);
    /// @notice `account` is not, and never was, the signer of any member.
    error MemberRegistryUnknownSigner(address account);
    /// @notice `account` was once the signer of `memberId` and has since been rotated away.
    error MemberRegistryRetiredSigner(address account, uint32 memberId);
    /// @notice `signer` is, or once was, the signing address of `memberId`; addresses are never reused.
    error MemberRegistrySignerTaken(address signer, uint32 memberId);
    /// @notice The zero address cannot sign.
    error MemberRegistryZeroAddress();
    /// @notice `roles` is empty or has bits outside the four known roles.
    error MemberRegistryInvalidRoles(uint8 roles);
    /// @notice `memberId` is not active (it is suspended or removed).
    error MemberRegistryMemberNotActive(uint32 memberId, MemberStatus status);
    /// @notice `memberId` lacks `role`.
    error MemberRegistryMissingRole(uint32 memberId, uint8 role);
    /// @notice The status change is not allowed from `status` (for example reinstating an active member).
    error MemberRegistryInvalidStatusChange(uint32 memberId, MemberStatus status);
    /// @notice Nothing would change (same roles, same signer, same metadata); no event is emitted for a no-op.
    error MemberRegistryNoChange(uint32 memberId);

    /**
     * @notice Admits a new member. Only the operator. `signer` and `recovery` must differ and be fresh (never a
     * signer or recovery key of anyone); emits {MemberAdmitted} then {MemberRecoveryChanged} (from zero).
     * @param recovery the member's cold recovery key, generated and kept offline by the member
     * @return memberId the new member's id, assigned sequentially from 1
     */
    function admit(address signer, address recovery, uint8 roles, bytes32 metadataHash)
        external
        returns (uint32 memberId);

    /// @notice Replaces the role bitmask of a member that is not removed. Only the operator.
    function setRoles(uint32 memberId, uint8 roles) external;

    /// @notice Suspends an active member. Only the operator.
    function suspend(uint32 memberId) external;

    /// @notice Reinstates a suspended member. Only the operator.
    function reinstate(uint32 memberId) external;

    /// @notice Removes an active or suspended member for good. Only the operator.
    function remove(uint32 memberId) external;

    /**
     * @notice Rotates the signing address of a member at once: the member's current signer while active, or
     * its recovery key in any status but Removed (a stolen hot key is replaced without the operator, also
     * while suspended; the member stays suspended until the operator reinstates it). The previous address is
     * retired and can never sign for anyone again. Clears a pending operator proposal ({MemberChangeCancelled}).
     */
    function rotateSigner(uint32 memberId, address newSigner) external;

    /**
     * @notice Changes the recovery key of a member at once. Only its current recovery key, in any status but
     * Removed (a thief holding only the hot key cannot). The previous recovery key is retired for good.
     * Clears a pending operator proposal.
     */
    function changeRecovery(uint32 memberId, address newRecovery) external;

    /// @notice Updates the metadata hash at once. Only the member's current signer, while active; clears a
    /// pending operator proposal like {rotateSigner}.
    function updateMetadata(uint32 memberId, bytes32 metadataHash) external;

    /**
     * @notice Proposes rotating the signer of a member not removed to `newSigner` (a lost or stolen key),
     * executable {CHANGE_DELAY} from now. Only the operator. Replaces any pending proposal for the member.
     */
    function proposeSignerRotation(uint32 memberId, address newSigner) external;

    /// @notice Proposes a metadata hash for a member not removed, like {proposeSignerRotation}. Only the operator.
    function proposeMetadataUpdate(uint32 memberId, bytes32 metadataHash) external;

    /**
     * @notice Proposes a new recovery key for a member not removed (the member lost it), like
     * {proposeSignerRotation}. Only the operator. The member's signer or recovery key may cancel it.
     */
    function proposeRecoveryChange(uint32 memberId, address newRecovery) external;

    /**
     * @notice Cancels the pending proposal: the operator, or the member's current signer or recovery key while
     * the member is not removed (active or suspended: a suspension does not take away the member's refusal).
     */
    function cancelChange(uint32 memberId) external;

    /**
     * @notice Applies the pending proposal once its time has come; anyone may call it. The member must not
     * be removed, and a proposed signer or recovery key must still be fresh.
     */
    function executeChange(uint32 memberId) external;

    /// @notice How long an operator proposal waits before it can be executed: 7 days.
    function CHANGE_DELAY() external view returns (uint256);

    /// @notice The recovery key of `memberId`; reverts with {MemberRegistryUnknownMember} for an id never admitted.
    function recoveryOf(uint32 memberId) external view returns (address);

    /// @notice The pending proposal for `memberId` (`executableAt` 0 when none).
    function pendingChangeOf(uint32 memberId) external view returns (PendingChange memory);

    /**
     * @notice Starts handing the operator account over to `newOperator` (two steps, like OZ Ownable2Step);
     * the zero address cancels a pending hand-over.
     */
    function transferOperator(address newOperator) external;

    /// @notice Completes the hand-over; only the pending operator.
    function acceptOperator() external;

    /// @notice The operator account.
    function operator() external view returns (address);

    /// @notice The account that may accept the operator role, or zero.
    function pendingOperator() external view returns (address);

    /// @notice Number of members ever admitted (ids are 1..memberCount).
    function memberCount() external view returns (uint32);

    /// @notice The stored member; reverts with {MemberRegistryUnknownMember} for an id never admitted.
    function memberOf(uint32 memberId) external view returns (Member memory);

    /// @notice The member id whose current signer is `account`, or 0.
    function memberIdOf(address account) external view returns (uint32);

    /// @notice True when `memberId` is active and holds every bit of `role`.
    function isActive(uint32 memberId, uint8 role) external view returns (bool);

    /**
     * @notice The id of the active member whose current signer is `account` and that holds `role`.
     * Reverts with the reason otherwise; the other contracts use it to authorize every call.
     */
    function requireActiveSigner(address account, uint8 role) external view returns (uint32 memberId);

    /// @notice Reverts unless `memberId` is active and holds `role`.
    function requireActiveMember(uint32 memberId, uint8 role) external view;
}
