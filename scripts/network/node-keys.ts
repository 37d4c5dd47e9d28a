import { computeAddress, hexlify, randomBytes, SigningKey } from "ethers";

/**
 * A Besu node key (secp256k1). Its address is the node's QBFT validator address; its public key, without the 0x04
 * prefix, is the node id in the enode URL. The private key goes into the node's `key` file only.
 */
export interface NodeKey {
  privateKey: string;
  /** 128 hex digits, no prefix: the enode id. */
  publicKey: string;
  address: string;
}

export function nodeKeyFrom(privateKey: string): NodeKey {
  const hex = privateKey.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new RangeError("a node key file holds 32 bytes in hex");
  const signing = new SigningKey(`0x${hex.toLowerCase()}`);
  return { privateKey: signing.privateKey, publicKey: signing.publicKey.slice(4), address: computeAddress(signing.publicKey) };
}

export function newNodeKey(): NodeKey {
  return nodeKeyFrom(hexlify(randomBytes(32)));
}

/** The node's public part only (what may be written anywhere). */
export function publicNodeKey(publicKey: string): Omit<NodeKey, "privateKey"> {
  if (!/^[0-9a-f]{128}$/.test(publicKey)) throw new RangeError("an enode id is 128 lower-case hex digits");
  return { publicKey, address: computeAddress(`0x04${publicKey}`) };
}

export function enodeUrl(publicKey: string, host: string, port: number): string {
  return `enode://${publicKey}@${host}:${port}`;
}
