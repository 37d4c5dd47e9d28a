import { decodeRlp, encodeRlp, getAddress, getBytes, hexlify, isHexString, toBeArray, toNumber } from "ethers";

/**
 * QBFT's block-header extraData, as Besu's QbftExtraDataCodec writes it:
 *   RLP([vanity (32 bytes), [validator addresses], vote, round, [committed seals]])
 * where vote is an empty list, or [address, 0xff] to add / [address, ""] to drop; round is a minimal RLP scalar
 * (0 is the empty string, 0x80); seals are 65-byte signatures. The genesis block has zero vanity, no vote, round 0
 * and no seals, so its extraData ends in c0 80 c0. (IBFT 2.0 differs: a 4-byte round, an empty-string vote.)
 */
export interface QbftExtraData {
  vanity: string;
  validators: string[];
  vote?: { recipient: string; add: boolean };
  round: number;
  seals: string[];
}

export const VANITY_BYTES = 32;
const ADD_VOTE = "0xff";

export function encodeQbftExtraData(data: QbftExtraData): string {
  const vanity = getBytes(data.vanity);
  if (vanity.length !== VANITY_BYTES) throw new RangeError(`vanity must be ${VANITY_BYTES} bytes, not ${vanity.length}`);
  if (!Number.isSafeInteger(data.round) || data.round < 0 || data.round > 0xffffffff) throw new RangeError(`bad round ${data.round}`);
  const vote = data.vote ? [getAddress(data.vote.recipient), data.vote.add ? ADD_VOTE : "0x"] : [];
  return encodeRlp([
    hexlify(vanity),
    data.validators.map((v) => getAddress(v)),
    vote,
    data.round === 0 ? "0x" : hexlify(toBeArray(data.round)),
    data.seals.map((s) => {
      if (getBytes(s).length !== 65) throw new RangeError("a committed seal is a 65-byte signature");
      return s;
    }),
  ]);
}

/** The genesis extraData for `validators` (their node-key addresses, in the order given). */
export function genesisExtraData(validators: string[]): string {
  return encodeQbftExtraData({ vanity: `0x${"00".repeat(VANITY_BYTES)}`, validators, round: 0, seals: [] });
}

/** Decodes extraData strictly: five items, the shapes above, nothing else. */
export function decodeQbftExtraData(extraData: string): QbftExtraData {
  const items = decodeRlp(extraData);
  if (!Array.isArray(items) || items.length !== 5) throw new Error("QBFT extraData is a list of five items");
  const [vanity, validators, vote, round, seals] = items;
  if (typeof vanity !== "string" || getBytes(vanity).length !== VANITY_BYTES) throw new Error("vanity must be 32 bytes");
  if (!Array.isArray(validators)) throw new Error("validators must be a list");
  const addresses = validators.map((v) => {
    if (typeof v !== "string" || getBytes(v).length !== 20) throw new Error("a validator is a 20-byte address");
    return getAddress(v);
  });
  if (!Array.isArray(vote)) throw new Error("the vote must be a list (empty when there is none)");
  let decodedVote: QbftExtraData["vote"];
  if (vote.length > 0) {
    const [recipient, kind] = vote;
    if (vote.length !== 2 || typeof recipient !== "string" || typeof kind !== "string" || getBytes(recipient).length !== 20) {
      throw new Error("a vote is [address, 0xff | empty]");
    }
    if (kind !== ADD_VOTE && kind !== "0x") throw new Error(`unknown vote type ${kind}`);
    decodedVote = { recipient: getAddress(recipient), add: kind === ADD_VOTE };
  }
  if (typeof round !== "string" || !isHexString(round) || (round.length > 2 && round.startsWith("0x00"))) {
    throw new Error("the round must be a minimal scalar");
  }
  if (!Array.isArray(seals) || seals.some((s) => typeof s !== "string" || getBytes(s).length !== 65)) {
    throw new Error("seals must be a list of 65-byte signatures");
  }
  return {
    vanity,
    validators: addresses,
    ...(decodedVote ? { vote: decodedVote } : {}),
    round: round === "0x" ? 0 : toNumber(round),
    seals: seals as string[],
  };
}
