import { CATALOG } from "../messages/catalog.js";
import { bilingual, msg } from "../messages/message.js";

/**
 * Stable codes for everything wrong with a case list; their Chinese and English words are in the message catalog.
 * Codes are part of the API (reports, CSV downloads, CLI exit codes): never rename one, only add.
 * Messages never contain the offending value when it could be personal data.
 */
export const FIELD_ERRORS = CATALOG.field;
export const FIELD_WARNINGS = CATALOG.fieldWarning;
export const FILE_ERRORS = CATALOG.file;

export type FieldErrorCode = keyof typeof FIELD_ERRORS;
export type FieldWarningCode = keyof typeof FIELD_WARNINGS;
export type FileErrorCode = keyof typeof FILE_ERRORS;

/** One problem with one field of one row, as the validation report carries it. */
export interface FieldIssue<Code extends string = FieldErrorCode> {
  field: string;
  code: Code;
  message: string;
}

export function fieldError(field: string, code: FieldErrorCode): FieldIssue {
  return { field, code, message: bilingual(msg(`field.${code}`)) };
}

export function fieldWarning(field: string, code: FieldWarningCode): FieldIssue<FieldWarningCode> {
  return { field, code, message: bilingual(msg(`fieldWarning.${code}`)) };
}

/** A whole-file failure (not CSV, unreadable encoding, header without a required column…). */
export class CaseListFileError extends Error {
  override readonly name = "CaseListFileError";
  constructor(
    readonly code: FileErrorCode,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(bilingual(msg(`file.${code}`)), options);
  }
}
