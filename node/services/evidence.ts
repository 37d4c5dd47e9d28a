import { msg } from "../messages/message.js";
import type { CaseIndexer } from "../chain/case-indexer.js";
import type { CaseHistoryEntry } from "../chain/case-events.js";
import type { Clock } from "../domain/clock.js";
import { withTimeout } from "../chain/rpc.js";
import { DEFAULTS } from "../config.js";
import { isHeldAt, isHeldFromCreditor } from "../domain/consortium/index.js";
import type { ChainCaseState } from "./repayments/chain-case.js";
import type { EvidenceRecord } from "../domain/evidence/record.js";
import { anchoredReceipt, type PendingReceipt, RECEIPT_FORMAT, type Receipt } from "../domain/evidence/receipt.js";
import { toBytes32 } from "../domain/merkle/index.js";
import type { AnchorStore } from "../store/evidence-log/anchor-store.js";
import { BlobTooLargeError, type BlobStore } from "../store/blob-store.js";
import type { EvidenceLog, LogEntry, RecordDraft } from "../store/evidence-log/evidence-log.js";
import { parseDigest, parseEvidenceMeta, parseSize } from "./evidence-input.js";
import { notFound, ServiceError } from "./service-error.js";

/** Named default: the largest file the gateway accepts as evidence (a long video). Hash-only evidence has no limit. */
export const EVIDENCE_MAX_FILE_BYTES = 8 * 1024 ** 3;

export interface EvidenceServiceDeps {
  log: EvidenceLog;
  anchors: AnchorStore;
  blobs: BlobStore;
  indexer: Pick<CaseIndexer, "caseOf" | "history">;
  memberId: number;
  clock: Clock;
  maxFileBytes?: number;
  /**
   * The size of the member's latest checkpoint on chain right now (undefined when the node does not answer): a
   * receipt is anchored only when the chain still has its checkpoint (a node restarted from an older state loses some).
   */
  chainCheckpointSize?: (atLeast: number) => Promise<number | undefined>;
  /**
   * The cases as the chain says them right now (CaseRegistry.casesOf), asked only when the index does not show this
   * member holding the case: the index follows the chain a block or more behind, and an agency just handed a case
   * records evidence for it at once. Asked for at most `holderCheckMs`; no answer in time and the index's answer stands.
   */
  casesOf?: (caseKeys: string[]) => Promise<ChainCaseState[]>;
  /** Default DEFAULTS.timeouts.holderCheckMs. */
  holderCheckMs?: number;
}

/** A record as the API shows it: the record's fields, where it is, whether it is anchored. */
export interface EvidenceView {
  id: number;
  leafHash: string;
  caseKey: string;
  kind: string;
  mediaType: string;
  contentSha256: string;
  sm3?: string;
  contentSize: number;
  capturedAt: string;
  recordedAt: string;
  prev?: string;
  source: LogEntry["source"];
  kept: boolean;
  anchored: boolean;
  receipt: string;
}

export interface TimelineItem {
  /** ISO time: the record's capture time, or the chain event's block time. */
  at: string;
  type: "evidence" | "chain";
  evidence?: EvidenceView;
  event?: CaseHistoryEntry;
}

/**
 * Evidence for the member's cases: files streamed through the gateway (hashed while streaming, optionally kept in the
 * blob store) or hashes of media kept elsewhere, recorded in the member's log; lists, timelines and receipts.
 * Only a member holding the case — its creditor, or its agency while the mandate runs — may record evidence for it.
 */
export class EvidenceService {
  constructor(private readonly deps: EvidenceServiceDeps) {}

  /**
   * 403 unless this member holds the case now; 404 when the chain does not know it. The chain index answers first; when
   * it does not show this member holding the case (it may not have read the assignment's block yet), the chain is asked
   * for at most `holderCheckMs` and its answer decides. A node that does not answer leaves the index's answer standing.
   */
  async assertHolds(caseKey: string): Promise<void> {
    const state = await this.deps.indexer.caseOf(caseKey);
    const now = Math.floor(this.deps.clock() / 1000);
    const me = this.deps.memberId;
    const known = !!state && state.status !== "None";
    if (known && (state.creditorId === me || (state.agencyId === me && isHeldAt(state, now)))) return;
    const chain = await this.#chainCase(caseKey);
    if (chain && chain.creditorId !== 0n) {
      if (Number(chain.creditorId) === me || isHeldFromCreditor(chain, Number(chain.creditorId), me, now)) return;
      throw new ServiceError("FORBIDDEN", msg("api.NOT_HOLDER"));
    }
    if (!known) throw new ServiceError("NOT_FOUND", msg("api.CASE_NOT_ON_CHAIN", { caseKey }));
    throw new ServiceError("FORBIDDEN", msg("api.NOT_HOLDER"));
  }

  /** The case as the chain says it now; undefined when the chain is not asked or does not answer in time. */
  async #chainCase(caseKey: string): Promise<ChainCaseState | undefined> {
    if (!this.deps.casesOf) return undefined;
    try {
      const [state] = await withTimeout(this.deps.casesOf([caseKey]), this.deps.holderCheckMs ?? DEFAULTS.timeouts.holderCheckMs, "casesOf");
      return state;
    } catch {
      return undefined;
    }
  }

  /** Records a file streamed in `chunks`. */
  async recordFile(
    raw: Record<string, unknown>,
    chunks: AsyncIterable<Uint8Array>,
    options: { keep: boolean; sm3: boolean; by?: string },
  ): Promise<EvidenceView> {
    const meta = parseEvidenceMeta(raw, this.deps.clock());
    await this.assertHolds(meta.caseKey);
    let content;
    try {
      content = await this.deps.blobs.put(chunks, { keep: options.keep, sm3: options.sm3, maxBytes: this.deps.maxFileBytes ?? EVIDENCE_MAX_FILE_BYTES });
    } catch (error) {
      if (error instanceof BlobTooLargeError) {
        throw new ServiceError("PAYLOAD_TOO_LARGE", msg("api.CONTENT_TOO_LARGE", { maxBytes: error.maxBytes }), { maxBytes: error.maxBytes });
      }
      throw error;
    }
    const [entry] = await this.deps.log.append([
      {
        ...meta,
        contentSha256: content.sha256,
        ...(content.sm3 ? { sm3: content.sm3 } : {}),
        contentSize: content.size,
        kept: content.kept,
        source: "upload",
        ...(options.by ? { by: options.by } : {}),
      },
    ]);
    return this.#view(entry!, await this.#anchoredSize());
  }

  /** Records the hash and size of media kept elsewhere. */
  async recordHash(raw: Record<string, unknown>, by?: string): Promise<EvidenceView> {
    const meta = parseEvidenceMeta(raw, this.deps.clock());
    const contentSha256 = parseDigest(raw.contentSha256, "contentSha256", true)!;
    const sm3 = parseDigest(raw.sm3, "sm3", false);
    const contentSize = parseSize(raw.contentSize);
    await this.assertHolds(meta.caseKey);
    const [entry] = await this.deps.log.append([
      { ...meta, contentSha256, ...(sm3 ? { sm3 } : {}), contentSize, kept: false, source: "hash", ...(by ? { by } : {}) },
    ]);
    return this.#view(entry!, await this.#anchoredSize());
  }

  /**
   * Records a settlement's terms document as `settlement` evidence of each of its cases (the document kept once, one
   * record per case), before the settlement goes on chain with the document's SHA-256 as its terms hash: a court can
   * later match the document, the record and the chain event. Every case must be held by this member (its creditor).
   */
  async recordSettlementTerms(caseKeys: readonly string[], content: Uint8Array, mediaType: string, by?: string): Promise<{ sha256: string; records: number[] }> {
    const metas = caseKeys.map((caseKey) => parseEvidenceMeta({ caseKey, kind: "settlement", mediaType }, this.deps.clock()));
    for (const meta of metas) await this.assertHolds(meta.caseKey);
    const stored = await this.deps.blobs.put(
      (async function* () {
        yield content;
      })(),
      { keep: true, maxBytes: this.deps.maxFileBytes ?? EVIDENCE_MAX_FILE_BYTES },
    );
    const entries = await this.deps.log.append(
      metas.map((meta) => ({ ...meta, contentSha256: stored.sha256, contentSize: stored.size, kept: stored.kept, source: "upload" as const, ...(by ? { by } : {}) })),
    );
    return { sha256: stored.sha256, records: entries.map((e) => e.index) };
  }

  /** Records the gateway's own notices (no holding check: they describe what this member did on chain). */
  async recordSystem(drafts: RecordDraft[], extraOps: Parameters<EvidenceLog["append"]>[1] = []): Promise<LogEntry[]> {
    return this.deps.log.append(drafts, extraOps);
  }

  async get(id: number): Promise<EvidenceView> {
    const entry = await this.deps.log.entry(id);
    if (!entry) throw notFound("evidence", id);
    return this.#view(entry, await this.#anchoredSize());
  }

  /** The content of a record when this gateway has it: a kept file, or a notice it wrote itself. */
  async content(id: number): Promise<{ mediaType: string; size: number; body: NodeJS.ReadableStream | string }> {
    const entry = await this.deps.log.entry(id);
    if (!entry) throw notFound("evidence", id);
    const record = JSON.parse(entry.record) as EvidenceRecord;
    if (entry.inline !== undefined) return { mediaType: record.mediaType, size: record.contentSize, body: entry.inline };
    if (!entry.kept || !(await this.deps.blobs.has(record.contentSha256))) throw new ServiceError("NOT_FOUND", msg("api.CONTENT_NOT_KEPT", { id }));
    return { mediaType: record.mediaType, size: record.contentSize, body: this.deps.blobs.read(record.contentSha256) };
  }

  /** A case's records at this member, and its timeline: records and chain events in time order. */
  async list(caseKey: string, options: { after?: number; limit?: number } = {}): Promise<{ caseKey: string; records: EvidenceView[]; timeline: TimelineItem[]; next: number | null }> {
    const key = caseKey.toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(key)) throw new ServiceError("VALIDATION_FAILED", msg("api.CASE_KEY_MALFORMED"));
    const limit = Math.min(Math.max(options.limit ?? 200, 1), 1_000);
    const entries = await this.deps.log.entriesOfCase(key, { after: options.after, limit });
    const anchored = await this.#anchoredSize();
    const records = entries.map((e) => this.#view(e, anchored));
    const history = options.after === undefined ? await this.deps.indexer.history(key) : [];
    const timeline: TimelineItem[] = [
      ...records.map((r) => ({ at: r.capturedAt, type: "evidence" as const, evidence: r })),
      ...history.map((h) => ({ at: new Date(h.time * 1000).toISOString(), type: "chain" as const, event: h })),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return { caseKey: key, records, timeline, next: entries.length === limit ? entries[entries.length - 1]!.index : null };
  }

  /**
   * The record's receipt: anchored once a checkpoint covering it is on chain (the first such one: the tightest
   * time bound), pending before — ask again later, the same URL upgrades it.
   */
  async receipt(id: number): Promise<Receipt> {
    const entry = await this.deps.log.entry(id);
    if (!entry) throw notFound("evidence", id);
    let anchor = await this.deps.anchors.covering(entry.index);
    if (anchor) {
      const onChain = await this.deps.chainCheckpointSize?.(anchor.treeSize);
      if (onChain !== undefined && anchor.treeSize > onChain) anchor = undefined; // lost by the chain: anchored again soon
    }
    if (!anchor) {
      const pending: PendingReceipt = {
        format: RECEIPT_FORMAT,
        status: "pending",
        record: entry.record,
        leafHash: entry.leafHash,
        leafIndex: entry.index,
        issuedAt: new Date(this.deps.clock()).toISOString(),
      };
      return pending;
    }
    const proof = await this.deps.log.inclusionProof(entry.index, anchor.treeSize);
    const receipt = anchoredReceipt({ record: entry.record, leafHash: entry.leafHash, leafIndex: entry.index }, proof.map(toBytes32), anchor, anchor);
    return receipt;
  }

  async #anchoredSize(): Promise<number> {
    const local = (await this.deps.anchors.latest())?.treeSize ?? 0;
    const onChain = local > 0 ? await this.deps.chainCheckpointSize?.(local) : undefined;
    return onChain === undefined ? local : Math.min(local, onChain);
  }

  #view(entry: LogEntry, anchoredSize: number): EvidenceView {
    const r = JSON.parse(entry.record) as EvidenceRecord;
    return {
      id: entry.index,
      leafHash: entry.leafHash,
      caseKey: r.caseKey,
      kind: r.kind,
      mediaType: r.mediaType,
      contentSha256: r.contentSha256,
      ...(r.sm3 ? { sm3: r.sm3 } : {}),
      contentSize: r.contentSize,
      capturedAt: r.capturedAt,
      recordedAt: entry.recordedAt,
      ...(r.prev ? { prev: r.prev } : {}),
      source: entry.source,
      kept: entry.kept,
      anchored: entry.index < anchoredSize,
      receipt: `/v1/evidence/${entry.index}/receipt`,
    };
  }
}
