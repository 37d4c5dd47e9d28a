// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title MerkleLog
 * @notice Verification of RFC 6962 / RFC 9162 Merkle tree proofs, with SHA-256 from the precompile at 0x02.
 *
 *   leaf hash = SHA-256(0x00 ‖ record)        node hash = SHA-256(0x01 ‖ left ‖ right)
 *
 * The algorithms are those of RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). Both are pure
 * and allocate nothing; a proof for a tree of 2^k leaves holds at most about 2k hashes, so proofs longer
 * than {MAX_PROOF_LENGTH} are rejected before any hashing.
 */
library MerkleLog {
    /// @dev Trees up to 2^63 leaves: an inclusion proof has at most 63 hashes, a consistency proof 64.
    uint256 internal constant MAX_PROOF_LENGTH = 64;

    /// @notice SHA-256(0x00 ‖ data), the hash of a leaf.
    function leafHash(bytes memory data) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x00), data));
    }

    /// @notice SHA-256(0x01 ‖ left ‖ right), the hash of an interior node.
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /**
     * @notice Whether `proof` shows that the leaf with hash `leaf` sits at `index` in the tree of `size`
     * leaves whose root is `root`.
     */
    function verifyInclusion(uint256 index, uint256 size, bytes32 leaf, bytes32[] calldata proof, bytes32 root)
        internal
        pure
        returns (bool)
    {
        if (index >= size || proof.length > MAX_PROOF_LENGTH) return false;
        uint256 fn = index;
        uint256 sn = size - 1;
        bytes32 r = leaf;
        for (uint256 i; i < proof.length; ++i) {
            if (sn == 0) return false;
            if (fn & 1 == 1 || fn == sn) {
                r = nodeHash(proof[i], r);
                // Climb past the levels where this node is a left child with no right sibling.
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, proof[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r == root;
    }

    /**
     * @notice Whether `proof` shows that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the
     * tree of `newSize` leaves with root `newRoot`, that is: the log was only appended to.
     * @dev `oldSize` = 0 is not a checkpoint (every tree extends the empty one) and is rejected here; the
     * caller decides what a first checkpoint needs. Equal sizes need an empty proof and equal roots.
     */
    function verifyConsistency(
        uint256 oldSize,
        uint256 newSize,
        bytes32 oldRoot,
        bytes32 newRoot,
        bytes32[] calldata proof
    ) internal pure returns (bool) {
        if (oldSize == 0 || oldSize > newSize || proof.length > MAX_PROOF_LENGTH) return false;
        if (oldSize == newSize) return proof.length == 0 && oldRoot == newRoot;
        if (proof.length == 0) return false;

        uint256 fn = oldSize - 1;
        uint256 sn = newSize - 1;
        // When the old tree is a complete subtree (its size a power of two), its root is the proof's
        // implicit first element.
        bool oldIsComplete = oldSize & (oldSize - 1) == 0;
        uint256 start = oldIsComplete ? 0 : 1;
        bytes32 fr = oldIsComplete ? oldRoot : proof[0];
        bytes32 sr = fr;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        for (uint256 i = start; i < proof.length; ++i) {
            if (sn == 0) return false;
            bytes32 c = proof[i];
            if (fn & 1 == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr == oldRoot && sr == newRoot;
    }
}
