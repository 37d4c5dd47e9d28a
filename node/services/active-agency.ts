import type { Clock } from "../domain/clock.js";

/**
 * Whether this member is an active agency, at most `maxAgeMs` old: ownership answers and authorization letters
 * must follow a suspension. One question to the chain at a time: under load, every check arriving while the answer
 * is stale waits for it. When the chain cannot be asked, the last answer stands (none yet: not active).
 */
export function cachedActiveAgency(deps: { ask: () => Promise<boolean>; clock: Clock; maxAgeMs?: number }): () => Promise<boolean> {
  const maxAgeMs = deps.maxAgeMs ?? 10_000;
  let known: { value: boolean; at: number } | undefined;
  let refreshing: Promise<void> | undefined;
  const refresh = () =>
    (refreshing ??= deps
      .ask()
      .then(
        (value) => void (known = { value, at: deps.clock() }),
        () => void (known ??= { value: false, at: 0 }),
      )
      .finally(() => (refreshing = undefined)));
  return async () => {
    if (!known || deps.clock() - known.at > maxAgeMs) await refresh();
    return known?.value ?? false;
  };
}
