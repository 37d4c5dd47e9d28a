import { pad } from "../../chain/kv-store.js";

/**
 * Key layout of the evidence sublevel (string keys and values; numbers fixed-width so that keys sort numerically):
 *
 *   size                        → number of records in the log (written in the same batch as the records)
 *   n/<level:2>/<index:16>      → hex hash of the perfect subtree (level 0: the leaf hash)
 *   r/<index:16>                → StoredEntry JSON: the record's canonical JSON and what the gateway knows about it
 *   h/<leafHash>                → index (a record's id is its leaf hash)
 *   c/<caseKey>/<index:16>      → "" (the records of a case, in log order)
 *   l/<caseKey>                 → leaf hash of the case's latest record (the next record's `prev`)
 *   a/…                         → the anchorer's state (anchor-store.ts)
 *   j/…                         → automatic notices already recorded (services/evidence-notices.ts)
 */
export const SIZE_KEY = "size";
export const INDEX_WIDTH = 16;
export const nodeKey = (level: number, index: number) => `n/${pad(level, 2)}/${pad(index, INDEX_WIDTH)}`;
export const entryKey = (index: number) => `r/${pad(index, INDEX_WIDTH)}`;
export const leafKey = (leafHash: string) => `h/${leafHash}`;
export const caseEntryKey = (caseKey: string, index: number) => `c/${caseKey}/${pad(index, INDEX_WIDTH)}`;
export const casePrefix = (caseKey: string) => `c/${caseKey}/`;
export const caseLastKey = (caseKey: string) => `l/${caseKey}`;
export const indexFromKey = (key: string) => Number(key.slice(key.lastIndexOf("/") + 1));
