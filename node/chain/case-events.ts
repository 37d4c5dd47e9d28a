import type { Interface } from "ethers";
import { CASE_EVENT_NAMES, type CaseEvent, type CaseEventName, type CaseStatusName, isHeldStatus } from "../domain/consortium/index.js";
import { ChainError } from "./errors.js";
import { type RawLog, fromHex } from "./rpc.js";

/** The CaseRegistry events the indexer replays. */
export const CASE_EVENT_TYPES = CASE_EVENT_NAMES;
export type CaseEventType = CaseEventName;

export interface TxRef {
  txHash: string;
  block: number;
}

/** Where an event is on chain; (block, logIndex) orders events. */
export interface EventRef extends TxRef {
  logIndex: number;
}

/** One entry of a case's timeline: the case event of node/domain (declared there once, for the bundle too). */
export type CaseHistoryEntry = CaseEvent;

/** An event as it bears on one case (CasesAssigned is one change per key). */
export interface CaseChange extends CaseHistoryEntry {
  caseKey: string;
  /** CaseRegistered only. */
  debtorKey?: string;
}

/** What the indexer keeps per case: the chain's CaseState (without `expired`, which depends on now) and where it came from. */
export interface CaseRecord {
  caseKey: string;
  debtorKey: string;
  creditorId: number;
  /** Current or last agency; 0 when never assigned or after a creditor transfer (as on chain). */
  agencyId: number;
  status: CaseStatusName;
  /** Block time of the current or last assignment; 0 when none. */
  assignedAt: number;
  /** Last second of the mandate, inclusive; 0 when none. */
  until: number;
  registered: TxRef;
  lastChange: EventRef;
  /** The transaction of the current or last assignment. */
  assignment?: TxRef;
}

const lower = (value: unknown) => String(value).toLowerCase();
const num = (value: unknown) => Number(value as bigint);
const ZERO_HASH = `0x${"0".repeat(64)}`;

/**
 * Decodes raw logs of the CaseRegistry into per-case changes in chain order ((block, logIndex), and key order
 * inside a CasesAssigned). Logs of other events or other contracts are skipped; `blockTime` gives the time of
 * each block that holds a log.
 */
export function decodeCaseLogs(iface: Interface, logs: RawLog[], blockTime: (blockHash: string) => number): CaseChange[] {
  const ordered = logs
    .filter((log) => !log.removed)
    .map((log) => ({ log, block: fromHex(log.blockNumber), logIndex: fromHex(log.logIndex) }))
    .sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  const changes: CaseChange[] = [];
  for (const { log, block, logIndex } of ordered) {
    const parsed = iface.parseLog({ topics: log.topics, data: log.data });
    if (!parsed || !(CASE_EVENT_TYPES as readonly string[]).includes(parsed.name)) continue;
    const type = parsed.name as CaseEventType;
    const a = parsed.args;
    const base = { type, block, logIndex, txHash: lower(log.transactionHash), time: blockTime(log.blockHash) };
    switch (type) {
      case "CaseRegistered":
        changes.push({ ...base, caseKey: lower(a.caseKey), debtorKey: lower(a.debtorKey), creditorId: num(a.creditorId) });
        break;
      case "CasesAssigned":
        for (const key of a.caseKeys as string[]) {
          changes.push({
            ...base,
            caseKey: lower(key),
            creditorId: num(a.creditorId),
            agencyId: num(a.agencyId),
            until: num(a.until),
          });
        }
        break;
      case "CaseAccepted":
      case "CaseReturned":
      case "CaseRecalled":
        changes.push({ ...base, caseKey: lower(a.caseKey), agencyId: num(a.agencyId) });
        break;
      case "CaseMandateExtended":
        changes.push({
          ...base,
          caseKey: lower(a.caseKey),
          agencyId: num(a.agencyId),
          previousUntil: num(a.previousUntil),
          until: num(a.until),
        });
        break;
      case "CaseSettled": {
        const termsHash = lower(a.termsHash);
        changes.push({
          ...base,
          caseKey: lower(a.caseKey),
          creditorId: num(a.creditorId),
          settledFen: (a.settledFen as bigint).toString(),
          ...(termsHash !== ZERO_HASH && { termsHash }),
        });
        break;
      }
      case "CaseClosed":
        changes.push({ ...base, caseKey: lower(a.caseKey), creditorId: num(a.creditorId) });
        break;
      case "CaseCreditorTransferred":
        changes.push({
          ...base,
          caseKey: lower(a.caseKey),
          fromCreditorId: num(a.fromCreditorId),
          toCreditorId: num(a.toCreditorId),
        });
        break;
    }
  }
  return changes;
}

/** The history entry of a change: the change without the keys (they are in the entry's LevelDB key). */
export function historyEntry(change: CaseChange): CaseHistoryEntry {
  const { caseKey: _caseKey, debtorKey: _debtorKey, ...entry } = change;
  return entry;
}

/**
 * The case after `change`, mirroring CaseRegistry's transitions. The contract has already enforced them; this
 * only follows. A change to a case the index has never seen means the replay did not start at the deployment
 * block (or the store was damaged): STORE_CORRUPT, rather than a silently wrong index.
 */
export function applyCaseChange(previous: CaseRecord | undefined, change: CaseChange): CaseRecord {
  const at = { txHash: change.txHash, block: change.block, logIndex: change.logIndex };
  if (change.type === "CaseRegistered") {
    return {
      caseKey: change.caseKey,
      debtorKey: change.debtorKey as string,
      creditorId: change.creditorId as number,
      agencyId: 0,
      status: "Registered",
      assignedAt: 0,
      until: 0,
      registered: { txHash: change.txHash, block: change.block },
      lastChange: at,
    };
  }
  if (!previous) {
    throw new ChainError(
      "STORE_CORRUPT",
      `${change.type} in block ${change.block} for case ${change.caseKey}, which the index never saw registered`,
    );
  }
  const next: CaseRecord = { ...previous, lastChange: at };
  switch (change.type) {
    case "CasesAssigned":
      next.status = "Assigned";
      next.agencyId = change.agencyId as number;
      next.assignedAt = change.time;
      next.until = change.until as number;
      next.assignment = { txHash: change.txHash, block: change.block };
      break;
    case "CaseAccepted":
      next.status = "Accepted";
      break;
    case "CaseReturned":
      next.status = "Returned";
      break;
    case "CaseRecalled":
      next.status = "Recalled";
      break;
    case "CaseMandateExtended":
      next.until = change.until as number;
      break;
    case "CaseSettled":
      next.status = "Settled";
      break;
    case "CaseClosed":
      next.status = "Closed";
      break;
    case "CaseCreditorTransferred":
      next.creditorId = change.toCreditorId as number;
      next.agencyId = 0;
      next.assignedAt = 0;
      next.until = 0;
      next.status = "Registered";
      delete next.assignment;
      break;
  }
  return next;
}

/** Whether the record counts towards its agency's held cases at all (time aside). */
export const isHeldRecord = (record: CaseRecord | undefined): record is CaseRecord =>
  record !== undefined && record.agencyId !== 0 && isHeldStatus(record.status);
