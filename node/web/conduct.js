// Conduct (docs/design.md §26): the lender's compliance tab (complaints: read, share with the agency, close with a
// resolution), the agency's complaint notices, and the supervisor's dashboard (monthly reports built from every
// member's signed figures: totals per agency and lender, contacts by China hour, the PDF). No personal data but the
// complaint's own words, to the lender that received it.
import { download, get, post } from "./api.js";
import * as charts from "./charts.js";
import { t, when } from "./i18n.js";
import { card, clear, errorNote, h, note, short, table } from "./ui.js";

const CATEGORIES = ["HARASSMENT", "THREAT_OR_INSULT", "FALSE_CLAIM", "THIRD_PARTY_CONTACT", "WRONG_PERSON", "OTHER"];
const RESOLUTIONS = ["AGENCY_WARNED", "AGENCY_REPLACED", "DEBT_CORRECTED", "UNFOUNDED", "WITHDRAWN"];
export const categoryWord = (code) => (CATEGORIES.includes(code) ? t(`complaint_cat_${code}`) : code);
const resolutionWord = (code) => (RESOLUTIONS.includes(code) ? t(`complaint_res_${code}`) : (code ?? "—"));
const stateWord = (c) => t(c.state === "open" ? "complaint_open" : "complaint_closed");

export async function render(view, ctx) {
  if (ctx.name === "compliance") return compliance(view);
  if (ctx.name === "notices") return notices(view);
  return supervision(view);
}

async function compliance(view) {
  const detail = h("div", { id: "complaint-detail" });
  const list = h("div", { id: "complaint-list" });
  view.append(card(t("tab_compliance"), h("p", { class: "muted" }, t("compliance_help")), list), detail);
  const load = async () => {
    clear(list);
    const { complaints } = await get("/v1/complaints");
    list.append(
      table(
        [
          { label: t("complaint_received"), cell: (c) => when(c.receivedAt) },
          { label: t("agency"), cell: (c) => `#${c.agencyId}` },
          { label: t("complaint_category"), cell: (c) => categoryWord(c.category) },
          { label: t("complaint_state"), cell: (c) => `${stateWord(c)}${c.resolution ? ` · ${resolutionWord(c.resolution)}` : ""}` },
          { label: t("complaint_shared"), cell: (c) => (c.shared ? "✔" : "—") },
          { label: "", cell: (c) => h("button", { type: "button", class: "link", "data-open": c.id, onclick: () => open(c.id) }, t("complaint_open_one")) },
        ],
        complaints,
        { empty: t("complaint_none"), rowAttrs: (c) => ({ "data-complaint": c.id, "data-state": c.state }) },
      ),
    );
  };
  const open = async (id) => {
    clear(detail);
    try {
      const c = await get(`/v1/complaints/${id}`);
      const message = h("div", { id: "complaint-message" });
      const resolution = h("select", { id: "complaint-resolution" }, RESOLUTIONS.map((r) => h("option", { value: r }, resolutionWord(r))));
      const act = (path, body) => async () => {
        clear(message);
        try {
          await post(`/v1/complaints/${id}/${path}`, body?.());
          await load();
          await open(id);
        } catch (error) {
          message.append(errorNote(error));
        }
      };
      detail.append(
        card(
          `${t("complaint_one")} ${categoryWord(c.category)}`,
          h("dl", { class: "facts" }, h("dt", {}, t("complaint_text")), h("dd", { id: "complaint-text" }, c.text), h("dt", {}, t("complaint_callback")), h("dd", {}, c.callback ?? "—"), h("dt", {}, t("complaint_case")), h("dd", {}, short(c.caseKey, 14)), h("dt", {}, t("complaint_state")), h("dd", {}, stateWord(c))),
          c.state === "open"
            ? h(
                "div",
                { class: "actions" },
                c.shared ? null : h("button", { type: "button", id: "complaint-share", onclick: act("share") }, t("complaint_share")),
                h("label", {}, t("complaint_resolution"), resolution),
                h("button", { type: "button", id: "complaint-close", class: "primary", onclick: act("close", () => ({ resolution: resolution.value })) }, t("complaint_close")),
              )
            : null,
          message,
        ),
      );
    } catch (error) {
      detail.append(errorNote(error));
    }
  };
  await load();
  view.append(await agencyFigures());
}

const sum = (values) => Object.values(values ?? {}).reduce((a, b) => a + b, 0);

/** Its agencies' figures about the lender's own cases this month, each from the agency's signed answer. */
async function agencyFigures() {
  const month = new Date().toISOString().slice(0, 7);
  const { agencies } = await get(`/v1/agency-figures?month=${month}`);
  const rows = agencies.map((a) => ({
    agency: a.agency,
    problem: a.problem,
    answerHash: a.answerHash,
    contacts: a.figures.reduce((n, f) => n + sum(f.contactsByChannel), 0),
    connected: a.figures.reduce((n, f) => n + f.connected, 0),
    capHits: a.figures.reduce((n, f) => n + (f.permitsRefused?.CONTACT_DAILY_CAP ?? 0), 0),
    violations: a.figures.reduce((n, f) => n + sum(f.violations), 0),
  }));
  return card(
    `${t("compliance_agencies")} ${month}`,
    table(
      [
        { label: t("agency"), cell: (r) => `#${r.agency}` },
        { label: t("report_contacts"), cell: (r) => String(r.contacts) },
        { label: t("report_connected"), cell: (r) => String(r.connected) },
        { label: t("report_cap_hits"), cell: (r) => String(r.capHits) },
        { label: t("report_violations"), cell: (r) => String(r.violations) },
        { label: t("compliance_signed"), cell: (r) => (r.answerHash ? short(r.answerHash, 10) : `${t("compliance_no_answer")} (${r.problem})`) },
      ],
      rows,
      { empty: "—", rowAttrs: (r) => ({ "data-agency-figures": String(r.agency) }) },
    ),
  );
}

async function notices(view) {
  const { notices: rows } = await get("/v1/complaint-notices");
  view.append(
    card(
      t("tab_complaint_notices"),
      h("p", { class: "muted" }, t("notices_help")),
      table(
        [
          { label: t("complaint_received"), cell: (n) => when(n.receivedAt) },
          { label: t("pub_creditor"), cell: (n) => `#${n.creditorId}` },
          { label: t("complaint_case"), cell: (n) => short(n.caseKey, 14) },
          { label: t("complaint_category"), cell: (n) => categoryWord(n.category) },
          { label: t("complaint_state"), cell: (n) => `${stateWord(n)}${n.resolution ? ` · ${resolutionWord(n.resolution)}` : ""}` },
          { label: t("complaint_text"), cell: (n) => n.text ?? t("complaint_not_shared") },
        ],
        rows,
        { empty: t("complaint_none"), rowAttrs: (n) => ({ "data-notice": n.id, "data-state": n.state }) },
      ),
    ),
  );
}

async function supervision(view) {
  const month = h("input", { id: "report-month", type: "month", value: new Date().toISOString().slice(0, 7), required: true });
  const message = h("div", { id: "report-message" });
  const shown = h("div", { id: "report-shown" });
  const listed = h("div", { id: "report-list" });
  const form = h("form", { id: "report-form" }, h("p", { class: "muted" }, t("supervision_help")), h("label", {}, t("report_month"), month), h("button", { type: "submit", class: "primary" }, t("report_build")));
  view.append(card(t("tab_supervision"), form, message), shown, listed);
  const show = async (hash) => {
    clear(shown);
    const r = await get(`/v1/supervision/reports/${hash}`);
    const chart = h("div", { id: "chart-hours", class: "chart" });
    const hours = Array.from({ length: 24 }, (_, i) => r.totals.reduce((n, p) => n + (p.byChinaHour[i] ?? 0), 0));
    shown.append(
      card(
        `${t("report_of")} ${r.month}`,
        h("p", { class: "small" }, `${t("report_hash")} `, h("code", { id: "report-hash" }, r.hash), ` · ${t("report_record")} #${r.evidence.id}`),
        note(r.verification.ok ? "ok" : "error", r.verification.ok ? t("report_signatures_ok") : t("report_signatures_bad")),
        table(
          [
            { label: t("agency"), cell: (p) => `#${p.agency}` },
            { label: t("report_lender"), cell: (p) => `#${p.lender}` },
            { label: t("report_contacts"), cell: (p) => String(p.contacts) },
            { label: t("report_connected"), cell: (p) => String(p.connected) },
            { label: t("report_cap_hits"), cell: (p) => String(p.capHits) },
            { label: t("report_violations"), cell: (p) => String(p.violations) },
            { label: t("report_complaints"), cell: (p) => `${p.complaints} (${p.openComplaints})` },
            { label: t("report_stated_by"), cell: (p) => p.statedBy.map((m) => `#${m}`).join(", ") },
          ],
          r.totals,
          { empty: t("report_no_figures"), rowAttrs: (p) => ({ "data-pair": `${p.agency}/${p.lender}` }) },
        ),
        h("h3", {}, t("report_hours")),
        chart,
        h("button", { type: "button", id: "report-pdf", onclick: () => download(`/v1/supervision/reports/${r.hash}.pdf`, `conduct-report-${r.month}.pdf`) }, t("report_pdf")),
      ),
    );
    await charts.ready();
    charts.bars(chart, hours.map((_, i) => String(i)), hours);
  };
  const list = async () => {
    clear(listed);
    const { reports } = await get("/v1/supervision/reports");
    listed.append(
      card(
        t("report_list"),
        table(
          [
            { label: t("report_month"), cell: (r) => r.month },
            { label: t("report_generated"), cell: (r) => when(r.generatedAt) },
            { label: t("report_answered"), cell: (r) => `${r.answered} / ${r.members}` },
            { label: t("report_hash"), cell: (r) => h("button", { type: "button", class: "link", onclick: () => show(r.hash) }, short(r.hash, 12)) },
          ],
          reports,
          { empty: "—" },
        ),
      ),
    );
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(message);
    try {
      const built = await post("/v1/supervision/reports", { month: month.value });
      await show(built.hash);
      await list();
    } catch (error) {
      message.append(errorNote(error));
    }
  });
  await list();
}
