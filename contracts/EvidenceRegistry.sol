// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IEvidenceRegistry} from "./interfaces/IEvidenceRegistry.sol";
import {IMemberRegistry} from "./interfaces/IMemberRegistry.sol";
import {MemberRoles} from "./libraries/MemberRoles.sol";
import {MerkleLog} from "./libraries/MerkleLog.sol";

/**
 * @title EvidenceRegistry
 * @notice See {IEvidenceRegistry}.
 * @dev An anchor writes two fresh slots (the root; then treeSize 64 + anchoredAt 40 + blockNumber 64 bits
 * packed) and updates the member's latest size: about 75,000 gas whatever the number of records it
 * covers, which is what makes anchoring cost well under 100 gas a record at 1,000 records per anchor.
 */
contract EvidenceRegistry is IEvidenceRegistry {
    IMemberRegistry private immutable _members;

    mapping(uint32 memberId => mapping(uint64 treeSize => Checkpoint)) private _checkpoints;
    mapping(uint32 memberId => uint64 treeSize) private _latestSize;

    constructor(IMemberRegistry members) {
        _members = members;
    }

    /// @inheritdoc IEvidenceRegistry
    function memberRegistry() external view returns (address) {
        return address(_members);
    }

    /// @inheritdoc IEvidenceRegistry
    function anchor(uint64 treeSize, bytes32 root, bytes32[] calldata consistencyProof) external {
        uint32 memberId = _members.requireActiveSigner(msg.sender, MemberRoles.ANY);
        if (treeSize == 0 || root == 0) revert EvidenceRegistryEmptyCheckpoint();
        uint64 previousSize = _latestSize[memberId];
        if (previousSize == 0) {
            if (consistencyProof.length != 0) revert EvidenceRegistryUnexpectedProof(memberId, consistencyProof.length);
        } else {
            if (treeSize <= previousSize) revert EvidenceRegistryStaleCheckpoint(memberId, treeSize, previousSize);
            bytes32 previousRoot = _checkpoints[memberId][previousSize].root;
            if (!MerkleLog.verifyConsistency(previousSize, treeSize, previousRoot, root, consistencyProof)) {
                revert EvidenceRegistryInconsistentCheckpoint(memberId, previousSize, treeSize);
            }
        }
        _checkpoints[memberId][treeSize] = Checkpoint({
            root: root,
            treeSize: treeSize,
            anchoredAt: uint40(block.timestamp),
            blockNumber: uint64(block.number)
        });
        _latestSize[memberId] = treeSize;
        emit CheckpointAnchored(memberId, treeSize, root, previousSize);
    }

    /// @inheritdoc IEvidenceRegistry
    function latestCheckpoint(uint32 memberId) external view returns (Checkpoint memory) {
        return _checkpoints[memberId][_latestSize[memberId]];
    }

    /// @inheritdoc IEvidenceRegistry
    function checkpointAt(uint32 memberId, uint64 treeSize) external view returns (Checkpoint memory) {
        return _checkpoints[memberId][treeSize];
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyInclusion(
        uint32 memberId,
        uint64 treeSize,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) public view returns (bool) {
        bytes32 root = _checkpoints[memberId][treeSize].root;
        if (root == 0) revert EvidenceRegistryUnknownCheckpoint(memberId, treeSize);
        return MerkleLog.verifyInclusion(leafIndex, treeSize, leafHash, proof, root);
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyRecord(
        uint32 memberId,
        uint64 treeSize,
        uint64 leafIndex,
        bytes calldata record,
        bytes32[] calldata proof
    ) external view returns (bool) {
        return verifyInclusion(memberId, treeSize, leafIndex, MerkleLog.leafHash(record), proof);
    }

    /// @inheritdoc IEvidenceRegistry
    function recordVerification(
        uint32 memberId,
        uint64 treeSize,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external {
        uint32 courtId = _members.requireActiveSigner(msg.sender, MemberRoles.COURT);
        if (!verifyInclusion(memberId, treeSize, leafIndex, leafHash, proof)) {
            revert EvidenceRegistryInvalidInclusionProof(memberId, treeSize, leafIndex);
        }
        emit RecordVerified(courtId, memberId, leafHash, treeSize, leafIndex);
    }
}
