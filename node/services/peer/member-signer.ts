import { isNetworkError } from "../../chain/rpc.js";
import { isActiveStatus } from "../../domain/consortium/index.js";

/** A member as `MemberRegistry.memberOf` returns it (the fields the peer channel reads). */
export interface PeerMemberRecord {
  status: bigint | number;
  signer: string;
}

/**
 * The current signing key of `memberId` when the chain shows it Active (any role), else undefined. An unknown member
 * reverts (undefined: refused); a chain node that does not answer throws, so that the caller answers 503 and the
 * sender tries again rather than taking a refusal for the member's standing.
 */
export async function activeSigner(memberOf: (id: number) => Promise<PeerMemberRecord>, memberId: number): Promise<string | undefined> {
  const member = await memberOf(memberId).catch((error: unknown) => {
    if (isNetworkError(error)) throw error;
    return undefined;
  });
  return member && isActiveStatus(member.status) ? member.signer : undefined;
}
