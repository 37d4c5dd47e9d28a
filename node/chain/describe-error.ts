import { ChainError } from "./errors.js";

/**
 * One line for a person: the code and short message of a ChainError or an ethers error. Never the
 * whole transaction (ethers puts the signed transaction, kilobytes of hex, into its messages).
 */
export function describeError(error: unknown): string {
  if (error instanceof ChainError) return `${error.code}: ${error.message}`;
  if (error && typeof error === "object") {
    const e = error as { code?: unknown; shortMessage?: unknown; message?: unknown };
    if (typeof e.shortMessage === "string") return `${String(e.code ?? "ERROR")}: ${e.shortMessage}`;
    if (typeof e.message === "string") return e.message.split("\n")[0]!.slice(0, 300);
  }
  return String(error).slice(0, 300);
}
