/**
 * Cells on their way out to a spreadsheet (CSV download, XLSX), per docs/design.md §11: a cell that starts
 * with `=`, `+`, `-`, `@`, tab or CR — or the full-width `＝ ＋ － ＠`, which some spreadsheet input methods
 * turn into the ASCII ones — is prefixed with `'`, so that it is always shown as text and never evaluated as a
 * formula (CSV/formula injection, OWASP). Apply it to text cells; a column of amounts formatted by formatFen
 * never starts with any of these (amounts are ≥ 0).
 */

export function neutralizeCell(value: string): string {
  return startsFormula(value.charCodeAt(0)) ? `'${value}` : value;
}

/** = + - @ TAB CR ＝ ＋ － ＠ (NaN, the first char code of "", is none of them). */
function startsFormula(code: number): boolean {
  switch (code) {
    case 0x3d:
    case 0x2b:
    case 0x2d:
    case 0x40:
    case 0x09:
    case 0x0d:
    case 0xff1d:
    case 0xff0b:
    case 0xff0d:
    case 0xff20:
      return true;
    default:
      return false;
  }
}

/** A neutralized cell, quoted per RFC 4180 when it holds a comma, a double quote, CR or LF. */
export function toCsvField(value: string): string {
  const cell = neutralizeCell(value);
  for (let i = 0; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code === 0x2c || code === 0x22 || code === 0x0d || code === 0x0a) {
      return `"${cell.replaceAll('"', '""')}"`;
    }
  }
  return cell;
}

/** One CSV record: the fields of toCsvField joined by `,`, ended by CRLF. */
export function toCsvLine(values: readonly string[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ",";
    line += toCsvField(values[i] as string);
  }
  return `${line}\r\n`;
}
