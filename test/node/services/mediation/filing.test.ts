import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { unzipSync } from "fflate";
import { BUNDLE_FORMAT, type SignedCaseBundle } from "../../../../node/domain/evidence/bundle.js";
import { agreementHash } from "../../../../node/domain/mediation/agreement.js";
import { scheduleStatus } from "../../../../node/domain/mediation/schedule.js";
import { dayStart } from "../../../../node/domain/fees/month.js";
import { FilingService, type FilingManifest } from "../../../../node/services/mediation/filing.js";
import type { StoredCase } from "../../../../node/store/case-records.js";
import type { StoredMediation } from "../../../../node/store/mediation-store.js";
import { PiiCipher } from "../../../../node/store/pii-cipher.js";
import { pdfText } from "../../../support/pdf-text.js";
import { rejected } from "../refusal.js";
import { sampleAgreement } from "../../domain/mediation/helpers.js";

const NAME = "文书测试";
const ID = "110101199003070011";

/**
 * The filing package from its parts (docs/design.md §28), with in-memory deps: refused before a default, the debtor's
 * address asked for when the case record has none, the claim by the waiver's rule, the template's words.
 */
function world(options: { now: string; extra?: Record<string, string>; voidOnDefault?: boolean }) {
  const cipher = new PiiCipher(randomBytes(32));
  const agreement = sampleAgreement({ waiver: { amountFen: "50000", items: ["interest"], voidOnDefault: options.voidOnDefault ?? false } });
  const hash = agreementHash(agreement);
  const record: StoredMediation = { hash, agreement, side: "creditor", state: "effective", creditorSignature: "0x01", mediatorSignature: "0x02", createdAt: "", updatedAt: "" };
  const now = Date.parse(options.now);
  const stored = { caseKey: agreement.caseKey, pii: cipher.sealJson({ name: NAME, idNumber: ID, phone: "13900003333", extra: options.extra ?? {} }, agreement.caseKey) } as StoredCase;
  const signed: SignedCaseBundle = {
    bundle: { format: BUNDLE_FORMAT, caseKey: agreement.caseKey, creditor: 1, builtAt: options.now, chain: { chainId: 31337, caseRegistry: `0x${"00".repeat(20)}`, evidenceRegistry: `0x${"00".repeat(20)}` }, history: [], sources: [], receipts: [] },
    hash: `0x${"ee".repeat(32)}`,
    signature: "0x",
  };
  const service = new FilingService({
    mediations: { inForce: () => Promise.resolve({ record, schedule: scheduleStatus(agreement, [], now) }), recordText: () => '{"format":"caseledger-mediation-record/1"}' },
    bundles: { build: () => Promise.resolve(signed) },
    cases: { get: () => Promise.resolve(stored) },
    cipher,
    repayments: { view: () => Promise.resolve({ outstandingFen: "420000" } as never) },
    memberName: (id) => Promise.resolve(id === 1 ? "示例银行" : "示例调解"),
    memberId: 1,
    clock: () => now,
  });
  return { service, hash };
}

const FIELDS = { document: "complaint", court: "广州互联网法院", plaintiff: { address: "示例大道100号", representative: "王示例" } };

describe("services/mediation: the filing package", () => {
  it("is refused before a default, with each instalment's state", async () => {
    const w = world({ now: "2026-12-20T00:00:00Z" }); // instalment 1 due 12-10, grace 15: overdue, not yet a default
    const e = await rejected(w.service.build(w.hash, FIELDS));
    expect(e.code).to.equal("MEDIATION_NOT_IN_DEFAULT");
    expect((e.details as { instalments: Array<{ state: string }> }).instalments.map((i) => i.state)).to.deep.equal(["overdue", "due", "due"]);
  });

  it("asks for the debtor's address when the case record has none, and takes it from an upload's address column", async () => {
    const after = new Date(dayStart("2026-12-26")!).toISOString();
    const none = world({ now: after });
    const e = await rejected(none.service.build(none.hash, FIELDS));
    expect(e.code).to.equal("VALIDATION_FAILED");
    expect((e.details as { problems: Array<{ code: string; path: string }> }).problems).to.deep.equal([{ code: "REQUIRED", path: "$.defendant.address" }]);
    const given = await none.service.build(none.hash, { ...FIELDS, defendant: { address: "示例路2号" } });
    expect(pdfText(Buffer.from(unzipSync(given.zip)["complaint.pdf"]!))).to.include("示例路2号");
    const column = world({ now: after, extra: { 住址: "示例路3号" } });
    const built = await column.service.build(column.hash, FIELDS);
    const text = pdfText(Buffer.from(unzipSync(built.zip)["complaint.pdf"]!));
    for (const words of [NAME, ID, "示例路3号", "示例调解", "第 1 期", "3000.00"]) expect(text, words).to.include(words);
  });

  it("claims the unpaid agreed amount, or the ledger's outstanding when the waiver falls away on default; the staff's amount wins", async () => {
    const after = new Date(dayStart("2026-12-26")!).toISOString();
    const manifest = async (w: ReturnType<typeof world>, fields: object) => JSON.parse(Buffer.from(unzipSync((await w.service.build(w.hash, fields)).zip)["manifest.json"]!).toString("utf8")) as FilingManifest;
    const kept = world({ now: after, extra: { address: "示例路4号" } });
    expect((await manifest(kept, FIELDS)).claimFen).to.equal("300000");
    const voided = world({ now: after, extra: { address: "示例路4号" }, voidOnDefault: true });
    expect((await manifest(voided, FIELDS)).claimFen).to.equal("420000");
    const m = await manifest(voided, { ...FIELDS, document: "payment-order", claimFen: "123400" });
    expect(m).to.deep.include({ claimFen: "123400", document: "payment-order" });
    expect(m.files.map((f) => f.name)).to.deep.equal(["payment-order.pdf", "evidence-list.pdf", "bundle.json", "agreement.json"]);
    expect(m.evidence.map((i) => i.kind)).to.deep.equal(["bundle"]);
  });
});
