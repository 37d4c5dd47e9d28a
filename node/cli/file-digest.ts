import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { extname } from "node:path";

/** What the gateway records of a file the CLI does not send: its SHA-256, its size and its media type. */
export interface FileDigest {
  contentSha256: string;
  contentSize: number;
  mediaType: string;
}

/**
 * Streams `file` once: its SHA-256 (hex) and size, and its media type looked up by extension in `mediaTypes` (each
 * command names the kinds of file it takes); an extension the table lacks is application/octet-stream.
 */
export async function digestOf(file: string, mediaTypes: Readonly<Record<string, string>>): Promise<FileDigest> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { contentSha256: hash.digest("hex"), contentSize: size, mediaType: mediaTypes[extname(file).toLowerCase()] ?? "application/octet-stream" };
}
