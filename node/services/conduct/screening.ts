import { createHash } from "node:crypto";
import type { Clock } from "../../domain/clock.js";
import { canonicalJson } from "../../domain/canonical-json.js";
import { CONTACT_CHANNELS, isTextChannel } from "../../domain/conduct/contact.js";
import { MAX_SCREENED_TEXT, type Screener, type ScreenResult } from "../../domain/conduct/screen.js";
import { msg } from "../../messages/message.js";
import type { LexiconMark, LexiconMarks } from "../../store/complaint-store.js";
import type { LogEntry, RecordDraft } from "../../store/evidence-log/evidence-log.js";
import { ServiceError } from "../service-error.js";

export const LEXICON_RECORD_FORMAT = "caseledger-lexicon-use/1";
/** What a text may be screened as: a text channel's message, or a template of one. */
export const SCREENED_AS = [...CONTACT_CHANNELS.filter((c) => isTextChannel(c)), "template"] as const;

export interface TextScreeningDeps {
  screener: Screener;
  marks: LexiconMarks;
  notarize: (drafts: RecordDraft[]) => Promise<LogEntry[]>;
  memberId: number;
  clock: Clock;
}

/**
 * Text screening at a gateway (docs/design.md §26): every SMS, letter, app message or e-mail and their templates are
 * checked against the lexicon before a permit is granted for them. The first time a gateway uses a lexicon version it
 * notarizes the lexicon's hash in its evidence log (an `other` record keyed by that hash), so that a refusal or a pass
 * can later be tied to the exact word list in force.
 */
export class TextScreening {
  #mark: LexiconMark | undefined;
  #starting: Promise<LexiconMark> | undefined;

  constructor(private readonly deps: TextScreeningDeps) {}

  /** Notarizes the lexicon in use, once per version (kept across restarts). */
  async start(): Promise<LexiconMark> {
    const { screener } = this.deps;
    const known = await this.deps.marks.get(screener.version);
    if (known && known.hash === screener.hash) return (this.#mark = known);
    const since = new Date(this.deps.clock()).toISOString();
    const text = canonicalJson({ format: LEXICON_RECORD_FORMAT, member: this.deps.memberId, version: screener.version, lexiconHash: screener.hash, since });
    const bytes = Buffer.from(text, "utf8");
    const [entry] = await this.deps.notarize([
      {
        caseKey: screener.hash,
        kind: "other",
        contentSha256: createHash("sha256").update(bytes).digest("hex"),
        contentSize: bytes.length,
        mediaType: "application/json",
        capturedAt: since,
        kept: false,
        source: "system",
        inline: text,
      },
    ]);
    const mark: LexiconMark = { version: screener.version, hash: screener.hash, evidenceId: entry!.index, leafHash: entry!.leafHash, since };
    await this.deps.marks.put(mark);
    return (this.#mark = mark);
  }

  /**
   * The lexicon notarized before its first use, once (a gateway that never screens a text notarizes nothing); a
   * failed notarization is tried again at the next use.
   */
  inUse(): Promise<LexiconMark> {
    this.#starting ??= this.start().catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  /** The lexicon in use: version, hash and the record that notarized it (once started). */
  lexicon(): { version: string; hash: string; notarized?: LexiconMark } {
    return { version: this.deps.screener.version, hash: this.deps.screener.hash, ...(this.#mark ? { notarized: this.#mark } : {}) };
  }

  /** Screens a text; the span is in code points of `text`. */
  screen(text: string): ScreenResult {
    return this.deps.screener.screen(text);
  }

  /** The API's check: `{ text, channel }` validated, then screened; the answer names the lexicon's hash too. */
  check(input: unknown): ScreenResult & { lexiconHash: string; channel: string } {
    const b = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
    const errors: Array<{ field: string; code: string }> = [];
    if (typeof b.text !== "string" || b.text.trim() === "") errors.push({ field: "text", code: "TEXT_EMPTY" });
    else if ([...b.text].length > MAX_SCREENED_TEXT) errors.push({ field: "text", code: "TEXT_TOO_LONG" });
    if (!(SCREENED_AS as readonly unknown[]).includes(b.channel)) errors.push({ field: "channel", code: "CHANNEL_UNKNOWN" });
    if (errors.length) throw new ServiceError("VALIDATION_FAILED", msg("screening.INPUT_INVALID", { max: MAX_SCREENED_TEXT, channels: SCREENED_AS.join(", ") }), errors);
    return { ...this.screen(b.text as string), lexiconHash: this.deps.screener.hash, channel: b.channel as string };
  }
}

/** A span in code points of `text` as UTF-16 code units (what the permit seam's ConductGuards speaks). */
export function codeUnitSpan(text: string, [start, end]: [number, number]): [number, number] {
  const chars = Array.from(text);
  const units = (n: number) => chars.slice(0, n).join("").length;
  return [units(start), units(end)];
}
