import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { bilingual, msg } from "../messages/message.js";
import type { ConsortiumContracts } from "../chain/contracts.js";
import { canonicalJson } from "../domain/canonical-json.js";
import type { Clock } from "../domain/clock.js";
import { memberStatusName } from "../domain/consortium/index.js";
import { isEncryptionKey } from "./handover-envelope.js";

/**
 * The consortium's public member directory: who member 3 is (name, roles, where its gateway answers).
 *
 * MemberRegistry keeps only a `metadataHash` per member; the documents themselves are published beside the
 * deployment record as `members.json` (`npm start` writes it; in production the operator publishes it with
 * the deployment). An entry is shown as verified only when keccak256 of its canonical JSON (RFC 8785) equals
 * the member's metadataHash on chain, so a stale or edited file can never put a wrong name on a letter.
 */
export interface MemberMetadata {
  name: string;
  /** "lender", "agency", "court", "operator". */
  roles: string[];
  /** Base URL of the member's gateway (and console). */
  gatewayUrl?: string;
  /** The member's X25519 public key (64 hex): handover packages are sealed to it. Rotated by a metadata update. */
  encryptionKey?: string;
}

export interface DirectoryFile {
  format: "caseledger-members/1";
  members: Array<{ id: number; metadata: MemberMetadata }>;
}

export interface DirectoryEntry extends MemberMetadata {
  id: number;
  /** The metadata's hash equals the member's metadataHash on chain. */
  verified: boolean;
  /** Chain status: Active, Suspended, Removed, or None when unknown. */
  status: string;
}

/** keccak256 of the RFC 8785 canonical JSON: the value to register as the member's metadataHash. */
export function metadataHash(metadata: MemberMetadata): string {
  return keccak256(toUtf8Bytes(canonicalJson(metadata)));
}

/** `members.json` beside the deployment record. */
export function directoryFileOf(deploymentFile: string): string {
  return join(dirname(deploymentFile), "members.json");
}

export class MemberDirectory {
  #cache: { at: number; entries: DirectoryEntry[] } | undefined;

  constructor(
    private readonly deps: { file: string; contracts: ConsortiumContracts; clock: Clock; ttlMs?: number },
  ) {}

  /** Every member of the file, checked against the chain (cached for `ttlMs`, default 15 s; `fresh`: not cached). */
  async list(options: { fresh?: boolean } = {}): Promise<DirectoryEntry[]> {
    const ttl = this.deps.ttlMs ?? 15_000;
    if (!options.fresh && this.#cache && this.deps.clock() - this.#cache.at < ttl) return this.#cache.entries;
    let file: DirectoryFile | undefined;
    try {
      file = JSON.parse(await readFile(this.deps.file, "utf8")) as DirectoryFile;
    } catch {
      file = undefined;
    }
    const members = file?.format === "caseledger-members/1" && Array.isArray(file.members) ? file.members : [];
    const entries = await Promise.all(
      members
        .filter((m) => Number.isSafeInteger(m?.id) && typeof m.metadata?.name === "string")
        .map(async ({ id, metadata }): Promise<DirectoryEntry> => {
          try {
            const onChain = await this.deps.contracts.memberRegistry.memberOf(id);
            return {
              id,
              ...metadata,
              verified: onChain.metadataHash.toLowerCase() === metadataHash(metadata),
              status: memberStatusName(onChain.status),
            };
          } catch {
            return { id, ...metadata, verified: false, status: "None" };
          }
        }),
    );
    this.#cache = { at: this.deps.clock(), entries };
    return entries;
  }

  /**
   * Where a member's gateway answers and the key to seal packages to — only from an entry whose hash is the member's
   * metadataHash on chain and whose member is Active (read fresh: a handover goes nowhere on a stale answer).
   */
  async peer(id: number): Promise<{ url: string; encryptionKey: string } | undefined> {
    const entry = (await this.list({ fresh: true })).find((e) => e.id === id);
    if (!entry?.verified || entry.status !== "Active" || !entry.gatewayUrl || !isEncryptionKey(entry.encryptionKey)) return undefined;
    return { url: entry.gatewayUrl.replace(/\/$/, ""), encryptionKey: entry.encryptionKey };
  }

  /**
   * The base URL of a member's gateway, only from an entry whose hash is the member's metadataHash on chain and whose
   * member is Active (read fresh): where caseledger-peer/1 messages go.
   */
  async gatewayUrl(id: number): Promise<string | undefined> {
    const entry = (await this.list({ fresh: true })).find((e) => e.id === id);
    if (!entry?.verified || entry.status !== "Active" || !entry.gatewayUrl) return undefined;
    return entry.gatewayUrl.replace(/\/$/, "");
  }

  /** The member's name when the directory has a verified entry for it, otherwise "成员 #id / member #id". */
  async nameOf(id: number): Promise<string> {
    const entry = (await this.list()).find((e) => e.id === id);
    return entry?.verified ? entry.name : bilingual(msg("api.MEMBER_NUMBER", { id }));
  }
}
