/**
 * One member key, two senders (the case submitter and the evidence anchorer): each reads the account's pending nonce
 * and broadcasts under this lock, so that they never sign two transactions with the same nonce — one of which the
 * node would drop, leaving its sender waiting for a receipt that never comes.
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
