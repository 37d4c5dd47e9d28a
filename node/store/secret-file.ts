import { readFile, stat } from "node:fs/promises";

/** Why a secret file (store key, pepper, signing key) was refused. The message never holds the secret. */
export class SecretFileError extends Error {
  override readonly name = "SecretFileError";
  constructor(
    readonly code: "SECRET_FILE_MISSING" | "SECRET_FILE_PERMISSIONS" | "SECRET_FILE_INVALID",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Reads a secret file, refusing one that other users can read (mode & 0o077 on POSIX): a world- or
 * group-readable key is a key already leaked. Returns the trimmed text.
 */
export async function readSecretFile(path: string, what: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new SecretFileError("SECRET_FILE_MISSING", `${what} file not found: ${path}`, { cause });
  }
  if (process.platform !== "win32" && (info.mode & 0o077) !== 0) {
    throw new SecretFileError(
      "SECRET_FILE_PERMISSIONS",
      `${what} file ${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
    );
  }
  return (await readFile(path, "utf8")).trim();
}

/** 32 bytes written as 64 hex characters (optionally 0x-prefixed). */
export function parseHexKey(text: string, what: string): Buffer {
  const body = text.startsWith("0x") ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{64}$/.test(body)) {
    throw new SecretFileError("SECRET_FILE_INVALID", `${what} must be 32 bytes written as 64 hex characters`);
  }
  return Buffer.from(body, "hex");
}
