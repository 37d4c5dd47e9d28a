// The agency's contact screen (docs/design.md §25): a permit before the contact, then its outcome and its recording
// (hashed in the page, notarized by its digest), the contact log with what it was flagged for, and the promises to pay.
import { get, post } from "./api.js";
import { money, t, when, yuanToFen } from "./i18n.js";
import { card, clear, errorNote, h, note, table } from "./ui.js";

const CHANNELS = ["call", "sms", "letter", "visit", "app", "email"];
const TEXT_CHANNELS = ["sms", "letter", "app", "email"];
const PARTIES = ["debtor", "emergency_contact", "third_party"];
const OUTCOMES = ["connected", "no_answer", "promise_to_pay", "refused", "wrong_number", "dispute_raised"];

/** SHA-256 of a file in the browser, as 64 hex digits: the recording is notarized by its digest, never uploaded. */
async function sha256Hex(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const options = (values, prefix) => values.map((v) => h("option", { value: v }, t(`${prefix}_${v}`)));

export async function render(view) {
  const { cases } = await get("/v1/case-summaries?limit=500");
  const held = cases.filter((c) => c.held);
  const logBox = h("div", { id: "contact-log" });
  const promisesBox = h("div", { id: "contact-promises" });
  const refresh = async () => {
    const [{ contacts }, { promises }] = await Promise.all([get("/v1/contacts"), get("/v1/contacts/promises")]);
    clear(logBox).append(
      table(
        [
          { label: t("contact_started"), cell: (c) => when(c.startedAt) },
          { label: t("contact_channel"), cell: (c) => t(`channel_${c.channel}`) },
          { label: t("contact_outcome"), cell: (c) => t(`outcome_${c.outcome}`) },
          { label: t("contact_collector"), cell: (c) => c.collector },
          { label: "caseKey", class: "mono small", cell: (c) => `${c.caseKey.slice(0, 10)}…` },
          { label: t("contact_violations"), cell: (c) => (c.violations.length ? h("span", { class: "badge warn" }, c.violations.map((v) => t(`violation_${v}`)).join("、")) : "✔") },
        ],
        contacts,
        { empty: t("contact_none"), rowAttrs: (c) => ({ "data-entry": c.entryId }) },
      ),
    );
    clear(promisesBox).append(
      table(
        [
          { label: t("promise_due"), cell: (p) => p.dueDate },
          { label: t("promise_amount"), cell: (p) => money(p.amountFen) },
          { label: "caseKey", class: "mono small", cell: (p) => `${p.caseKey.slice(0, 10)}…` },
          { label: t("contact_state"), cell: (p) => (p.due ? t("promise_overdue") : t("promise_pending")) },
        ],
        promises,
        { empty: t("promise_none"), rowAttrs: (p) => ({ "data-promise": p.caseKey }) },
      ),
    );
  };

  const caseSelect = h("select", { id: "contact-case" }, held.map((c) => h("option", { value: c.caseKey }, `${c.loanRef ?? c.caseKey.slice(0, 10)} · ${c.debtor ?? ""}`)));
  const channel = h("select", { id: "contact-channel" }, options(CHANNELS, "channel"));
  const text = h("textarea", { id: "contact-text", rows: 3, hidden: true });
  channel.addEventListener("change", () => (text.hidden = !TEXT_CHANNELS.includes(channel.value)));
  const ask = h("button", { type: "submit", class: "primary", id: "permit-ask" }, t("permit_ask"));
  const permitBox = h("div", { id: "permit-result" });
  const outcomeBox = h("div", { id: "contact-outcome" });
  const permitForm = h("form", {}, h("div", { class: "filters" }, h("label", {}, t("letter_case"), caseSelect), h("label", {}, t("contact_channel"), channel), ask), h("label", { class: "wide" }, t("contact_text"), text));
  permitForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    ask.disabled = true;
    clear(outcomeBox);
    clear(permitBox).append(note("info", t("loading")));
    try {
      const asked = Date.now();
      const signed = await post("/v1/contacts/permits", { caseKey: caseSelect.value, channel: channel.value, ...(TEXT_CHANNELS.includes(channel.value) && text.value ? { text: text.value } : {}) });
      clear(permitBox).append(note("ok", t("permit_granted", { until: when(new Date(signed.permit.expiresAt).toISOString()) }), h("span", { class: "mono small", id: "permit-id" }, signed.permit.permitId)));
      // The contact's start on the gateway's clock (the permit's issue time) plus the time since, whatever this computer's clock says.
      const gatewayNow = () => signed.permit.issuedAt + (Date.now() - asked);
      outcomeBox.append(outcomeForm(signed.permit, gatewayNow, async (entry) => {
        clear(outcomeBox).append(entry.violations.length ? note("warn", t("contact_logged_flagged"), entry.violations.map((v) => t(`violation_${v}`)).join("、")) : note("ok", t("contact_logged"), entry.evidence ? `#${entry.evidence.id} · ${entry.evidence.leafHash}` : undefined));
        clear(permitBox);
        await refresh();
      }));
    } catch (error) {
      clear(permitBox).append(errorNote(error));
    } finally {
      ask.disabled = false;
    }
  });

  view.append(
    card(t("tab_contacts"), h("p", { class: "muted" }, t("contacts_help")), held.length ? permitForm : note("info", t("no_held_cases")), permitBox, outcomeBox),
    card(t("contact_log"), logBox),
    card(t("promises"), promisesBox),
  );
  await refresh();
}

/** After a permit: what happened, with the recording. */
function outcomeForm(permit, gatewayNow, done) {
  const party = h("select", { id: "contact-party" }, options(PARTIES, "party"));
  const outcome = h("select", { id: "contact-outcome-select" }, options(OUTCOMES, "outcome"));
  const duration = h("input", { type: "number", id: "contact-duration", min: 0, max: 86400, value: 60 });
  const collector = h("input", { type: "text", id: "contact-collector", placeholder: "W-001", pattern: "[A-Za-z0-9._\\-]{1,64}", required: true });
  const dueDate = h("input", { type: "date", id: "promise-due" });
  const amount = h("input", { type: "text", id: "promise-amount", inputmode: "decimal", placeholder: "500.00" });
  const promiseFields = h("div", { class: "filters", hidden: true }, h("label", {}, t("promise_due"), dueDate), h("label", {}, t("promise_amount"), amount));
  outcome.addEventListener("change", () => (promiseFields.hidden = outcome.value !== "promise_to_pay"));
  const disclosed = h("input", { type: "checkbox", id: "contact-disclosed" });
  const recording = h("input", { type: "file", id: "contact-recording" });
  const submit = h("button", { type: "submit", class: "primary", id: "contact-submit" }, t("contact_log_it"));
  const message = h("div", {});
  const form = h(
    "form",
    { id: "outcome-form" },
    h("div", { class: "filters" }, h("label", {}, t("contact_party"), party), h("label", {}, t("contact_outcome"), outcome), h("label", {}, t("contact_duration"), duration), h("label", {}, t("contact_collector"), collector)),
    promiseFields,
    h("div", { class: "filters" }, h("label", {}, disclosed, t("contact_disclosed")), h("label", {}, t("contact_recording"), recording), submit),
    message,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const file = recording.files?.[0];
      let promise;
      if (outcome.value === "promise_to_pay") {
        const fen = yuanToFen(amount.value);
        if (!fen || !dueDate.value) throw new Error(t("promise_invalid"));
        promise = { dueDate: dueDate.value, amountFen: fen };
      }
      const entry = await post("/v1/contacts", {
        caseKey: permit.caseKey,
        channel: permit.channel,
        permitId: permit.permitId,
        party: party.value,
        outcome: outcome.value,
        startedAt: new Date(gatewayNow()).toISOString(),
        durationSeconds: Number(duration.value) || 0,
        collector: collector.value.trim(),
        ...(promise ? { promise } : {}),
        ...(disclosed.checked ? { disclosedDebt: true } : {}),
        ...(file ? { evidence: { contentSha256: await sha256Hex(file), contentSize: file.size, mediaType: file.type || "application/octet-stream" } } : {}),
      });
      await done(entry);
    } catch (error) {
      clear(message).append(errorNote(error));
      submit.disabled = false;
    }
  });
  return form;
}
