// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {MerkleLog} from "../libraries/MerkleLog.sol";

/// @dev Exposes the internal functions of {MerkleLog} to the tests. Never deployed outside them.
contract MerkleLogHarness {
    function leafHash(bytes calldata data) external pure returns (bytes32) {
        return MerkleLog.leafHash(data);
    }

    function nodeHash(bytes32 left, bytes32 right) external pure returns (bytes32) {
        return MerkleLog.nodeHash(left, right);
    }

    function verifyInclusion(uint256 index, uint256 size, bytes32 leaf, bytes32[] calldata proof, bytes32 root)
        external
        pure
        returns (bool)
    {
        return MerkleLog.verifyInclusion(index, size, leaf, proof, root);
    }

    function verifyConsistency(
        uint256 oldSize,
        uint256 newSize,
        bytes32 oldRoot,
        bytes32 newRoot,
        bytes32[] calldata proof
    ) external pure returns (bool) {
        return MerkleLog.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof);
    }
}
