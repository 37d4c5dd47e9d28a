/**
 * The demo consortium of `npm start`: seven members on the embedded chain, each with its own gateway, data
 * directory, signing key, recovery key, store key, copy of the consortium pepper (not the court's) and staff tokens. The
 * recovery key (keys/recovery.key) is the member's cold key: no gateway loads it; a real member keeps it offline and
 * signs with it through `caseledger member` only to replace a stolen signing key. Everything is generated on
 * the first start (secret files mode 600, under data/, never committed) and reused on every start after it:
 * admission is idempotent (MemberRegistry is asked first), tokens are kept in data/members/<slug>/tokens.json.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type JsonRpcProvider, type NonceManager, Wallet, parseEther } from "ethers";
import { freePort } from "../../node/chain/anvil.js";
import { connectContracts } from "../../node/chain/contracts.js";
import type { Deployment } from "../../node/chain/deployment.js";
import { DEFAULTS, parseConfig } from "../../node/config.js";
import { needsPepper as rolesNeedPepper, ROLE_BY_NAME } from "../../node/domain/consortium/index.js";
import { encryptionPublicKey, newEncryptionSecret } from "../../node/services/handover-envelope.js";
import { validateAgencyProfile } from "../../node/domain/matching/index.js";
import { type Gateway, startGateway } from "../../node/gateway.js";
import { type DirectoryFile, directoryFileOf, type MemberMetadata, metadataHash } from "../../node/services/member-directory.js";
import type { StaffRole } from "../../node/services/staff-tokens.js";
import { toStored } from "../../node/store/agency-records.js";

type RoleName = "lender" | "agency" | "court" | "supervisor" | "mediator";

export interface DemoMemberSpec {
  slug: string;
  name: string;
  english: string;
  role: RoleName;
  port: number;
  /** Agencies: the profile lenders get (amounts in fen). */
  profile?: { regions: string[]; outstandingFen: { min: number; max?: number }; overdueDays: { min: number; max?: number }; capacity: number };
}

export const DEMO_MEMBERS: readonly DemoMemberSpec[] = [
  { slug: "bank", name: "示例银行", english: "Demo Bank", role: "lender", port: 8601 },
  { slug: "cfc", name: "示例消费金融", english: "Demo Consumer Finance", role: "lender", port: 8602 },
  {
    slug: "collector",
    name: "示例催收",
    english: "Demo Collections",
    role: "agency",
    port: 8603,
    // Guangdong, Beijing, Shanghai; up to 50,000 yuan and a year overdue.
    profile: { regions: ["44", "11", "31"], outstandingFen: { min: 0, max: 5_000_000 }, overdueDays: { min: 0, max: 360 }, capacity: 5_000 },
  },
  {
    slug: "lawfirm",
    name: "示例律所",
    english: "Demo Law Firm",
    role: "agency",
    port: 8604,
    // Every region; the older, larger cases (90+ days overdue, 10,000 yuan and more).
    profile: { regions: ["*"], outstandingFen: { min: 1_000_000 }, overdueDays: { min: 90 }, capacity: 3_000 },
  },
  { slug: "court", name: "示例法院", english: "Demo Court", role: "court", port: 8605 },
  // A regulator or industry association (docs/design.md §26): asks members for conduct figures, holds no personal data.
  { slug: "regulator", name: "示例监管", english: "Demo Supervisor", role: "supervisor", port: 8606 },
  // A mediation body (docs/design.md §28): co-signs mediation agreements, holds no personal data.
  { slug: "mediation", name: "示例调解", english: "Demo Mediation", role: "mediator", port: 8607 },
];

export interface RunningMember {
  spec: DemoMemberSpec;
  id: number;
  address: string;
  gateway: Gateway;
  tokens: Array<{ role: StaffRole; token: string }>;
}

export interface DemoConsortium {
  members: RunningMember[];
  consoleUrl: string;
  close(): Promise<void>;
}

export interface DemoOptions {
  dataDir: string;
  rpcUrl: string;
  deploymentFile: string;
  deployment: Deployment;
  provider: JsonRpcProvider;
  operator: NonceManager;
  log: (line: string) => void;
  /** Use these ports when free (default: each member's fixed port); 0 = any free port. */
  fixedPorts?: boolean;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes a secret file (mode 600) unless it exists; returns its content. */
async function ensureSecret(file: string, make: () => string): Promise<string> {
  const existing = await readText(file);
  if (existing !== undefined) {
    await chmod(file, 0o600);
    return existing.trim();
  }
  const value = make();
  await writeFile(file, value, { mode: 0o600, flag: "wx" });
  return value;
}

async function writeJsonAtomic(file: string, value: unknown, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode });
  await rename(tmp, file);
  await chmod(file, mode);
}

const hex32 = () => randomBytes(32).toString("hex");

/** Lenders and agencies compute case and debtor keys; a court, a supervisor or a mediator does not (the consortium's rule). */
const needsPepper = (spec: DemoMemberSpec) => rolesNeedPepper(ROLE_BY_NAME[spec.role]);

/** Sets up (first start) or finds (every later start) the seven members, starts their gateways, returns the tokens. */
export async function startDemoConsortium(options: DemoOptions): Promise<DemoConsortium> {
  const { dataDir, log } = options;
  const contracts = await connectContracts(options.deployment, options.operator);
  const registry = contracts.memberRegistry;
  await mkdir(join(dataDir, "consortium"), { recursive: true, mode: 0o700 });
  const pepper = await ensureSecret(join(dataDir, "consortium", "pepper.json"), () => JSON.stringify({ version: 1, secret: hex32() }));

  // 1. Keys, ports and admission, member by member (idempotent: MemberRegistry is asked first).
  const prepared: Array<{ spec: DemoMemberSpec; id: number; address: string; home: string; port: number; metadata: MemberMetadata }> = [];
  for (const spec of DEMO_MEMBERS) {
    const home = join(dataDir, "members", spec.slug);
    await mkdir(join(home, "keys"), { recursive: true, mode: 0o700 });
    const signingKey = await ensureSecret(join(home, "keys", "signing.key"), () => Wallet.createRandom().privateKey.slice(2));
    const recoveryKey = await ensureSecret(join(home, "keys", "recovery.key"), () => Wallet.createRandom().privateKey.slice(2));
    await ensureSecret(join(home, "keys", "store.key"), hex32);
    // A court computes no keys, so it is not given the pepper (with it, ID numbers could be tested against the chain).
    if (needsPepper(spec)) await ensureSecret(join(home, "keys", "pepper.json"), () => pepper);
    const encryptionSecret = await ensureSecret(join(home, "keys", DEFAULTS.encryptionKeyFileName), newEncryptionSecret);
    const address = new Wallet(`0x${signingKey}`).address;
    const port = await freePort(options.fixedPorts === false ? 0 : spec.port);
    // The encryption key is published with the gateway's address: lenders seal handover packages to it.
    const metadata: MemberMetadata = { name: spec.name, roles: [spec.role], gatewayUrl: `http://127.0.0.1:${port}`, encryptionKey: encryptionPublicKey(encryptionSecret) };
    const hash = metadataHash(metadata);
    let id = Number(await registry.memberIdOf(address));
    if (id === 0) {
      await (await registry.admit(address, new Wallet(`0x${recoveryKey}`).address, ROLE_BY_NAME[spec.role], hash)).wait();
      id = Number(await registry.memberIdOf(address));
      log(`成员已加入联盟 / member admitted: #${id} ${spec.name} (${spec.role})`);
    }
    // Gas money for the member's own transactions (anvil charges gas; Besu in production does not).
    if ((await options.provider.getBalance(address)) < parseEther("10")) {
      await (await options.operator.sendTransaction({ to: address, value: parseEther("100") })).wait();
    }
    if ((await registry.memberOf(id)).metadataHash.toLowerCase() !== hash) {
      // The gateway moved to another port: the published metadata (and its hash on chain) follow, changed by the
      // member's own key — the operator can only propose a change to a member's metadata, with a delay.
      const own = await connectContracts(options.deployment, new Wallet(`0x${signingKey}`, options.provider));
      await (await own.memberRegistry.updateMetadata(id, hash)).wait();
    }
    prepared.push({ spec, id, address, home, port, metadata });
  }

  // 2. The public directory beside the deployment record, and each member's gateway config.
  const directory: DirectoryFile = { format: "caseledger-members/1", members: prepared.map((p) => ({ id: p.id, metadata: p.metadata })) };
  await writeJsonAtomic(directoryFileOf(options.deploymentFile), directory, 0o644);
  const running: RunningMember[] = [];
  const logs: WriteStream[] = [];
  const closeAll = async () => {
    await Promise.all(running.map((m) => m.gateway.close().catch(() => undefined)));
    await Promise.all(logs.map((s) => new Promise((r) => s.end(r))));
  };
  try {
    for (const p of prepared) {
      const raw = {
        memberId: p.id,
        memberName: p.spec.name,
        dataDir: ".",
        chain: { rpcUrl: options.rpcUrl, deploymentFile: options.deploymentFile },
        secrets: { signingKeyFile: "keys/signing.key", ...(needsPepper(p.spec) && { pepperFile: "keys/pepper.json" }), storeKeyFile: "keys/store.key" },
        http: { host: "127.0.0.1", port: p.port },
        // The demo's gateways answer plain http on 127.0.0.1.
        handover: { allowHttpPeers: true },
      };
      await writeJsonAtomic(join(p.home, "member.json"), raw, 0o644);
      // Gateway logs (requests, jobs, blocks; never personal data) go to a file, not to the terminal.
      const stream = createWriteStream(join(p.home, "gateway.log"), { flags: "a", mode: 0o600 });
      logs.push(stream);
      const gateway = await startGateway(parseConfig(raw, p.home), {
        // Anchor evidence every 5 s, so that a receipt is ready moments after a file is recorded in the demo.
        evidence: { intervalMs: 5_000 },
        log: (event) => {
          stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
          if (event.level === "error") log(`${p.spec.name}: ${String(event.msg)} (see ${join(p.home, "gateway.log")})`);
        },
      });
      running.push({ spec: p.spec, id: p.id, address: p.address, gateway, tokens: [] });
    }

    // 3. Profiles: each agency's own, and both agencies on each lender's list (where to hand cases over is the directory's).
    const agencies = running.filter((m) => m.spec.role === "agency");
    for (const agency of agencies) {
      const result = validateAgencyProfile({ agencyId: agency.id, name: agency.spec.name, ...agency.spec.profile });
      if (!result.ok) throw new Error(`demo profile of ${agency.spec.slug}: ${JSON.stringify(result.errors)}`);
      const stored = toStored(result.profile, Date.now());
      await agency.gateway.store.agencies.putSelf(stored);
      for (const lender of running.filter((m) => m.spec.role === "lender")) {
        await lender.gateway.store.agencies.put(stored);
      }
    }

    // 4. One staff token per member and role, created once and kept (mode 600) so that restarts print the same.
    for (const member of running) {
      const file = join(member.gateway.config.dataDir, "tokens.json");
      const kept = JSON.parse((await readText(file)) ?? "{}") as { tokens?: Array<{ role: StaffRole; token: string }> };
      const tokens: Array<{ role: StaffRole; token: string }> = [];
      for (const role of [member.spec.role] as StaffRole[]) {
        const previous = kept.tokens?.find((t) => t.role === role);
        if (previous && (await member.gateway.tokens.verify(previous.token))?.role === role) tokens.push(previous);
        else tokens.push({ role, token: (await member.gateway.tokens.create(role, `demo ${role}`)).token });
      }
      await writeJsonAtomic(file, { memberId: member.id, memberName: member.spec.name, gatewayUrl: member.gateway.url, tokens }, 0o600);
      member.tokens = tokens;
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { members: running, consoleUrl: `${running[0]!.gateway.url}/`, close: closeAll };
}

const ROLE_LABEL: Record<string, string> = { lender: "贷款机构 lender", agency: "催收机构 agency", court: "法院 court", supervisor: "监管 supervisor", mediator: "调解 mediator" };

/** Terminal width of a string: CJK and full-width characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}
const pad = (text: string, columns: number) => text + " ".repeat(Math.max(0, columns - width(text)));

/** The table `npm start` prints: one row per member and token. */
export function tokenTable(consortium: DemoConsortium): string {
  const rows = [["#", "成员 Member", "角色 Role", "网关 Gateway", "令牌 Token"]];
  for (const m of consortium.members) {
    for (const t of m.tokens) rows.push([String(m.id), `${m.spec.name} ${m.spec.english}`, ROLE_LABEL[t.role] ?? t.role, m.gateway.url, t.token]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))));
  const line = (r: string[]) => r.map((cell, i) => pad(cell, widths[i]!)).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((w) => "─".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}
