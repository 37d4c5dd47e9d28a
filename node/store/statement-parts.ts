import type { AnnouncedPart, StatementHeader, StatementPart } from "../domain/fees/statement-parts.js";
import type { StoredPeerEnvelope } from "./peer-outbox.js";
import { pad, type Table } from "./table.js";

/** A statement announced by its creditor whose parts are still arriving (agency side, docs/design.md §23). */
export interface IncomingStatement {
  hash: string;
  header: StatementHeader;
  parts: AnnouncedPart[];
  /** The creditor's signed statement.issue: its signature covers the statement hash, and so every line. */
  issue: StoredPeerEnvelope;
  /** Indexes of the parts stored so far. */
  received: number[];
  /** Why the whole was refused once every part was there (a hash or arithmetic that does not hold). */
  refused?: { code: string; problems: number };
  createdAt: string;
  updatedAt: string;
}

type Row = IncomingStatement | StatementPart;
const HEAD = "h/";
const PART = "p/";

/**
 * The `statementParts` sublevel: h/hash → IncomingStatement, p/hash/index(4) → StatementPart. The parts are a
 * buffer: once the statement is whole it is stored in `statements` and its parts are removed (the header stays,
 * with the creditor's signed announcement).
 */
export class StatementPartStore {
  constructor(private readonly table: Table<Row>) {}

  async incoming(hash: string): Promise<IncomingStatement | undefined> {
    return (await this.table.get(HEAD + hash)) as IncomingStatement | undefined;
  }

  putIncoming(record: IncomingStatement): Promise<void> {
    return this.table.put(HEAD + record.hash, record);
  }

  putPart(hash: string, index: number, part: StatementPart): Promise<void> {
    return this.table.put(`${PART}${hash}/${pad(index, 4)}`, part);
  }

  /** The parts in order. */
  async parts(hash: string): Promise<StatementPart[]> {
    const out: StatementPart[] = [];
    for await (const part of this.table.values({ gte: `${PART}${hash}/`, lt: `${PART}${hash}/~` })) out.push(part as StatementPart);
    return out;
  }

  clearParts(hash: string): Promise<void> {
    return this.table.clear({ gte: `${PART}${hash}/`, lt: `${PART}${hash}/~` });
  }
}
