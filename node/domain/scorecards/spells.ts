import type { ScorecardChainEvent, Spell, SpellEnd } from "./types.js";

const ENDS: Record<string, SpellEnd> = {
  CaseReturned: "returned",
  CaseRecalled: "recalled",
  CaseSettled: "settled",
  CaseClosed: "closed",
  CaseCreditorTransferred: "transferred",
};

/**
 * The assignments of one case, in order, from its chain events in chain order (docs/design.md §24). A new assignment
 * while one runs (after it expired) ends the earlier one as "reassigned"; an assignment that just ran out has no end
 * event and is held until its `until`.
 */
export function spellsOf(caseKey: string, events: readonly ScorecardChainEvent[]): Spell[] {
  const spells: Spell[] = [];
  let open: Spell | undefined;
  const end = (at: number, by: SpellEnd) => {
    if (!open) return;
    open.endedAt = at;
    open.endedBy = by;
    open = undefined;
  };
  for (const event of events) {
    if (event.type === "CasesAssigned") {
      end(event.time, "reassigned");
      open = { caseKey, agencyId: event.agencyId ?? 0, creditorId: event.creditorId ?? 0, assignedAt: event.time, until: event.until ?? event.time };
      spells.push(open);
    } else if (event.type === "CaseAccepted") {
      if (open && open.acceptedAt === undefined) open.acceptedAt = event.time;
    } else if (event.type === "CaseMandateExtended") {
      if (open && event.until !== undefined) open.until = event.until;
    } else if (event.type in ENDS) {
      if (open && event.type === "CaseSettled") open.settledFen = BigInt(event.settledFen ?? "0");
      end(event.time, ENDS[event.type]!);
    }
  }
  return spells;
}

/** The last second the agency held the case: its end event or its mandate's end, whichever came first. */
export function heldUntil(spell: Spell): number {
  return spell.endedAt === undefined ? spell.until : Math.min(spell.endedAt, spell.until);
}
