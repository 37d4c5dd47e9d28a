import { randomBytes } from "node:crypto";
import type { Clock } from "../../domain/clock.js";
import {
  COMPLAINT_LETTER_DAYS,
  COMPLAINT_RESOLUTIONS,
  isComplaintCategory,
  isComplaintResolution,
  letterTakesComplaints,
  MAX_COMPLAINT_TEXT,
  parseComplaintForm,
  type ComplaintForm,
  type ComplaintResolution,
} from "../../domain/conduct/complaint.js";
import { isPseudonymKey } from "../../domain/pseudonyms.js";
import { msg } from "../../messages/message.js";
import type { LetterRecord } from "../../store/authorization-letter-repository.js";
import type { ComplaintNotice, ComplaintStore, StoredComplaint } from "../../store/complaint-store.js";
import type { PiiCipher } from "../../store/pii-cipher.js";
import { answerBody } from "../fees/peer-agreement.js";
import type { PeerExchange } from "../peer/channel.js";
import { KeyedSerial } from "../keyed-serial.js";
import { notFound, ServiceError } from "../service-error.js";

/** A complaint carried from the holder's gateway (which served the public page) to the creditor's; answered signed. */
export const COMPLAINT_FILE_KIND = "complaint.file";
/** The creditor tells the holder about a complaint: shared (with its text) or closed (with the resolution). */
export const COMPLAINT_NOTICE_KIND = "complaint.notice";

const ID = /^[0-9a-f]{24}$/;

interface FileBody extends ComplaintForm {
  id: string;
  caseKey: string;
  receivedAt: string;
}
interface FileAnswer {
  id: string;
  category: string;
  state: "open";
  receivedAt: string;
}
interface NoticeBody {
  id: string;
  caseKey: string;
  category: string;
  state: "open" | "closed";
  receivedAt: string;
  resolution?: string;
  text?: string;
}

export interface ComplaintDeps {
  store: ComplaintStore;
  cipher: PiiCipher;
  letterOf: (token: string) => Promise<LetterRecord | undefined>;
  /** Who holds (or last held) a case and whose it is, from the chain index. */
  caseOf: (caseKey: string) => Promise<{ creditorId: number; agencyId: number } | undefined>;
  send: <B>(to: number, kind: string, body: unknown) => Promise<PeerExchange<B>>;
  deliver: (to: number, kind: string, body: unknown, options?: { id?: string }) => Promise<unknown>;
  memberId: number;
  clock: Clock;
}

/** The list's view of a complaint at the creditor: no text, no number. */
export interface ComplaintSummary {
  id: string;
  caseKey: string;
  agencyId: number;
  category: string;
  state: "open" | "closed";
  receivedAt: string;
  shared: boolean;
  resolution?: string;
  closedAt?: string;
}

/**
 * Complaints from the public page behind a letter's QR code (docs/design.md §26). The page is served by the agency
 * that issued the letter; its gateway passes the complaint to the case's creditor over the peer channel at once and
 * keeps nothing of the text — the debtor is told "recorded" only once the creditor's gateway answered signed. The
 * creditor keeps the text and the call-back number sealed, its staff share (the text goes to the holder) and close
 * it with a resolution code; the holder keeps the creditor's signed notices (category, state, the text once shared),
 * and an open one pauses its contact permits (the `openComplaint` guard).
 */
export class ComplaintService {
  readonly #serial = new KeyedSerial();

  constructor(private readonly deps: ComplaintDeps) {}

  #now(): string {
    return new Date(this.deps.clock()).toISOString();
  }

  /** The public form, at the gateway that issued the letter: forwarded to the creditor; a reference once it answered. */
  async file(token: string, input: unknown): Promise<{ reference: string; receivedAt: string }> {
    const letter = await this.deps.letterOf(token);
    if (!letter) throw new ServiceError("NOT_FOUND", msg("letter.CODE_UNKNOWN"));
    if (!letterTakesComplaints(Date.parse(letter.issuedAt), this.deps.clock())) {
      throw new ServiceError("COMPLAINT_LETTER_EXPIRED", msg("complaint.LETTER_EXPIRED", { days: COMPLAINT_LETTER_DAYS }));
    }
    const parsed = parseComplaintForm(input);
    if (!parsed.ok) throw new ServiceError("VALIDATION_FAILED", msg("complaint.FORM_INVALID", { max: MAX_COMPLAINT_TEXT }), parsed.errors);
    const body: FileBody = { id: randomBytes(12).toString("hex"), caseKey: letter.caseKey, receivedAt: this.#now(), ...parsed.form };
    if (letter.creditorId === this.deps.memberId) {
      await this.receive(this.deps.memberId, body, "local");
      return { reference: body.id, receivedAt: body.receivedAt };
    }
    let exchange: PeerExchange<FileAnswer>;
    try {
      exchange = await this.deps.send<FileAnswer>(letter.creditorId, COMPLAINT_FILE_KIND, body);
    } catch (error) {
      throw new ServiceError("PEER_UNREACHABLE", msg("complaint.CREDITOR_UNREACHABLE"), { member: letter.creditorId }, { cause: error });
    }
    const answer = answerBody(exchange);
    if (answer.id !== body.id) throw new ServiceError("PEER_UNREACHABLE", msg("complaint.CREDITOR_UNREACHABLE"), { member: letter.creditorId });
    // The creditor's signed answer is this holder's first notice: the complaint exists, and its category.
    await this.deps.store.putNotice({
      id: body.id,
      caseKey: body.caseKey,
      creditorId: letter.creditorId,
      category: body.category,
      state: "open",
      receivedAt: body.receivedAt,
      envelopeHash: exchange.answer.hash,
      updatedAt: this.#now(),
    });
    return { reference: body.id, receivedAt: body.receivedAt };
  }

  /** Creditor: a complaint from the agency of one of its cases (`complaint.file`). The same id again answers the same. */
  async receive(from: number, raw: unknown, envelopeHash: string): Promise<FileAnswer> {
    const b = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const parsed = parseComplaintForm(b);
    if (typeof b.id !== "string" || !ID.test(b.id) || typeof b.caseKey !== "string" || !isPseudonymKey(b.caseKey) || typeof b.receivedAt !== "string" || !parsed.ok) {
      throw new ServiceError("VALIDATION_FAILED", msg("complaint.MALFORMED"));
    }
    const existing = await this.deps.store.complaint(b.id);
    if (existing) {
      if (existing.agencyId !== from || existing.caseKey !== b.caseKey) throw new ServiceError("CONFLICT", msg("complaint.MALFORMED"));
      return { id: existing.id, category: existing.category, state: "open", receivedAt: existing.receivedAt };
    }
    const record = await this.deps.caseOf(b.caseKey);
    if (!record || record.creditorId !== this.deps.memberId) throw new ServiceError("NOT_FOUND", msg("complaint.NOT_CREDITOR"));
    if (from !== this.deps.memberId && record.agencyId !== from) throw new ServiceError("FORBIDDEN", msg("complaint.NOT_HOLDER"));
    const { form } = parsed;
    const complaint: StoredComplaint = {
      id: b.id,
      caseKey: b.caseKey,
      agencyId: record.agencyId,
      category: form.category,
      sealed: this.deps.cipher.sealJson({ text: form.text, ...(form.callback ? { callback: form.callback } : {}) }, b.id),
      receivedAt: b.receivedAt,
      envelopeHash,
      state: "open",
    };
    await this.deps.store.putComplaint(complaint);
    if (from === this.deps.memberId && record.agencyId !== this.deps.memberId) await this.#notify(complaint);
    return { id: complaint.id, category: complaint.category, state: "open", receivedAt: complaint.receivedAt };
  }

  /** Creditor: its complaints, newest first, without text or number. */
  async list(options: { state?: string; agencyId?: number } = {}): Promise<ComplaintSummary[]> {
    const out: ComplaintSummary[] = [];
    for await (const c of this.deps.store.complaints()) {
      if (options.state !== undefined && c.state !== options.state) continue;
      if (options.agencyId !== undefined && c.agencyId !== options.agencyId) continue;
      out.push(summary(c));
    }
    return out.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  }

  /** Creditor: one complaint with the debtor's words and call-back number (an audited read). */
  async get(id: string): Promise<ComplaintSummary & { text: string; callback?: string }> {
    const c = await this.#complaint(id);
    return { ...summary(c), ...this.deps.cipher.openJson<{ text: string; callback?: string }>(c.sealed, c.id) };
  }

  /**
   * Creditor: the text goes to the agency, signed, straight over the peer channel — not through the outbox, which
   * keeps its messages unsealed — so a share the agency's gateway did not answer is not recorded and is tried again
   * by hand. The call-back number never goes.
   */
  share(id: string, by: string): Promise<ComplaintSummary> {
    return this.#serial.run(id, () => this.#share(id, by));
  }

  async #share(id: string, by: string): Promise<ComplaintSummary> {
    const c = await this.#complaint(id);
    const updated: StoredComplaint = { ...c, sharedAt: c.sharedAt ?? this.#now(), sharedBy: c.sharedBy ?? by };
    if (c.agencyId !== this.deps.memberId) answerBody(await this.deps.send(c.agencyId, COMPLAINT_NOTICE_KIND, this.#noticeBody(updated)));
    await this.deps.store.putComplaint(updated);
    return summary(updated);
  }

  /** Creditor: closes with a resolution code; the agency is told (its permits no longer pause for it). */
  async close(id: string, input: unknown, by: string): Promise<ComplaintSummary> {
    const resolution = (input as { resolution?: unknown } | undefined)?.resolution;
    if (!isComplaintResolution(resolution)) {
      throw new ServiceError("VALIDATION_FAILED", msg("complaint.RESOLUTION_INVALID", { codes: COMPLAINT_RESOLUTIONS.join(", ") }), [{ field: "resolution", code: "RESOLUTION_UNKNOWN" }]);
    }
    // A complaint's state is read, then written: one share or close of it at a time (a second close is a conflict).
    return this.#serial.run(id, () => this.#close(id, resolution, by));
  }

  async #close(id: string, resolution: ComplaintResolution, by: string): Promise<ComplaintSummary> {
    const c = await this.#complaint(id);
    if (c.state === "closed") throw new ServiceError("CONFLICT", msg("complaint.CLOSED", { id }));
    const updated: StoredComplaint = { ...c, state: "closed", resolution, closedAt: this.#now(), closedBy: by };
    await this.deps.store.putComplaint(updated);
    await this.#notify(updated);
    return summary(updated);
  }

  /** Holder: a creditor's signed notice about a complaint on a case it holds (or held). */
  async receiveNotice(from: number, raw: unknown, envelopeHash: string): Promise<{ id: string }> {
    const b = (typeof raw === "object" && raw !== null ? raw : {}) as Partial<NoticeBody>;
    if (typeof b.id !== "string" || !ID.test(b.id) || typeof b.caseKey !== "string" || !isPseudonymKey(b.caseKey) || !isComplaintCategory(b.category)) {
      throw new ServiceError("VALIDATION_FAILED", msg("complaint.MALFORMED"));
    }
    if ((b.state !== "open" && b.state !== "closed") || (b.resolution !== undefined && !isComplaintResolution(b.resolution)) || (b.text !== undefined && typeof b.text !== "string")) {
      throw new ServiceError("VALIDATION_FAILED", msg("complaint.MALFORMED"));
    }
    const previous = await this.deps.store.notice(b.id);
    if (previous ? previous.creditorId !== from : (await this.deps.caseOf(b.caseKey))?.creditorId !== from) {
      throw new ServiceError("FORBIDDEN", msg("complaint.NOT_CREDITOR"));
    }
    const notice: ComplaintNotice = {
      id: b.id,
      caseKey: b.caseKey,
      creditorId: from,
      category: b.category,
      state: b.state,
      receivedAt: typeof b.receivedAt === "string" ? b.receivedAt : (previous?.receivedAt ?? this.#now()),
      ...(b.resolution ? { resolution: b.resolution } : {}),
      ...(b.text !== undefined ? { sharedText: this.deps.cipher.sealJson({ text: b.text }, b.id) } : previous?.sharedText ? { sharedText: previous.sharedText } : {}),
      envelopeHash,
      updatedAt: this.#now(),
    };
    await this.deps.store.putNotice(notice);
    return { id: notice.id };
  }

  /** Holder: the complaints its creditors told it about; the text where the creditor shared it. */
  async notices(): Promise<Array<Omit<ComplaintNotice, "sharedText"> & { text?: string }>> {
    const out: Array<Omit<ComplaintNotice, "sharedText"> & { text?: string }> = [];
    for await (const n of this.deps.store.notices()) {
      const { sharedText, ...rest } = n;
      out.push({ ...rest, ...(sharedText ? { text: this.deps.cipher.openJson<{ text: string }>(sharedText, n.id).text } : {}) });
    }
    return out.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  }

  /** Whether a complaint about this case is open, as the creditor last said (the holder's permits pause on it). */
  async openComplaint(caseKey: string): Promise<{ open: boolean; category?: string }> {
    const key = caseKey.toLowerCase();
    for await (const n of this.deps.store.noticesOfCase(key)) if (n.state === "open") return { open: true, category: n.category };
    return { open: false };
  }

  /** Creditor: complaints per agency (all, open), for its scorecards. */
  async countsByAgency(): Promise<Map<number, { total: number; open: number }>> {
    const counts = new Map<number, { total: number; open: number }>();
    for await (const c of this.deps.store.complaints()) {
      const entry = counts.get(c.agencyId) ?? { total: 0, open: 0 };
      entry.total++;
      if (c.state === "open") entry.open++;
      counts.set(c.agencyId, entry);
    }
    return counts;
  }

  async #complaint(id: string): Promise<StoredComplaint> {
    const c = ID.test(id) ? await this.deps.store.complaint(id) : undefined;
    if (!c) throw notFound("complaint", id);
    return c;
  }

  /** The category and state (never the text) through the outbox: delivered whatever the agency's gateway does now. */
  async #notify(c: StoredComplaint): Promise<void> {
    if (c.agencyId === this.deps.memberId) return;
    const { text: _text, ...body } = this.#noticeBody(c);
    await this.deps.deliver(c.agencyId, COMPLAINT_NOTICE_KIND, body);
  }

  #noticeBody(c: StoredComplaint): NoticeBody {
    return {
      id: c.id,
      caseKey: c.caseKey,
      category: c.category,
      state: c.state,
      receivedAt: c.receivedAt,
      ...(c.resolution ? { resolution: c.resolution } : {}),
      ...(c.sharedAt ? { text: this.deps.cipher.openJson<{ text: string }>(c.sealed, c.id).text } : {}),
    };
  }
}

function summary(c: StoredComplaint): ComplaintSummary {
  return {
    id: c.id,
    caseKey: c.caseKey,
    agencyId: c.agencyId,
    category: c.category,
    state: c.state,
    receivedAt: c.receivedAt,
    shared: c.sharedAt !== undefined,
    ...(c.resolution ? { resolution: c.resolution } : {}),
    ...(c.closedAt ? { closedAt: c.closedAt } : {}),
  };
}
