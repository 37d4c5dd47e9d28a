// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IEvidenceRegistry} from "./interfaces/IEvidenceRegistry.sol";
import {IMemberRegistry} from "./interfaces/IMemberRegistry.sol";
import {MemberRoles} from "./libraries/MemberRoles.sol";
import {MerkleLog} from "./libraries/MerkleLog.sol";

/**
 * @title EvidenceRegistry
 * @notice See {IEvidenceRegistry}.
 * @dev Storage per anchor: one fresh slot for the root, keyed by (member, tree size), and an update of the
 * member's `Latest` slot, which packs treeSize (64 bits) + anchoredAt (40) + blockNumber (64) in one word.
 * About 80,000 gas whatever the number of records covered: under 100 gas a record from ~800 records on.
 */
contract EvidenceRegistry is IEvidenceRegistry {
    IMemberRegistry private immutable _members;

    /// @dev The latest checkpoint's position and time; its root is in `_roots`. 168 of 256 bits used.
    struct Latest {
        uint64 treeSize;
        uint40 anchoredAt;
        uint64 blockNumber;
    }

    mapping(uint32 memberId => mapping(uint64 treeSize => bytes32 root)) private _roots;
    mapping(uint32 memberId => Latest) private _latest;

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
        uint64 previousSize = _latest[memberId].treeSize;
        if (previousSize == 0) {
            if (consistencyProof.length != 0) revert EvidenceRegistryUnexpectedProof(memberId, consistencyProof.length);
        } else {
            if (treeSize <= previousSize) revert EvidenceRegistryStaleCheckpoint(memberId, treeSize, previousSize);
            bytes32 previousRoot = _roots[memberId][previousSize];
            if (!MerkleLog.verifyConsistency(previousSize, treeSize, previousRoot, root, consistencyProof)) {
                revert EvidenceRegistryInconsistentCheckpoint(memberId, previousSize, treeSize);
            }
        }
        _roots[memberId][treeSize] = root;
        _latest[memberId] =
            Latest({treeSize: treeSize, anchoredAt: uint40(block.timestamp), blockNumber: uint64(block.number)});
        emit CheckpointAnchored(memberId, treeSize, root, previousSize);
    }

    /// @inheritdoc IEvidenceRegistry
    function latestCheckpoint(uint32 memberId) external view returns (Checkpoint memory) {
        Latest memory latest = _latest[memberId];
        return Checkpoint({
            root: _roots[memberId][latest.treeSize],
            treeSize: latest.treeSize,
            anchoredAt: latest.anchoredAt,
            blockNumber: latest.blockNumber
        });
    }

    /// @inheritdoc IEvidenceRegistry
    function rootAt(uint32 memberId, uint64 treeSize) external view returns (bytes32) {
        return _roots[memberId][treeSize];
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyInclusion(
        uint32 memberId,
        uint64 treeSize,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) public view returns (bool) {
        bytes32 root = _roots[memberId][treeSize];
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
        bytes calldata record,
        bytes32[] calldata proof
    ) external {
        uint32 courtId = _members.requireActiveSigner(msg.sender, MemberRoles.COURT);
        bytes32 leafHash = MerkleLog.leafHash(record);
        if (!verifyInclusion(memberId, treeSize, leafIndex, leafHash, proof)) {
            revert EvidenceRegistryInvalidInclusionProof(memberId, treeSize, leafIndex);
        }
        emit RecordVerified(courtId, memberId, leafHash, treeSize, leafIndex);
    }

    /// @inheritdoc IEvidenceRegistry
    function recordBundleVerification(bytes32 caseKey, bytes32 bundleHash, bytes32 reportHash, uint8 verdict) external {
        uint32 courtId = _members.requireActiveSigner(msg.sender, MemberRoles.COURT);
        if (caseKey == bytes32(0) || bundleHash == bytes32(0)) revert EvidenceRegistryZeroBundle(caseKey, bundleHash);
        if (verdict == 0 || verdict > 3) revert EvidenceRegistryInvalidVerdict(verdict);
        emit BundleVerified(courtId, caseKey, bundleHash, reportHash, verdict);
    }
}
