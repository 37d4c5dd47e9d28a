/**
 * The consortium's rules live in node/domain/consortium and nowhere else: this scan fails the test run when a case
 * status, member status, role bit or contract limit is spelled out again elsewhere in the gateway, the scripts or
 * the gateway's tests. (test/contracts tests the contracts on their own terms and may spell values out; node/web is
 * plain browser JavaScript that cannot import the module.)
 *
 * Each rule was checked against the copies it replaced (the samples below are those lines, verbatim): a number
 * compared with a status, a role mask and-ed with a number, role and status tables, held-status pairs, limits.
 */
import { expect } from "chai";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { PROJECT_ROOT } from "../../../../node/paths.js";

interface Rule {
  name: string;
  pattern: RegExp;
}

const RULES: Rule[] = [
  // `.status === 1` on a transaction receipt, a child process or an HTTP response is not a case's or member's status.
  {
    name: "status compared with a number",
    pattern: /(?<!\b(?:receipt|mined|tx|res|result|response)\??\.)\bstatus\)?\s*[!=]==?\s*(?:\d{1,2}n?\b|(?:ACTIVE|SUSPENDED|REMOVED)\b)/,
  },
  // hasRole is the one place that tests a mask.
  { name: "role mask tested by hand", pattern: /\broles\)?\s*&(?!&)|[^&]&\s*\(?[\w.#]*roles\b/i },
  { name: "role bit named again", pattern: /(?<!ROLE\.)\b(?:LENDER|AGENCY|COURT|OPERATOR|ACTIVE|SUSPENDED|REMOVED)\s*=\s*\d/ },
  { name: "role table", pattern: /\b(?:lender|agency|court|operator)\s*:\s*[1248]\s*,\s*(?:lender|agency|court|operator)\s*:/i },
  { name: "role number passed to the registry", pattern: /\.(?:isActive|requireActiveMember|setRoles)\([^)]*,\s*\d+\s*\)|\.admit\([^,()]+,\s*\d+\s*,/ },
  { name: "held statuses spelled out", pattern: /"(?:Assigned|Accepted)"\s*\|\|[^;]*"(?:Assigned|Accepted)"|\[\s*"Assigned",\s*"Accepted"\s*\]/ },
  { name: "status enum spelled out", pattern: /"Active",\s*"Suspended"|"Registered",\s*"Assigned"|\b\d\s*:\s*"(?:active|suspended|removed|assigned|accepted)"/i },
  { name: "contract limit spelled out", pattern: /\bMAX_(?:BATCH|PROOF\w*|MANDATE\w*)\s*=\s*\d|\b(?:batch\w*|mandate\w*|proof\.length)\s*[<>]=?\s*(?:500|730|64)\b|\b1,\s*(?:500|730)\)/ },
];

/** Lines (1-based) of `text` that break a rule; comment lines are skipped. */
export function findCopies(text: string): Array<{ line: number; rule: string; code: string }> {
  const found: Array<{ line: number; rule: string; code: string }> = [];
  text.split("\n").forEach((code, i) => {
    const trimmed = code.trim();
    if (trimmed.startsWith("//") || trimmed.startsWith("*") || trimmed.startsWith("/*")) return;
    for (const rule of RULES) if (rule.pattern.test(code)) found.push({ line: i + 1, rule: rule.name, code: trimmed });
  });
  return found;
}

const ROOTS = ["node", "scripts", "test/node", "test/e2e", "test/support"];
const SKIPPED = ["node/domain/consortium/", "node/web/", "test/node/domain/consortium/"];

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(PROJECT_ROOT, path).split(sep).join("/");
    if (SKIPPED.some((skip) => `${rel}/`.startsWith(skip))) continue;
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "results") yield* sourceFiles(path);
    } else if (/\.(?:ts|mts|mjs|js)$/.test(entry.name)) yield rel;
  }
}

describe("domain/consortium: no copies of the rules elsewhere", () => {
  it("catches the copies it replaced", () => {
    const replaced = [
      "      const held = (status === 2 || status === 3) && Number(s.until) >= now;",
      "    if (!creditor || creditor.signer.toLowerCase() !== signer.toLowerCase() || BigInt(creditor.status) !== ACTIVE || (Number(creditor.roles) & LENDER) === 0) {",
      "    const LENDER = 1;",
      "    const ACTIVE = 1n;",
      "const LENDER = 1;",
      "const COURT = 4;",
      "const ROLE_BITS = { lender: 1, agency: 2, court: 4, operator: 8 } as const;",
      "export const ROLE = { LENDER: 1, AGENCY: 2, COURT: 4, OPERATOR: 8 } as const;",
      "    return bit !== undefined && (this.#roles & bit) !== 0;",
      "const STATES: Record<number, MemberState> = { 1: \"active\", 2: \"suspended\", 3: \"removed\" };",
      "        const held = (onChain.status === \"Assigned\" || onChain.status === \"Accepted\") && onChain.until >= now;",
      "    const assigned = record.status === \"Assigned\" || record.status === \"Accepted\";",
      "const isHeld = (r: CaseRecord) => r.status === \"Assigned\" || r.status === \"Accepted\";",
      "  if ((record.status === \"Assigned\" || record.status === \"Accepted\") && !isHeldAt(record, nowSeconds)) return \"Expired\";",
      "const STATUS = [\"None\", \"Active\", \"Suspended\", \"Removed\"] as const;",
      "        active = { value: await contracts.memberRegistry.isActive(config.memberId, 2), at: Date.now() };",
      "await (await members.admit(lender.address, 1, ethers.ZeroHash)).wait();",
      "  await (await contracts.memberRegistry.admit(member.address, 2, `0x${\"11\".repeat(32)}`)).wait();",
      "      if (!Number.isSafeInteger(mandateDays) || mandateDays < 1 || mandateDays > 730) {",
      "    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 500) {",
      "      batchSize: int(chain.batchSize, \"chain.batchSize\", DEFAULTS.chainBatchSize, 1, 500),",
      "const MAX_PROOF = 64;",
      "export const MAX_PROOF_LENGTH = 64;",
    ];
    const uncaught = replaced.filter((line) => findCopies(line).length === 0);
    expect(uncaught).to.deep.equal([]);
  });

  it("leaves HTTP, transaction and process statuses alone", () => {
    const fine = [
      "if (receipt?.status === 1) {",
      "if (!receipt || receipt.status !== 1) throw new ChainError(\"DEPLOYMENT_INVALID\", `deploying ${name} failed`);",
      "if (res.status === 0) expect(res.body).to.be.oneOf([\"ECONNRESET\", \"EPIPE\"]);",
      "if (result.status !== 0) throw new Error(`${mode} worker failed: ${result.stdout}`);",
      "expect(res.status).to.equal(200);",
      "return typeof e.status === \"number\" && e.status >= 400 && e.status < 500;",
      "const held = isHeldAt(onChain, now);",
      "{ name: \"lender\", roles: ROLE.LENDER },",
    ];
    expect(fine.flatMap(findCopies)).to.deep.equal([]);
  });

  it("finds none in node/, scripts/ and the gateway's tests", async () => {
    const copies: string[] = [];
    for (const root of ROOTS) {
      for await (const file of sourceFiles(join(PROJECT_ROOT, root))) {
        for (const c of findCopies(await readFile(join(PROJECT_ROOT, file), "utf8"))) copies.push(`${file}:${c.line} ${c.rule}: ${c.code}`);
      }
    }
    expect(copies, `import these from node/domain/consortium instead:\n${copies.join("\n")}`).to.deep.equal([]);
  });
});
