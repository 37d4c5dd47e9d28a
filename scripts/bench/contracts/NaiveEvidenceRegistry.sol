// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title NaiveEvidenceRegistry
 * @notice Gas baseline only, never deployed to a network: one stored hash per evidence record, the design
 * that anchoring Merkle checkpoints (EvidenceRegistry) is measured against.
 */
contract NaiveEvidenceRegistry {
    mapping(bytes32 recordHash => uint256 timestamp) public notarizedAt;

    event RecordNotarized(bytes32 indexed recordHash);

    error NaiveEvidenceRegistryAlreadyNotarized(bytes32 recordHash);

    function notarize(bytes32[] calldata recordHashes) external {
        for (uint256 i; i < recordHashes.length; ++i) {
            bytes32 recordHash = recordHashes[i];
            if (notarizedAt[recordHash] != 0) revert NaiveEvidenceRegistryAlreadyNotarized(recordHash);
            notarizedAt[recordHash] = block.timestamp;
            emit RecordNotarized(recordHash);
        }
    }
}
