// Small DOM helpers: elements are built with textContent (never innerHTML with data), so nothing a case list holds can run.
import { explain, statusLabel, t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A table from column definitions `{ label, cell(row) → Node|string, class? }`. */
export function table(columns, rows, { empty = "—", rowAttrs } = {}) {
  return h(
    "table",
    { class: "grid" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.class }, c.label)))),
    h(
      "tbody",
      {},
      rows.length === 0
        ? h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, empty))
        : rows.map((row) => h("tr", rowAttrs ? rowAttrs(row) : {}, columns.map((c) => h("td", { class: c.class }, c.cell(row))))),
    ),
  );
}

/** A message box: kind "error" | "ok" | "info" | "warn". */
export function note(kind, text, extra) {
  return h("div", { class: `note ${kind}`, role: kind === "error" ? "alert" : "status" }, text, extra ? h("div", { class: "small" }, extra) : null);
}

/** An error from the gateway as a person reads it: the message in the page's language, the code for support. */
export function errorNote(error, prefix) {
  const message = explain(error);
  return note("error", prefix ? `${prefix}：${message}` : message, error?.code ? `${t("error")} · ${error.code}${error.status ? ` · HTTP ${error.status}` : ""}` : undefined);
}

export function progressBar(value = 0) {
  const bar = h("progress", { max: 1, value });
  return bar;
}

export function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...children);
}

export function stat(label, value, kind = "") {
  return h("div", { class: `stat ${kind}` }, h("div", { class: "value" }, value), h("div", { class: "label" }, label));
}

export function badge(status) {
  return h("span", { class: `badge s-${status}`, "data-status": status }, statusLabel(status));
}

export function short(hex, n = 10) {
  if (!hex) return "—";
  return hex.length > n + 6 ? `${hex.slice(0, n)}…${hex.slice(-4)}` : hex;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}
