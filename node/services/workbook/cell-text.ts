import type { CellValue } from "exceljs";

/**
 * The text of a workbook cell as the case-list validation reads it — what a lender sees in Excel, in the forms the
 * CSV path accepts:
 * - numbers at Excel's 15 significant digits (a cached formula result of 0.1+0.2 is 0.3, as Excel shows it), in
 *   plain decimal notation, so that an amount cell 1234.5 reads "1234.5" (123450 fen) and 1234.567 still has 3
 *   decimals for AMOUNT_TOO_PRECISE;
 * - dates (a cell with a date format) as `YYYY-MM-DD`, with ` HH:MM:SS` when there is a time of day;
 * - formulas as their cached result, rich text as its runs joined, hyperlinks as their text, errors as `#N/A`…,
 *   booleans as Excel writes them to CSV (TRUE/FALSE); an empty cell as "".
 */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberText(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return dateText(value);
  if ("richText" in value) return value.richText.map((run) => run.text).join("");
  if ("error" in value) return value.error;
  // Formulas (plain and shared) read as their cached result; one never calculated has none.
  if ("formula" in value || "sharedFormula" in value) return "result" in value ? cellText(value.result ?? null) : "";
  if ("text" in value) return typeof value.text === "string" ? value.text : cellText(value.text);
  return "";
}

/** True when the cell holds a number (or a formula whose result is one): text typed as a number in Excel. */
export function isNumberCell(value: CellValue): boolean {
  if (typeof value === "number") return true;
  if (value === null || typeof value !== "object" || value instanceof Date) return false;
  return ("formula" in value || "sharedFormula" in value) && typeof value.result === "number";
}

/** Excel keeps 15 significant digits; its XML may hold 17 (a float's full round trip). */
const EXCEL_DIGITS = 15;

function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const shown = Number(n.toPrecision(EXCEL_DIGITS));
  const text = String(shown);
  if (!text.includes("e")) return text;
  // String() uses exponents below 1e-6 and from 1e21: the amount parser takes none, so write the digits out.
  if (Math.abs(shown) >= 1) return BigInt(shown).toString();
  return shown.toFixed(EXCEL_DIGITS + 6).replace(/0+$/, "");
}

const two = (n: number) => String(n).padStart(2, "0");

/** Excel's dates have no zone: exceljs gives them as the same wall-clock time in UTC. */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const day = `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
  const h = date.getUTCHours();
  const m = date.getUTCMinutes();
  const s = date.getUTCSeconds();
  return h === 0 && m === 0 && s === 0 ? day : `${day} ${two(h)}:${two(m)}:${two(s)}`;
}
