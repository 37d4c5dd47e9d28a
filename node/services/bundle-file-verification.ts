import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { readBundleChainFacts } from "../chain/bundle-chain-reader.js";
import { httpJsonRpc } from "../chain/evidence-chain-reader.js";
import { type BundleInput, MAX_BUNDLE_BYTES, parseBundle } from "../domain/evidence/bundle.js";
import { type ContentDigest, ContentHasher } from "../domain/evidence/content-digest.js";
import { type BundleVerification, verifyBundle } from "../domain/evidence/verify-bundle.js";
import { digestSigner } from "./signed-digest.js";

export interface BundleFileRequest {
  file: string;
  /** A chain node's JSON-RPC URL; offline without it (the verdict is then incomplete at best). */
  rpc?: string;
  /** A folder of the evidence files: each file whose SHA-256 a record names is checked against it. */
  filesDir?: string;
  trust: { chainId?: number; evidenceRegistry?: string; caseRegistry?: string };
  /** Told how far hashing the files, then asking the chain, has come. */
  onProgress?: (phase: "files" | "chain", done: number, total: number) => void;
}

/** Reads a bundle file, refusing one over the limit by its size before a byte is read. */
export async function bundleSource(file: string): Promise<BundleInput> {
  const size = (await stat(file)).size;
  if (size > MAX_BUNDLE_BYTES) return { oversized: size };
  return { bytes: await readFile(file) };
}

/** SHA-256 of every regular file in `dir` (not recursive), streamed. */
async function digestsOf(dir: string, onProgress?: BundleFileRequest["onProgress"]): Promise<Map<string, ContentDigest>> {
  const out = new Map<string, ContentDigest>();
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  let done = 0;
  for (const name of names) {
    const hasher = new ContentHasher({ sm3: false });
    for await (const chunk of createReadStream(join(dir, name), { highWaterMark: 1024 * 1024 })) hasher.update(chunk as Buffer);
    const digest = hasher.digest();
    out.set(digest.sha256, digest);
    onProgress?.("files", ++done, names.length);
  }
  return out;
}

/** A bundle file verified offline, or against a chain node: the same pure verifier as the gateway and the page. */
export async function verifyBundleFile(request: BundleFileRequest): Promise<BundleVerification> {
  const source = await bundleSource(request.file);
  const parsed = parseBundle(source);
  const files = request.filesDir ? await digestsOf(request.filesDir, request.onProgress) : undefined;
  if (!parsed.ok) return verifyBundle({ source, recoveredSigner: undefined, trust: request.trust });
  const signed = parsed.signed;
  const pinned = { ...(request.trust.evidenceRegistry ? { evidenceRegistry: request.trust.evidenceRegistry } : {}), ...(request.trust.caseRegistry ? { caseRegistry: request.trust.caseRegistry } : {}) };
  const chain = request.rpc
    ? await readBundleChainFacts(httpJsonRpc(request.rpc), signed.bundle, pinned, (done, total) => request.onProgress?.("chain", done, total))
    : undefined;
  return verifyBundle({
    source,
    parsed,
    recoveredSigner: digestSigner(parsed.computedHash, signed.signature),
    ...(chain ? { chain } : {}),
    ...(files ? { files } : {}),
    trust: request.trust,
  });
}
