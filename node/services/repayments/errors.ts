import { msg } from "../../messages/message.js";
import type { InputProblem } from "../../domain/repayments/input.js";
import type { LedgerProblem } from "../../domain/repayments/ledger.js";
import { ServiceError } from "../service-error.js";

/** A repayment field that is not what it must be: 400 with the problem's code in details. */
export const inputError = (problem: InputProblem) => new ServiceError("VALIDATION_FAILED", msg(`repayment.${problem}`), { problem });

/** A ledger rule the request breaks, with its code and status (docs/design.md §22). */
export function ledgerError(problem: LedgerProblem, about: { id?: string; state?: string; amountFen?: bigint; outstandingFen?: bigint; limitFen?: bigint; waivedFen?: bigint; percent?: number }): ServiceError {
  const id = about.id ?? "";
  switch (problem) {
    case "ENTRY_NOT_FOUND":
      return new ServiceError("NOT_FOUND", msg("repayment.ENTRY_NOT_FOUND", { id }), { problem, id });
    case "NOT_A_REPAYMENT":
      return new ServiceError("VALIDATION_FAILED", msg("repayment.NOT_A_REPAYMENT", { id }), { problem, id });
    case "NOT_REVERSIBLE":
      return new ServiceError("VALIDATION_FAILED", msg("repayment.NOT_REVERSIBLE"), { problem, id });
    case "ALREADY_DECIDED":
      return new ServiceError("CONFLICT", msg("repayment.ALREADY_DECIDED", { state: about.state ?? "" }), { problem, id, state: about.state });
    case "ALREADY_REVERSED":
      return new ServiceError("CONFLICT", msg("repayment.ALREADY_REVERSED"), { problem, id });
    case "EXCEEDS_OUTSTANDING": {
      const amountFen = String(about.amountFen ?? 0n);
      const outstandingFen = String(about.outstandingFen ?? 0n);
      return new ServiceError("REPAYMENT_EXCEEDS_OUTSTANDING", msg("repayment.EXCEEDS_OUTSTANDING", { amountFen, outstandingFen }), { problem, id, amountFen, outstandingFen });
    }
    case "WAIVER_LIMIT": {
      const limitFen = String(about.limitFen ?? 0n);
      const waivedFen = String(about.waivedFen ?? 0n);
      return new ServiceError("WAIVER_LIMIT_EXCEEDED", msg("repayment.WAIVER_LIMIT", { limitFen, waivedFen, percent: about.percent ?? 0 }), { problem, limitFen, waivedFen, percent: about.percent });
    }
  }
}

export const notCreditor = () => new ServiceError("FORBIDDEN", msg("repayment.NOT_CREDITOR"), { problem: "NOT_CREDITOR" });
export const notHolder = () => new ServiceError("REPAYMENT_NOT_HOLDER", msg("repayment.NOT_HOLDER"), { problem: "NOT_HOLDER" });
export const bodyInvalid = () => new ServiceError("VALIDATION_FAILED", msg("repayment.BODY_INVALID"), { problem: "BODY_INVALID" });
export const voucherReused = (id: string) => new ServiceError("VOUCHER_REUSED", msg("repayment.VOUCHER_REUSED"), { problem: "VOUCHER_REUSED", id });
