/**
 * One member key, several senders (the case submitter, the evidence anchorer, a court's verification): each reads the
 * account's pending nonce and broadcasts under this lock, so that they never sign two transactions with the same
 * nonce — one of which the node would drop, leaving its sender waiting for a receipt that never comes. One lock per
 * key, made in the composition root (node/gateway.ts); every sender requires it, none makes its own.
 */
export class SendLock {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after every earlier holder has finished (resolved or thrown). */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * The account's next nonce as the node counts it now (mined and pooled). ethers answers an identical read from a
 * 250 ms cache, so two sends within that time would get one nonce; a JSON-RPC provider is asked directly.
 */
export async function pendingNonce(provider: { getTransactionCount(address: string, tag: string): Promise<number> } | null, address: string): Promise<number> {
  if (!provider) throw new TypeError("the signer needs a provider");
  const direct = provider as unknown as { send?: (method: string, params: unknown[]) => Promise<string> };
  if (typeof direct.send === "function") return Number(await direct.send("eth_getTransactionCount", [address, "pending"]));
  return provider.getTransactionCount(address, "pending");
}
