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
}

document.getElementById("lang").addEventListener("click", () => {
  setLang(getLang() === "zh" ? "en" : "zh");
  render();
});
setLang(getLang());
await load();
render();
