import { isDiskFull } from "./store-errors.js";
import type { Sublevel } from "./sublevel.js";

/** Whether the store takes a durable write now; `code` says why not (STORAGE_FULL, LEVEL_IO_ERROR…). */
export interface StoreHealth {
  writable: boolean;
  code?: string;
}

/** The `health` sublevel: one key the health check writes (synced) to learn whether the store still takes writes. */
export class StoreProbe {
  constructor(private readonly sublevel: Sublevel) {}

  /** One small synced write; throws what LevelDB throws (a full disk, a store closed after an I/O error). */
  write(at: string): Promise<void> {
    return this.sublevel.batch().put("probe", at).write({ sync: true });
  }

  /**
   * Whether the store takes a durable write now (one small synced put, stamped `atMs`): LevelDB keeps refusing
   * writes after an I/O error such as a full disk until it is reopened, while reads go on working.
   */
  async check(atMs: number): Promise<StoreHealth> {
    try {
      await this.write(new Date(atMs).toISOString());
      return { writable: true };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { writable: false, code: isDiskFull(error) ? "STORAGE_FULL" : typeof code === "string" ? code : "STORE_UNAVAILABLE" };
    }
  }
}
