import { toCsvLine } from "../domain/export/neutralize.js";
import type { CaseListSummary, StoredReportRow } from "../store/case-records.js";
import type { ReportRowFilter } from "../store/case-list-rows.js";
import type { GatewayDatabase } from "../store/database.js";
import { type IngestDeps, type IngestInput, ingestCaseList } from "./case-list-ingest.js";
import { notFound, ServiceError } from "./service-error.js";
import { msg } from "../messages/message.js";
import type { IngestQueue, QueueView } from "./ingest-queue.js";
import { caseListFormat } from "./case-list-format.js";
const REPORT_PAGE_MAX = 1_000;

export interface CaseListServiceDeps {
  ingest: IngestDeps;
  store: GatewayDatabase;
  uploadLimitBytes: number;
  /** Where workbook uploads are spooled, encrypted, while they are read (`workbookSpoolDir(dataDir)`). */
  spoolDir: string;
  /** The gateway's one ingest queue: how many lists are read at once, how many wait. */
  queue: IngestQueue;
  /** Told the rows of each list ingested (the metrics count them). */
  onIngested?: (summary: CaseListSummary) => void;
}

export interface CaseListUpload {
  /** The media type as sent, lower case, without parameters ("" when none). */
  contentType: string;
  /** The declared size in bytes, when the client gave one. */
  contentLength?: number;
  file: string;
  /** A workbook's sheet to read, by name (the first when not given; CSV has none). */
  sheet?: string;
  chunks: IngestInput["chunks"];
  uploadedBy: string;
  /** Whose queue entry this is (the staff token's id), and the upload's reference in the queue. */
  owner: string;
  ref: string;
  /** Aborts when the client goes away: a waiting upload then leaves the queue, having written nothing. */
  signal?: AbortSignal;
}

export interface ReportQuery {
  limit?: number;
  status?: unknown;
  code?: string;
  afterLine?: number;
}

/** A lender's case lists: upload (streamed), summaries, the validation report, and the rejected rows as CSV. */
export class CaseListService {
  constructor(private readonly deps: CaseListServiceDeps) {}

  async #summaryOf(id: string): Promise<CaseListSummary> {
    const summary = await this.deps.store.caseLists.get(id);
    if (!summary) throw notFound("caseList", id);
    return summary;
  }

  async upload(upload: CaseListUpload): Promise<CaseListSummary> {
    const { uploadLimitBytes } = this.deps;
    const format = caseListFormat(upload.contentType, upload.file, upload.sheet, this.deps.spoolDir);
    if (!format) {
      throw new ServiceError("UNSUPPORTED_MEDIA_TYPE", msg("api.UPLOAD_NOT_CSV"), { contentType: upload.contentType || null });
    }
    if (upload.contentLength !== undefined && Number.isFinite(upload.contentLength) && upload.contentLength > uploadLimitBytes) {
      throw new ServiceError("PAYLOAD_TOO_LARGE", msg("api.UPLOAD_TOO_LARGE"), { maxBytes: uploadLimitBytes });
    }
    const { owner, ref, file } = upload;
    const summary = await this.deps.queue.run(
      { owner, ref, file },
      () => ingestCaseList(this.deps.ingest, { file, chunks: upload.chunks, ...format, uploadedBy: upload.uploadedBy, maxBytes: uploadLimitBytes }),
      upload.signal,
    );
    this.deps.onIngested?.(summary);
    return summary;
  }

  /** The uploads running and waiting, and the asker's own among them with their places. */
  queue(owner: string): QueueView {
    return this.deps.queue.view(owner);
  }

  /** The 200 most recent lists. */
  async recent(): Promise<{ lists: CaseListSummary[] }> {
    const lists: CaseListSummary[] = [];
    for await (const summary of this.deps.store.caseLists.recent(200)) lists.push(summary);
    return { lists };
  }

  get(id: string): Promise<CaseListSummary> {
    return this.#summaryOf(id);
  }

  /** A page of a list's report rows, filtered by status or code; `next` is the last line when more may follow. */
  async report(id: string, query: ReportQuery) {
    const summary = await this.#summaryOf(id);
    const limit = Math.min(query.limit || 200, REPORT_PAGE_MAX);
    const filter: ReportRowFilter = { status: query.status as ReportRowFilter["status"], code: query.code, afterLine: query.afterLine };
    if (filter.status && !["accepted", "duplicate", "rejected"].includes(filter.status)) {
      throw new ServiceError("VALIDATION_FAILED", msg("api.LIST_STATUS_INVALID"));
    }
    const rows: StoredReportRow[] = [];
    for await (const row of this.deps.store.reportRows.rows(summary.id, filter)) {
      if (rows.length === limit) break;
      rows.push(row);
    }
    const next = rows.length === limit ? rows[rows.length - 1]!.line : null;
    return { id: summary.id, file: summary.file, encoding: summary.encoding, state: summary.state, totals: summary.totals, rows, next };
  }

  /**
   * The rows not accepted, one line per issue, as CSV lines (the header first) for spreadsheet programs. Not found
   * is thrown before any line, so that the caller can still answer with an error.
   */
  async rejectedCsv(id: string): Promise<{ fileName: string; lines: AsyncGenerator<string> }> {
    const summary = await this.#summaryOf(id);
    const rows = this.deps.store.reportRows;
    async function* lines() {
      // A BOM so that spreadsheet programs read the Chinese as UTF-8.
      yield `\ufeff${toCsvLine(["line", "loan_ref", "status", "field", "code", "message"])}`;
      for await (const row of rows.rows(summary.id)) {
        if (row.status === "accepted") continue;
        const issues = row.errors.length ? row.errors : [{ field: "", code: row.status.toUpperCase(), message: "" }];
        for (const e of issues) yield toCsvLine([String(row.line), row.loanRef, row.status, e.field, e.code, e.message]);
      }
    }
    return { fileName: `${summary.file.replace(/\.(csv|xlsx)$/i, "")}.rejected.csv`, lines: lines() };
  }
}
