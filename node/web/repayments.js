// Repayments on a case page (docs/design.md §22): the creditor's ledger with confirm/dispute, the agency's report form
// and what became of its reports. Amounts are fen as decimal strings on the wire; no floating point touches them.
import { get, post } from "./api.js";
import { money, say, t, when, yuanToFen } from "./i18n.js";
import { card, clear, errorNote, h, note, table } from "./ui.js";

const CHANNELS = ["agency-escrow", "creditor-account", "other"];
const PAYERS = ["debtor", "relative", "third-party"];
const DISPUTE_REASONS = ["NOT_RECEIVED", "AMOUNT_MISMATCH", "VOUCHER_INVALID", "DUPLICATE", "OTHER"];

/** A repayment's amount: fen above zero, or undefined. */
const repaidFen = (text) => {
  const fen = yuanToFen(text);
  return fen === "0" ? undefined : fen;
};

const reason = (code) => (code ? say("repaymentReason", code, code) : "");
const select = (id, values, label) => h("select", { id }, values.map((v) => h("option", { value: v }, label(v))));

/** The creditor's ledger of a case, with a confirm button for open repayments and a dispute for reported ones. */
export async function lenderLedger(caseKey) {
  const box = card(t("repayments"));
  const message = h("div", { id: "repayment-message" });
  const body = h("div");
  box.append(body, message);
  const load = async () => {
    clear(body);
    let ledger;
    try {
      ledger = await get(`/v1/cases/${encodeURIComponent(caseKey)}/repayments`);
    } catch (error) {
      body.append(errorNote(error));
      return;
    }
    body.append(
      h("p", { id: "repayment-outstanding" }, t("repayments_outstanding", { outstanding: money(ledger.outstandingFen), initial: money(ledger.initialFen), confirmed: money(ledger.confirmedFen), waived: money(ledger.waivedFen), limit: money(ledger.waiverLimitFen) })),
      table(
        [
          { label: t("repayment_paid_at"), cell: (r) => when(r.paidAt) },
          { label: t("repayment_amount"), class: "num", cell: (r) => money(r.amountFen) },
          { label: t("repayment_channel"), cell: (r) => t(`channel_${r.channel}`) },
          { label: t("repayment_payer"), cell: (r) => t(`payer_${r.payer}`) },
          { label: t("repayment_reporter"), cell: (r) => `#${r.reportedBy}` },
          { label: t("repayment_state"), cell: (r) => h("span", { "data-state": r.state }, t(`rstate_${r.state}`), r.decision?.reason ? ` · ${reason(r.decision.reason)}` : "", r.warning ? h("span", { class: "warn", "data-warning": r.warning }, ` · ${say("reconcile", r.warning, r.warning)}`) : "") },
          { label: "", cell: (r) => actionsOf(r) },
        ],
        ledger.repayments,
        { rowAttrs: (r) => ({ "data-repayment": r.id }) },
      ),
    );
  };
  const decide = async (button, path, payload, done) => {
    button.disabled = true;
    clear(message);
    try {
      await post(path, payload);
      message.append(note("ok", t(done)));
      await load();
    } catch (error) {
      button.disabled = false;
      message.append(errorNote(error));
    }
  };
  const actionsOf = (r) => {
    const cell = h("div", { class: "actions" });
    if (r.state === "reported" || r.state === "disputed") {
      const confirm = h("button", { type: "button", class: "primary", "data-action": "confirm" }, t("repayment_confirm"));
      confirm.addEventListener("click", () => decide(confirm, `/v1/repayments/${r.id}/confirm`, {}, "repayment_confirmed"));
      cell.append(confirm);
    }
    if (r.state === "reported") {
      const why = select(`reason-${r.id}`, DISPUTE_REASONS, reason);
      const dispute = h("button", { type: "button", "data-action": "dispute" }, t("repayment_dispute"));
      dispute.addEventListener("click", () => decide(dispute, `/v1/repayments/${r.id}/dispute`, { reason: why.value }, "repayment_disputed"));
      cell.append(why, dispute);
    }
    return cell;
  };
  await load();
  return box;
}

/** SHA-256 of a file in the browser, as 64 hex digits: the voucher is notarized by its digest, never uploaded. */
async function sha256Hex(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The agency's report form for a case it holds, and its reports on the case with what the creditor made of them. */
export async function agencyReports(caseKey) {
  const box = card(t("repayment_report"));
  const message = h("div", { id: "repayment-message" });
  const list = h("div");
  const amount = h("input", { id: "repayment-amount", inputmode: "decimal", required: true });
  const paidAt = h("input", { id: "repayment-paid-at", type: "datetime-local", required: true });
  const channel = select("repayment-channel", CHANNELS, (v) => t(`channel_${v}`));
  const payer = select("repayment-payer", PAYERS, (v) => t(`payer_${v}`));
  const voucher = h("input", { id: "repayment-voucher", type: "file", required: true });
  const send = h("button", { type: "submit", class: "primary", id: "repayment-send" }, t("repayment_send"));
  const label = (text, input) => h("label", {}, text, input);
  const form = h(
    "form",
    { class: "form", id: "repayment-form" },
    h("p", { class: "muted small" }, t("repayment_report_help")),
    label(t("repayment_amount"), amount),
    label(t("repayment_paid_at"), paidAt),
    label(t("repayment_channel"), channel),
    label(t("repayment_payer"), payer),
    label(t("repayment_voucher"), voucher),
    send,
  );
  const load = async () => {
    clear(list);
    try {
      const { reports } = await get(`/v1/repayments?caseKey=${encodeURIComponent(caseKey)}`);
      list.append(
        h("h3", {}, t("repayment_my_reports")),
        table(
          [
            { label: t("repayment_paid_at"), cell: (r) => when(r.paidAt) },
            { label: t("repayment_amount"), class: "num", cell: (r) => money(r.amountFen) },
            { label: t("repayment_state"), cell: (r) => h("span", { "data-state": r.state }, t(`rstate_${r.state}`), r.refused ? ` · ${say(r.refused.message.split(".")[0], r.refused.message.split(".")[1], r.refused.code, r.refused.params ?? {})}` : r.history.at(-1)?.reason ? ` · ${reason(r.history.at(-1).reason)}` : "") },
          ],
          reports,
          { rowAttrs: (r) => ({ "data-report": r.reportId }) },
        ),
      );
    } catch (error) {
      list.append(errorNote(error));
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(message);
    const amountFen = repaidFen(amount.value);
    const at = paidAt.value ? new Date(paidAt.value) : undefined;
    const file = voucher.files?.[0];
    if (!amountFen || !at || Number.isNaN(at.getTime()) || !file) {
      message.append(note("error", t("repayment_amount_invalid")));
      return;
    }
    send.disabled = true;
    try {
      const digest = await sha256Hex(file);
      await post("/v1/repayments", {
        caseKey,
        amountFen,
        paidAt: at.toISOString(),
        channel: channel.value,
        payer: payer.value,
        voucher: { contentSha256: digest, contentSize: file.size, mediaType: file.type || "application/octet-stream" },
      });
      message.append(note("ok", t("repayment_sent")));
      form.reset();
      await load();
    } catch (error) {
      message.append(errorNote(error));
    } finally {
      send.disabled = false;
    }
  });
  await load();
  box.append(form, message, list);
  return box;
}
