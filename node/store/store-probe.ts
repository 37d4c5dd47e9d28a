import type { Sublevel } from "./sublevel.js";

/** The `health` sublevel: one key the health check writes (synced) to learn whether the store still takes writes. */
export class StoreProbe {
  constructor(private readonly sublevel: Sublevel) {}

  /** One small synced write; throws what LevelDB throws (a full disk, a store closed after an I/O error). */
  write(at: string): Promise<void> {
    return this.sublevel.batch().put("probe", at).write({ sync: true });
  }
}
