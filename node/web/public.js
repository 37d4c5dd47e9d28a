// The page behind an authorization letter's QR code: no login, masked data only, one case per code.
import { applyStatic, day, explain, getLang, say, setLang, t, when } from "./i18n.js";
import { clear, h, note } from "./ui.js";

const main = document.getElementById("main");
const token = decodeURIComponent(location.pathname.split("/").pop() ?? "");
let answer;
let failure;

async function load() {
  try {
    const res = await fetch(`/v1/public/authorizations/${encodeURIComponent(token)}`);
    const body = await res.json().catch(() => ({}));
    if (res.ok) answer = body;
    else failure = { status: res.status, code: body?.error?.code, message: body?.error?.message, messageId: body?.error?.messageId, params: body?.error?.params };
  } catch (error) {
    failure = { status: 0, message: String(error) };
  }
}

function render() {
  document.title = `${t("pub_title")} · CaseLedger`;
  document.getElementById("lang").textContent = t("lang_switch");
  applyStatic();
  clear(main);
  const box = h("section", { class: "card public-card" }, h("h1", {}, t("pub_title")), h("p", { class: "muted" }, t("pub_help")));
  if (failure) {
    box.append(
      failure.status === 429
        ? note("warn", t("pub_rate"))
        : failure.status === 404
          ? h("div", { class: "answer no", id: "public-answer", "data-state": "not-found" }, h("div", { class: "verdict" }, `✘ ${t("authorized_no")}`), h("p", {}, t("pub_not_found")))
          : note("error", failure.message ? explain(failure) : t("error")),
    );
  } else {
    const a = answer;
    box.append(
      h(
        "div",
        { class: `answer ${a.authorized ? "yes" : "no"}`, id: "public-answer", "data-state": a.state },
        h("div", { class: "verdict" }, a.authorized ? `✔ ${t("authorized_yes")}` : `✘ ${t("authorized_no")}`),
        h("p", {}, say("letter", a.state, a.message)),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, t("pub_agency")), h("dd", {}, a.agency),
          h("dt", {}, t("pub_creditor")), h("dd", {}, a.creditor),
          h("dt", {}, t("pub_debtor")), h("dd", {}, a.debtor),
          h("dt", {}, t("pub_case")), h("dd", {}, a.loanRef),
          h("dt", {}, t("pub_until")), h("dd", {}, a.until ? day(a.until) : "—"),
          h("dt", {}, t("checked_at")), h("dd", {}, when(a.checkedAt)),
        ),
        a.authorized ? null : h("p", { class: "small" }, t("ended_hint")),
      ),
    );
  }
  box.append(h("p", { class: "muted small" }, t("pub_footer")));
  main.append(box);
  if (answer) main.append(complaintForm());
}

const CATEGORIES = ["HARASSMENT", "THREAT_OR_INSULT", "FALSE_CLAIM", "THIRD_PARTY_CONTACT", "WRONG_PERSON", "OTHER"];

/** The complaint form (docs/design.md §26): it goes to the creditor through this gateway, which keeps none of it. */
function complaintForm() {
  const category = h("select", { id: "complaint-category", name: "category", required: true }, CATEGORIES.map((c) => h("option", { value: c }, t(`complaint_cat_${c}`))));
  const text = h("textarea", { id: "complaint-text", name: "text", rows: 5, maxlength: 2000, required: true });
  const callback = h("input", { id: "complaint-callback", name: "callback", type: "tel", inputmode: "tel", autocomplete: "tel", maxlength: 20 });
  const send = h("button", { type: "submit", class: "primary", id: "complaint-send" }, t("pub_complain_send"));
  const outcome = h("div", { id: "complaint-outcome" });
  const form = h(
    "form",
    { class: "card public-card", id: "complaint-form" },
    h("h2", {}, t("pub_complain_title")),
    h("p", { class: "muted small" }, t("pub_complain_help")),
    h("label", {}, t("pub_complain_category"), category),
    h("label", {}, t("pub_complain_text"), text),
    h("label", {}, t("pub_complain_callback"), callback),
    send,
    outcome,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(outcome);
    send.disabled = true;
    try {
      const body = { category: category.value, text: text.value, ...(callback.value.trim() ? { callback: callback.value } : {}) };
      const res = await fetch(`/v1/public/complaints/${encodeURIComponent(token)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const answer = await res.json().catch(() => ({}));
      if (res.ok) {
        outcome.append(note("ok", t("pub_complain_done", { reference: answer.reference })));
        text.value = "";
        callback.value = "";
      } else if (res.status === 429) outcome.append(note("warn", t("pub_complain_rate", { seconds: res.headers.get("retry-after") ?? "60" })));
      else outcome.append(note("error", explain({ status: res.status, ...answer.error })));
    } catch (error) {
      outcome.append(note("error", String(error)));
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

document.getElementById("lang").addEventListener("click", () => {
  setLang(getLang() === "zh" ? "en" : "zh");
  render();
});
setLang(getLang());
await load();
render();
