/**
 * Work that reads a state and then writes what follows from it, run one at a time per key: two requests that both read
 * before either writes would each decide on a state the other is about to change (a daily cap counted twice, a
 * statement's part answered twice). Keys are independent; an entry is dropped once its last work has settled.
 * One process only: a gateway is the only writer of its store.
 */
export class KeyedSerial {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier work of `key` has settled (resolved or thrown); resolves as `work` does. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    const next = before.then(work, work);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}
