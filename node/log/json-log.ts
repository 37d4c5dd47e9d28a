import type { Logger } from "./logger.js";
import { isoTime } from "./iso-time.js";
import { writeAllSync } from "./write-all-sync.js";

export interface JsonLogOptions {
  /** Where lines go. Default: standard output, each batch written whole before the call returns (see writeAllSync). */
  write?: (text: string) => void;
  /** Flush at once when this many characters are waiting. Default 64 KiB. */
  maxBuffered?: number;
}

/**
 * JSON lines, one per event, written in batches: an event is added to a buffer and the buffer is written once
 * per turn of the event loop (setImmediate) or when it grows large, and synchronously when the process exits.
 * Under load that is one write for dozens of access-log lines instead of one each. A kill -9 loses at most
 * the lines of the turn in progress; an exit, even right after a burst into a full pipe, loses none.
 */
export function createJsonLog(options: JsonLogOptions = {}): Logger & { flush(): void } {
  const write = options.write ?? ((text: string) => writeAllSync(1, text));
  const maxBuffered = options.maxBuffered ?? 64 * 1024;
  let buffered = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (buffered === "") return;
    const text = buffered;
    buffered = "";
    write(text);
  };
  process.once("exit", flush);
  const log = (event: Record<string, unknown>) => {
    buffered += `${JSON.stringify({ time: isoTime(), ...event })}\n`;
    if (buffered.length >= maxBuffered) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return Object.assign(log, { flush });
}
