import type { ContactChannel } from "../../domain/conduct/contact.js";
import type { ComplaintService } from "./complaints.js";
import type { ConductGuards } from "./guards.js";
import { codeUnitSpan, type TextScreening } from "./screening.js";

/**
 * The permit seam's guards (docs/design.md §25, §26) from the complaint notices this gateway holds and the lexicon
 * in use: a permit pauses while the creditor says a complaint is open; a text is refused with its rule and span.
 */
export function conductGuards(complaints: ComplaintService, screening: TextScreening): ConductGuards {
  return {
    openComplaint: (caseKey: string) => complaints.openComplaint(caseKey),
    screenText: async (text: string, _channel: ContactChannel) => {
      await screening.inUse();
      const result = screening.screen(text);
      return result.ok ? result : { ...result, span: codeUnitSpan(text, result.span) };
    },
  };
}
