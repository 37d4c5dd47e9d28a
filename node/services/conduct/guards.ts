import type { ContactChannel } from "../../domain/conduct/contact.js";

/**
 * The checks a contact permit asks of the conduct rules that are not its own (docs/design.md §25 and the next section): whether the
 * debtor of a case has an open complaint, and whether a text (SMS, letter, app message, e-mail) may be sent. The
 * permit service takes them as a dependency; the composition root (node/gateway.ts) hands in the real ones.
 */
export interface ConductGuards {
  /** Whether a complaint about this case (its case key, 0x… hex) is open, and its category. */
  openComplaint(caseKey: string): Promise<{ open: boolean; category?: string }>;
  /** Screens a text about to be sent on `channel`; `span` is [start, end) in UTF-16 code units of `text`. */
  screenText(
    text: string,
    channel: ContactChannel,
  ): Promise<
    | { ok: true; lexiconVersion: string }
    | { ok: false; rule: string; category: string; span: [number, number]; lexiconVersion: string }
  >;
}

/** No complaint is ever open and every text passes: the default until the screening and complaints are wired. */
export const NO_GUARDS: ConductGuards = {
  openComplaint: () => Promise.resolve({ open: false }),
  screenText: () => Promise.resolve({ ok: true, lexiconVersion: "none" }),
};
