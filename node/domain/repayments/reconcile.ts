import type { BankLine } from "./bank-statement.js";

/** Why a well-formed bank line matched no repayment (docs/design.md §22, reconciliation). */
export type MatchCode = "LOAN_REF_UNKNOWN" | "NO_REPORTED_REPAYMENT" | "AMOUNT_DIFFERS" | "DATE_DIFFERS" | "AMBIGUOUS";

/** A repayment a bank line may confirm: reported (or disputed) and not yet confirmed or reversed. */
export interface OpenRepayment {
  id: string;
  caseKey: string;
  amountFen: bigint;
  /** The China-time day of its paidAt. */
  day: string;
}

export interface Match {
  line: BankLine;
  caseKey: string;
  repaymentId: string;
}

export interface Miss {
  line: BankLine;
  caseKey?: string;
  code: MatchCode;
}

/**
 * Pairs bank lines with open repayments: same case (the line's loan ref through the lender's index), equal amount in
 * fen, paid on the same China-time day. One line matches at most one repayment and the other way round. Lines and
 * repayments alike with the same (case, amount, day) are interchangeable: when there are as many of each they are
 * paired in order (the file's, the ledger's); when the numbers differ, which bank line is which payment is not for the
 * gateway to guess, and every such line is AMBIGUOUS. Deterministic: the same inputs give the same pairs.
 *
 * A line that matches nothing says why: its loan ref is not the lender's (LOAN_REF_UNKNOWN), its case has no open
 * repayment (NO_REPORTED_REPAYMENT), one has its amount on another day (DATE_DIFFERS), or none has its amount
 * (AMOUNT_DIFFERS).
 */
export function matchBankLines(lines: readonly BankLine[], caseKeyOf: (loanRef: string) => string | undefined, openOf: (caseKey: string) => readonly OpenRepayment[]): { matched: Match[]; missed: Miss[] } {
  const groupKey = (caseKey: string, amountFen: bigint, day: string) => `${caseKey}/${amountFen}/${day}`;
  const linesByGroup = new Map<string, BankLine[]>();
  const found = lines.map((line) => {
    const caseKey = caseKeyOf(line.loanRef);
    if (caseKey === undefined) return undefined;
    const key = groupKey(caseKey, line.amountFen, line.day);
    linesByGroup.set(key, [...(linesByGroup.get(key) ?? []), line]);
    return caseKey;
  });
  const repaymentsByGroup = new Map<string, OpenRepayment[]>();
  for (const caseKey of new Set(found.filter((k) => k !== undefined))) {
    for (const r of openOf(caseKey)) {
      const key = groupKey(caseKey, r.amountFen, r.day);
      repaymentsByGroup.set(key, [...(repaymentsByGroup.get(key) ?? []), r]);
    }
  }
  const matched: Match[] = [];
  const missed: Miss[] = [];
  for (const [i, line] of lines.entries()) {
    const caseKey = found[i];
    if (caseKey === undefined) {
      missed.push({ line, code: "LOAN_REF_UNKNOWN" });
      continue;
    }
    const key = groupKey(caseKey, line.amountFen, line.day);
    const group = linesByGroup.get(key)!;
    const candidates = repaymentsByGroup.get(key) ?? [];
    if (candidates.length > 0 && candidates.length === group.length) {
      matched.push({ line, caseKey, repaymentId: candidates[group.indexOf(line)]!.id });
      continue;
    }
    if (candidates.length > 0) {
      missed.push({ line, caseKey, code: "AMBIGUOUS" });
      continue;
    }
    const open = openOf(caseKey);
    const code = open.length === 0 ? "NO_REPORTED_REPAYMENT" : open.some((r) => r.amountFen === line.amountFen) ? "DATE_DIFFERS" : "AMOUNT_DIFFERS";
    missed.push({ line, caseKey, code });
  }
  return { matched, missed };
}
