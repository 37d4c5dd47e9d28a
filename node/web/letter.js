// The authorization letter: a printable page (the browser's print makes the PDF) with a QR code that opens the public check page.
import { ApiError, post } from "./api.js";
import { day, explain, t, when } from "./i18n.js";
import { h, note } from "./ui.js";

export async function render(view, ctx) {
  const caseKey = ctx.arg;
  let issued;
  try {
    issued = await post(`/v1/cases/${encodeURIComponent(caseKey)}/authorization-letter`);
  } catch (error) {
    const text = error instanceof ApiError && error.status === 404 ? t("not_found_or_not_yours") : explain(error);
    view.append(note("error", `${t("letter_failed")}：${text}`, error.code), h("a", { href: "#mycases", class: "button" }, t("back")));
    return;
  }
  const { default: qrcode } = await import("/console/vendor/qrcode.mjs");
  const url = `${location.origin}${issued.path}`;
  const qr = qrcode(0, "M");
  qr.addData(url);
  qr.make();
  const letter = issued.letter;
  const img = h("img", { src: qr.createDataURL(5, 8), alt: url, class: "qr", id: "letter-qr", "data-url": url });
  view.append(
    h(
      "div",
      { class: "actions no-print" },
      h("a", { href: `#case/${caseKey}`, class: "button" }, t("back")),
      h("button", { type: "button", class: "primary", id: "print", onclick: () => window.print() }, t("print")),
    ),
    h(
      "article",
      { class: "letter", id: "letter" },
      h("h1", {}, t("letter_title")),
      h("p", { class: "lead" }, t("letter_body", { agency: letter.agencyName, creditor: letter.creditorName })),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("creditor")), h("dd", {}, letter.creditorName),
        h("dt", {}, t("agency")), h("dd", {}, letter.agencyName),
        h("dt", {}, t("letter_case")), h("dd", {}, letter.loanRef),
        h("dt", {}, t("letter_debtor")), h("dd", {}, letter.debtorName),
        h("dt", {}, t("letter_period")), h("dd", {}, `${day(letter.assignedAt)} — ${day(letter.until)}`),
        h("dt", {}, t("letter_issued")), h("dd", {}, when(letter.issuedAt)),
      ),
      h("div", { class: "qr-box" }, img, h("div", {}, h("p", {}, t("letter_scan")), h("p", { class: "mono small url" }, url))),
      h("p", { class: "muted small" }, `caseKey ${letter.caseKey}`),
    ),
  );
}
