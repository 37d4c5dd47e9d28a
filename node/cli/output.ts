import { bilingual, type Message, render } from "../messages/message.js";

/**
 * A catalog message in the user's language: CASELEDGER_LANG=zh or en gives that one; otherwise both, "中文 / English",
 * as the API gives them.
 */
export function words(message: Message, lang = process.env.CASELEDGER_LANG): string {
  return lang === "zh" || lang === "en" ? render(message, lang) : bilingual(message);
}

/** Where the CLI writes: stdout for results, stderr for progress; progress bars only on a terminal. */
export interface Output {
  json: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
  /** A progress line that rewrites itself on a terminal and prints plain lines (sparingly) otherwise. */
  progress(text: string): void;
  done(): void;
}

export function createOutput(json: boolean): Output {
  const tty = Boolean(process.stderr.isTTY);
  let last = 0;
  let pending = false;
  return {
    json,
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    progress(text) {
      if (json) return;
      const now = Date.now();
      if (tty) {
        process.stderr.write(`\r\u001b[2K${text}`);
        pending = true;
      } else if (now - last >= 2_000) {
        process.stderr.write(`${text}\n`);
        last = now;
      }
    },
    done() {
      if (pending) process.stderr.write("\n");
      pending = false;
    },
  };
}

/** Exit codes that scripts can rely on. */
export const EXIT = {
  OK: 0,
  /** The command worked and found problems (rejected rows, a failed verification). */
  FINDINGS: 1,
  USAGE: 2,
  /** The input as a whole is unusable (not CSV, unreadable). */
  BAD_INPUT: 3,
  /** Configuration or secret files missing or invalid. */
  CONFIG: 4,
  /** A service (chain node, gateway) could not be reached. */
  UNAVAILABLE: 5,
} as const;

/** A command's usage answer: its help on stdout and OK when asked for (--help), on stderr and USAGE when arguments were missing. */
export function usage(io: Output, help: boolean | undefined, text: string): number {
  (help ? io.out : io.err)(text);
  return help ? EXIT.OK : EXIT.USAGE;
}
