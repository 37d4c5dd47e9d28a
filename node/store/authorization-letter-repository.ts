import type { Table } from "./table.js";

export interface LetterRecord {
  caseKey: string;
  agencyId: number;
  creditorId: number;
  /** Masked as docs/design.md §7 says (`张*`): the only personal data a letter or the public page ever shows. */
  debtorName: string;
  /** Loan reference with all but its last 4 characters masked. */
  loanRef: string;
  issuedAt: string;
  issuedBy: string;
}

/** The `authLetters` sublevel: sha256(token) hex → LetterRecord. The token itself is never stored. */
export class AuthorizationLetterRepository {
  constructor(private readonly table: Table<LetterRecord>) {}

  get(digest: string): Promise<LetterRecord | undefined> {
    return this.table.get(digest);
  }

  put(digest: string, letter: LetterRecord): Promise<void> {
    return this.table.put(digest, letter);
  }
}
