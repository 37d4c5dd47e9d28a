import { writeSync } from "node:fs";

/** How long to wait for a full pipe to drain before trying again. */
const RETRY_WAIT_MS = 1;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to a file descriptor before returning, whatever the descriptor is.
 *
 * Why not `process.stdout.write`: when stdout is a pipe, libuv opens it non-blocking and queues what the pipe
 * cannot take at once; `process.exit` then drops the queue, and the last lines before a crash are the ones lost.
 * `fs.writeSync` on such a descriptor answers EAGAIN when the pipe is full: we wait a millisecond and go on,
 * so that nothing is ever left in a queue that an exit could drop.
 */
export function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(sleeper, 0, 0, RETRY_WAIT_MS);
    }
  }
}
