// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title IEvidenceRegistry
 * @notice Anchors of the members' evidence logs. Every member keeps an RFC 6962 Merkle log of its evidence
 * records off chain (handover packages, authorizations, call recordings, letters, mediation agreements,
 * repayment receipts…) and anchors checkpoints (tree size, root) here. Each anchor after a member's first
 * must carry a consistency proof from that member's previous checkpoint, verified on chain: a member
 * cannot rewrite or fork its own log once anchored. Anchored checkpoints stay queryable by
 * (member, tree size) forever, so a receipt never depends on the member's gateway staying up.
 *
 * A court (or notary) member can record on chain that it verified a record against an anchored root.
 */
interface IEvidenceRegistry {
    /**
     * @notice A member's latest anchored checkpoint.
     * @param root the log's Merkle tree head at `treeSize`
     * @param treeSize number of records in the log
     * @param anchoredAt block time of the anchor: the record existed no later than this
     * @param blockNumber block of the anchor
     */
    struct Checkpoint {
        bytes32 root;
        uint64 treeSize;
        uint40 anchoredAt;
        uint64 blockNumber;
    }

    /// @notice `memberId` anchored its log at `treeSize` with `root`, extending `previousTreeSize`.
    event CheckpointAnchored(uint32 indexed memberId, uint64 indexed treeSize, bytes32 root, uint64 previousTreeSize);
    /// @notice Court `courtId` verified record `leafHash` at `leafIndex` of `memberId`'s log at `treeSize`.
    event RecordVerified(
        uint32 indexed courtId, uint32 indexed memberId, bytes32 indexed leafHash, uint64 treeSize, uint64 leafIndex
    );

    /// @notice Court `courtId` verified the case bundle `bundleHash` of case `caseKey` with verdict `verdict`
    /// (1 valid, 2 incomplete, 3 invalid); `reportHash` is the SHA-256 of the report it filed (zero when none).
    event BundleVerified(
        uint32 indexed courtId, bytes32 indexed caseKey, bytes32 indexed bundleHash, bytes32 reportHash, uint8 verdict
    );

    /// @notice A bundle verification names no case or no bundle (`caseKey` or `bundleHash` zero).
    error EvidenceRegistryZeroBundle(bytes32 caseKey, bytes32 bundleHash);
    /// @notice `verdict` is not 1 (valid), 2 (incomplete) or 3 (invalid).
    error EvidenceRegistryInvalidVerdict(uint8 verdict);
    /// @notice A checkpoint of an empty log, or with a zero root, proves nothing.
    error EvidenceRegistryEmptyCheckpoint();
    /// @notice `treeSize` does not grow past the member's latest anchored `latestTreeSize`.
    error EvidenceRegistryStaleCheckpoint(uint32 memberId, uint64 treeSize, uint64 latestTreeSize);
    /// @notice The consistency proof from `previousTreeSize` to `treeSize` does not verify: a rewritten log.
    error EvidenceRegistryInconsistentCheckpoint(uint32 memberId, uint64 previousTreeSize, uint64 treeSize);
    /// @notice A member's first checkpoint has nothing to be consistent with and takes no proof.
    error EvidenceRegistryUnexpectedProof(uint32 memberId, uint256 proofLength);
    /// @notice `memberId` never anchored a checkpoint at `treeSize`.
    error EvidenceRegistryUnknownCheckpoint(uint32 memberId, uint64 treeSize);
    /// @notice The inclusion proof of `leafIndex` in `memberId`'s checkpoint at `treeSize` does not verify.
    error EvidenceRegistryInvalidInclusionProof(uint32 memberId, uint64 treeSize, uint64 leafIndex);

    /// @notice The member registry consulted for every call.
    function memberRegistry() external view returns (address);

    /**
     * @notice The caller's member anchors the checkpoint (`treeSize`, `root`) of its log.
     * @param consistencyProof RFC 9162 consistency proof from the member's latest anchored checkpoint;
     * empty for the first anchor
     */
    function anchor(uint64 treeSize, bytes32 root, bytes32[] calldata consistencyProof) external;

    /// @notice The latest anchored checkpoint of `memberId` (all zero if none).
    function latestCheckpoint(uint32 memberId) external view returns (Checkpoint memory);

    /**
     * @notice The root anchored by `memberId` at `treeSize`, or zero if none. When and in which block it was
     * anchored is in its {CheckpointAnchored} event (and in every receipt that cites it); only the latest
     * checkpoint keeps its time in storage, which saves a storage slot per anchor.
     */
    function rootAt(uint32 memberId, uint64 treeSize) external view returns (bytes32);

    /**
     * @notice Whether `proof` shows leaf `leafHash` at `leafIndex` of `memberId`'s log at `treeSize`.
     * Reverts with {EvidenceRegistryUnknownCheckpoint} when that checkpoint was never anchored, so that
     * "not anchored" is never confused with "not included".
     */
    function verifyInclusion(
        uint32 memberId,
        uint64 treeSize,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice As {verifyInclusion}, for the record bytes themselves (the leaf hash is computed here).
    function verifyRecord(
        uint32 memberId,
        uint64 treeSize,
        uint64 leafIndex,
        bytes calldata record,
        bytes32[] calldata proof
    ) external view returns (bool);

    /**
     * @notice A court member records that it verified a record. The record's bytes are hashed here (so an
     * interior node of the tree can never pass for a record) and the proof is checked on chain; an invalid
     * one reverts with {EvidenceRegistryInvalidInclusionProof}.
     * @dev `treeSize` is the member's own claim about its checkpoint: RFC 9162 proofs do not bind a size to a
     * root, so a member could anchor a root under a wrong size. It would only misdescribe its own log (no
     * anchored record can be moved or rewritten), and hashing the record here keeps verifications sound.
     */
    function recordVerification(
        uint32 memberId,
        uint64 treeSize,
        uint64 leafIndex,
        bytes calldata record,
        bytes32[] calldata proof
    ) external;

    /**
     * @notice A court member records, once per filing, that it verified a whole case bundle
     * (docs/case-bundle-format.md): the bundle's SHA-256, the case, its verdict and the SHA-256 of its report.
     * @dev Nothing is stored; the event is the record. The bundle's receipts are verified off chain against this
     * registry's checkpoints (one `recordVerification` per receipt would cost ~53,000 gas each).
     */
    function recordBundleVerification(bytes32 caseKey, bytes32 bundleHash, bytes32 reportHash, uint8 verdict) external;
}
