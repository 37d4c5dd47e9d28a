import { createHash } from "node:crypto";
import { zipSync } from "fflate";
import type { Clock } from "../../domain/clock.js";
import type { EvidenceKind } from "../../domain/evidence/kinds.js";
import type { SignedCaseBundle } from "../../domain/evidence/bundle.js";
import { chinaDay } from "../../domain/fees/month.js";
import { evidenceList, type EvidenceListItem } from "../../domain/mediation/evidence-list.js";
import { type FilingInput, type FilingProblem, parseFilingInput } from "../../domain/mediation/filing-input.js";
import type { ScheduleStatus } from "../../domain/mediation/schedule.js";
import { formatFen } from "../../domain/money.js";
import { entryOf, fill, type MessageId, msg } from "../../messages/message.js";
import type { CasePii, StoredCase } from "../../store/case-records.js";
import type { PiiCipher } from "../../store/pii-cipher.js";
import type { StoredMediation } from "../../store/mediation-store.js";
import type { CaseBundleService } from "../case-bundle.js";
import type { RepaymentLedger } from "../repayments/ledger.js";
import { problemsInvalid, ServiceError } from "../service-error.js";
import { type FilingBlock, renderFilingPdf } from "./filing-pdf.js";
import type { MediationService } from "./mediations.js";

/** The filing package's manifest format (docs/design.md §28). */
export const FILING_PACKAGE_FORMAT = "caseledger-filing-package/1";

export interface FilingDeps {
  mediations: Pick<MediationService, "inForce" | "recordText">;
  bundles: Pick<CaseBundleService, "build">;
  cases: { get(caseKey: string): Promise<StoredCase | undefined> };
  cipher: Pick<PiiCipher, "openJson">;
  repayments: Pick<RepaymentLedger, "view">;
  /** A member's name in the chain-verified directory (this member's own from its config). */
  memberName: (id: number) => Promise<string | undefined>;
  memberId: number;
  clock: Clock;
}

export interface FilingManifest {
  format: typeof FILING_PACKAGE_FORMAT;
  caseKey: string;
  agreementHash: string;
  document: FilingInput["document"];
  builtAt: string;
  builtBy: number;
  bundleHash: string;
  claimFen: string;
  /** Every other file of the zip: its name, bare-hex SHA-256 and size in bytes. */
  files: Array<{ name: string; sha256: string; size: number }>;
  /** The evidence list as data (the PDF's rows). */
  evidence: EvidenceListItem[];
}

/** The catalog's name and purpose of each kind of evidence item. */
const KIND_WORDS: Record<EvidenceKind | "bundle", [MessageId, MessageId]> = {
  handover: ["filing.KIND_HANDOVER", "filing.PURPOSE_HANDOVER"],
  authorization: ["filing.KIND_AUTHORIZATION", "filing.PURPOSE_AUTHORIZATION"],
  "call-recording": ["filing.KIND_CALL_RECORDING", "filing.PURPOSE_CALL_RECORDING"],
  sms: ["filing.KIND_SMS", "filing.PURPOSE_SMS"],
  letter: ["filing.KIND_LETTER", "filing.PURPOSE_LETTER"],
  visit: ["filing.KIND_VISIT", "filing.PURPOSE_VISIT"],
  "mediation-agreement": ["filing.KIND_MEDIATION_AGREEMENT", "filing.PURPOSE_MEDIATION_AGREEMENT"],
  repayment: ["filing.KIND_REPAYMENT", "filing.PURPOSE_REPAYMENT"],
  settlement: ["filing.KIND_SETTLEMENT", "filing.PURPOSE_SETTLEMENT"],
  "court-filing": ["filing.KIND_COURT_FILING", "filing.PURPOSE_COURT_FILING"],
  other: ["filing.KIND_OTHER", "filing.PURPOSE_OTHER"],
  bundle: ["filing.KIND_BUNDLE", "filing.PURPOSE_BUNDLE"],
};
/** Columns of an address or a phone an upload may carry among its extra columns. */
const ADDRESS_COLUMNS = ["地址", "住址", "户籍地址", "联系地址", "address"];

/** A template in Chinese, the court's language (the English of each entry is its translation in the catalog). */
const zh = (id: MessageId, params: Record<string, string | number> = {}): string => fill(entryOf(id)?.zh ?? id, params);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const yuan = (fen: string | bigint) => formatFen(BigInt(fen));

const invalid = (problems: readonly FilingProblem[]) => problemsInvalid(msg("mediation.FILING_INVALID"), problems, (p) => msg(`filingInput.${p.code}`));

/**
 * The filing package (docs/design.md §28): when the debtor has defaulted on an agreement in force, the creditor's
 * staff choose 起诉状 or 支付令申请书 and fill the template's fields; the gateway writes the rest from the agreement,
 * the schedule and the ledger, takes the defendant's name and ID number from the encrypted case record, builds the
 * case bundle, generates the evidence list from it and zips it all with a manifest of SHA-256s. Built on request and
 * returned, never stored and never logged: it carries personal data.
 */
export class FilingService {
  constructor(private readonly deps: FilingDeps) {}

  async build(hash: string, raw: unknown): Promise<{ zip: Uint8Array; manifest: FilingManifest; fileName: string }> {
    const parsed = parseFilingInput(raw);
    if (!parsed.ok) throw invalid(parsed.problems);
    const input = parsed.input;
    const { record, schedule } = await this.deps.mediations.inForce(hash);
    if (!schedule.defaulted) {
      throw new ServiceError("MEDIATION_NOT_IN_DEFAULT", msg("mediation.NOT_IN_DEFAULT"), { instalments: schedule.instalments.map((i) => ({ number: i.number, due: i.due, state: i.state })) });
    }
    const { agreement } = record;
    const stored = await this.deps.cases.get(agreement.caseKey);
    if (!stored) throw new ServiceError("NOT_FOUND", msg("api.CASE_NOT_ON_CHAIN", { caseKey: agreement.caseKey }));
    const pii = this.deps.cipher.openJson<CasePii>(stored.pii, stored.caseKey);
    const extraAddress = ADDRESS_COLUMNS.map((c) => pii.extra?.[c]).find((v) => typeof v === "string" && v.trim() !== "");
    const defendantAddress = input.defendant.address ?? extraAddress;
    if (!defendantAddress) throw new ServiceError("VALIDATION_FAILED", msg("mediation.DEFENDANT_ADDRESS"), { problems: [{ code: "REQUIRED", path: "$.defendant.address" }] });

    const ledger = await this.deps.repayments.view(agreement.caseKey);
    const claimFen = input.claimFen ?? (agreement.waiver.voidOnDefault ? ledger.outstandingFen : schedule.unpaidFen);
    const now = this.deps.clock();
    const builtAt = new Date(now).toISOString();
    const me = (await this.deps.memberName(this.deps.memberId)) ?? `#${this.deps.memberId}`;
    const plaintiffName = input.plaintiff.name ?? me;
    const mediatorName = (await this.deps.memberName(agreement.mediatorId)) ?? `#${agreement.mediatorId}`;

    const signed = await this.deps.bundles.build(agreement.caseKey);
    const bundleBytes = Buffer.from(JSON.stringify(signed), "utf8");
    const items = evidenceList(signed, sha256(bundleBytes));
    const agreementBytes = Buffer.from(this.deps.mediations.recordText(record), "utf8");

    const documentPdf = await this.#document(input, { record, schedule, claimFen, outstandingFen: ledger.outstandingFen, pii, defendantAddress, plaintiffName, mediatorName, signed, items: items.length, builtAt, now });
    const listPdf = await this.#evidenceList(items, { plaintiffName, signed, record, now });
    const documentName = input.document === "complaint" ? "complaint.pdf" : "payment-order.pdf";
    const files: Record<string, Uint8Array> = {
      [documentName]: documentPdf,
      "evidence-list.pdf": listPdf,
      "bundle.json": bundleBytes,
      "agreement.json": agreementBytes,
    };
    const manifest: FilingManifest = {
      format: FILING_PACKAGE_FORMAT,
      caseKey: agreement.caseKey,
      agreementHash: record.hash,
      document: input.document,
      builtAt,
      builtBy: this.deps.memberId,
      bundleHash: signed.hash,
      claimFen,
      files: Object.entries(files).map(([name, bytes]) => ({ name, sha256: sha256(bytes), size: bytes.length })),
      evidence: items,
    };
    const mtime = new Date(now);
    const entries = Object.fromEntries(
      [...Object.entries(files), ["manifest.json", Buffer.from(JSON.stringify(manifest, null, 2), "utf8")] as const].map(([name, bytes]) => [name, [bytes, { mtime }] as [Uint8Array, { mtime: Date }]]),
    );
    return { zip: zipSync(entries), manifest, fileName: `filing-${agreement.caseKey.slice(2, 14)}-${chinaDay(builtAt)}.zip` };
  }

  async #document(
    input: FilingInput,
    c: { record: StoredMediation; schedule: ScheduleStatus; claimFen: string; outstandingFen: string; pii: CasePii; defendantAddress: string; plaintiffName: string; mediatorName: string; signed: SignedCaseBundle; items: number; builtAt: string; now: number },
  ): Promise<Buffer> {
    const complaint = input.document === "complaint";
    const a = c.record.agreement;
    const party = complaint ? "原告" : "申请人";
    const other = complaint ? "被告" : "被申请人";
    const plaintiffPhone = input.plaintiff.phone ? zh("filing.PHONE", { phone: input.plaintiff.phone }) : "";
    const defendantPhone = input.defendant.phone ?? c.pii.phone;
    const parties: FilingBlock = {
      paragraphs: [
        zh(complaint ? "filing.PLAINTIFF" : "filing.APPLICANT", { name: c.plaintiffName, address: input.plaintiff.address, representative: input.plaintiff.representative, phone: plaintiffPhone }),
        zh(complaint ? "filing.DEFENDANT" : "filing.RESPONDENT", { name: c.pii.name, idNumber: c.pii.idNumber, address: c.defendantAddress, phone: defendantPhone ? zh("filing.PHONE", { phone: defendantPhone }) : "" }),
      ],
    };
    const claims: FilingBlock = complaint
      ? { heading: zh("filing.HEADING_CLAIMS"), paragraphs: [zh("filing.CLAIM_PAY", { amount: yuan(c.claimFen) }), zh("filing.CLAIM_COSTS")] }
      : { heading: zh("filing.HEADING_REQUEST"), paragraphs: [zh("filing.REQUEST_PAY", { amount: yuan(c.claimFen) })] };
    const defaulted = c.schedule.instalments.filter((i) => i.state === "defaulted");
    const facts = input.facts
      ? input.facts.split(/\n+/)
      : [
          zh("filing.FACTS_AGREEMENT", {
            date: a.date,
            party,
            other,
            mediator: c.mediatorName,
            place: a.place,
            hash: c.record.hash,
            amount: yuan(a.amountFen),
            count: a.instalments.length,
            waiver: yuan(a.waiver.amountFen),
            grace: a.graceDays,
            voidClause: a.waiver.voidOnDefault ? zh("filing.FACTS_VOID") : "",
          }),
          zh("filing.FACTS_DEFAULT", {
            other,
            paid: yuan(c.schedule.paidFen),
            numbers: defaulted.map((i) => i.number).join("、"),
            defaulted: yuan(c.schedule.defaultedFen),
            grace: a.graceDays,
            since: c.schedule.defaultedSince ?? "",
            today: chinaDay(c.builtAt),
            unpaid: yuan(c.schedule.unpaidFen),
            outstanding: yuan(c.outstandingFen),
          }),
          ...(complaint ? [] : [zh("filing.FACTS_NO_DISPUTE")]),
          zh(complaint ? "filing.LAW_COMPLAINT" : "filing.LAW_PAYMENT_ORDER"),
        ];
    return renderFilingPdf({
      title: zh(complaint ? "filing.TITLE_COMPLAINT" : "filing.TITLE_PAYMENT_ORDER"),
      createdAt: c.now,
      blocks: [parties, claims, { heading: zh("filing.HEADING_FACTS"), paragraphs: facts }, { paragraphs: [zh("filing.ATTACHED", { count: c.items, bundleHash: c.signed.hash })] }],
      closing: [zh("filing.TO_COURT", { court: input.court }), "", zh(complaint ? "filing.SIGNER_COMPLAINT" : "filing.SIGNER_APPLICANT", { name: c.plaintiffName }), chinaDay(c.builtAt)],
      footer: zh("filing.FOOTER", { caseKey: a.caseKey, hash: c.record.hash }),
    });
  }

  async #evidenceList(items: EvidenceListItem[], c: { plaintiffName: string; signed: SignedCaseBundle; record: StoredMediation; now: number }): Promise<Buffer> {
    const names = new Map<number, string>();
    for (const item of items) if (!names.has(item.member)) names.set(item.member, (await this.deps.memberName(item.member)) ?? "");
    const [number, name, source, purpose, hash, where] = zh("filing.COLUMNS").split("|");
    return renderFilingPdf({
      title: zh("filing.TITLE_EVIDENCE_LIST"),
      createdAt: c.now,
      blocks: [{ paragraphs: [zh("filing.LIST_INTRO", { name: c.plaintiffName, caseKey: c.record.agreement.caseKey, bundleHash: c.signed.hash })] }],
      table: {
        columns: [number!, name!, source!, purpose!, hash!, where!],
        widths: [5, 14, 12, 20, 34, 15],
        rows: items.map((i) => {
          const [kindId, purposeId] = KIND_WORDS[i.kind];
          return [String(i.number), zh(kindId), zh("filing.SOURCE", { member: i.member, name: names.get(i.member) ?? "" }), zh(purposeId), `${i.sha256}\n${i.leafHash}`, `${i.locator}\n${i.capturedAt}`];
        }),
      },
      closing: [c.plaintiffName, chinaDay(new Date(c.now).toISOString())],
      footer: zh("filing.FOOTER", { caseKey: c.record.agreement.caseKey, hash: c.record.hash }),
    });
  }
}
