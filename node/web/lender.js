// Lender pages: upload, validation report, allocation preview and commit, cases, portfolio.
import { ApiError, download, get, post, upload } from "./api.js";
import { codes, day, money, pick, say, t, when } from "./i18n.js";
import { badge, card, clear, errorNote, h, note, progressBar, short, stat, table } from "./ui.js";

/** How often the upload page asks where a waiting upload stands in the gateway's queue. */
const QUEUE_POLL_MS = 1_000;

/** Field error codes of a case-list report, from the gateway's message catalog. */
const ERROR_CODES = codes("field");

/** Refusals of the file as a whole that a person fixes by saving it otherwise. */
const FILE_REFUSALS = new Set(["FILE_NOT_CSV", "FILE_ENCODING", "UNSUPPORTED_MEDIA_TYPE", "WORKBOOK_UNSUPPORTED", "WORKBOOK_CORRUPT", "SHEET_NOT_FOUND"]);

export async function render(view, ctx) {
  const pages = { upload: uploadPage, lists: listsPage, list: reportPage, allocation: allocationPage, cases: casesPage, portfolio: portfolioPage };
  await pages[ctx.name](view, ctx);
}

// ── upload ──────────────────────────────────────────────────────────────────────────────────────────────

async function uploadPage(view, ctx) {
  const input = h("input", {
    type: "file",
    id: "file-input",
    accept: ".csv,text/csv,text/plain,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    hidden: true,
  });
  // A workbook's sheet by its tab name; empty reads the first sheet (CSV has none).
  const sheet = h("input", { type: "text", id: "sheet-input", placeholder: t("sheet_hint"), "aria-label": t("sheet") });
  const bar = progressBar(0);
  const status = h("div", { id: "upload-status", class: "upload-status" });
  const zone = h(
    "div",
    { class: "dropzone", id: "dropzone", tabindex: 0, role: "button" },
    h("div", { class: "big" }, "⬆"),
    h("div", {}, t("drop_here")),
    h("div", { class: "muted small" }, t("drop_hint")),
    input,
  );
  const start = async (file) => {
    if (!file) return;
    clear(status).append(h("div", {}, `${t("uploading")} ${file.name} (${(file.size / 1024).toFixed(0)} KB)`), bar);
    bar.value = 0;
    // Our own reference for this upload, to find its place while the gateway's queue holds it.
    const ref = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
    const place = h("div", { id: "upload-queue", class: "muted small" });
    status.append(place);
    let waiting = true;
    const watch = async () => {
      while (waiting) {
        const queue = await get("/v1/case-lists/queue").catch(() => undefined);
        const mine = queue?.uploads?.find((u) => u.ref === ref);
        if (waiting) place.textContent = mine?.state === "queued" ? t("queued_position", { position: mine.position }) : "";
        // Once it runs it never waits again: no more questions for this upload.
        if (mine?.state === "running") return;
        await new Promise((resolve) => setTimeout(resolve, QUEUE_POLL_MS));
      }
    };
    watch();
    try {
      const named = sheet.value.trim() ? `&sheet=${encodeURIComponent(sheet.value.trim())}` : "";
      const summary = await upload(
        `/v1/case-lists?name=${encodeURIComponent(file.name)}${named}`,
        file,
        (fraction, done) => {
          bar.value = fraction;
          if (done) status.firstChild.textContent = t("processing");
        },
        { "x-upload-ref": ref },
      );
      waiting = false;
      ctx.navigate(`list/${summary.id}`);
    } catch (error) {
      waiting = false;
      clear(status).append(
        error instanceof ApiError && FILE_REFUSALS.has(error.code)
          ? note("error", `${t("upload_failed")}：${t("not_csv")}`, `${say("file", error.code, error.message)} · ${error.code}`)
          : errorNote(error, t("upload_failed")),
      );
    }
  };
  zone.addEventListener("click", () => input.click());
  zone.addEventListener("keydown", (e) => (e.key === "Enter" || e.key === " ") && input.click());
  input.addEventListener("change", () => start(input.files?.[0]));
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    start(e.dataTransfer?.files?.[0]);
  });
  view.append(card(t("tab_upload"), zone, h("label", { class: "small" }, `${t("sheet")} `, sheet), status));
  await recentLists(view);
}

async function recentLists(view) {
  const { lists } = await get("/v1/case-lists");
  view.append(
    card(
      t("recent_lists"),
      table(
        [
          { label: t("file"), cell: (l) => h("a", { href: `#list/${l.id}` }, l.file) },
          { label: t("time"), cell: (l) => when(l.createdAt) },
          { label: t("state"), cell: (l) => l.state },
          { label: t("rows"), class: "num", cell: (l) => l.totals?.rows ?? "—" },
          { label: t("accepted"), class: "num", cell: (l) => l.totals?.accepted ?? "—" },
          { label: t("rejected"), class: "num", cell: (l) => l.totals?.rejected ?? "—" },
        ],
        lists.slice(0, 20),
      ),
    ),
  );
}

async function listsPage(view) {
  await recentLists(view);
}

// ── validation report ───────────────────────────────────────────────────────────────────────────────────

async function reportPage(view, ctx) {
  const id = ctx.arg;
  const summary = await get(`/v1/case-lists/${encodeURIComponent(id)}`);
  const totals = summary.totals ?? {};
  const status = h("select", { id: "filter-status" }, h("option", { value: "" }, t("all")), ["accepted", "duplicate", "rejected"].map((s) => h("option", { value: s }, t(s))));
  const code = h("select", { id: "filter-code" }, h("option", { value: "" }, t("all")), ERROR_CODES.map((c) => h("option", { value: c }, c)));
  const rowsBox = h("div", { id: "report-rows" });
  const more = h("button", { type: "button", hidden: true }, t("load_more"));
  const message = h("div");
  let next = null;
  const load = async (reset) => {
    if (reset) {
      clear(rowsBox);
      next = null;
    }
    const query = new URLSearchParams({ limit: "200" });
    if (status.value) query.set("status", status.value);
    if (code.value) query.set("code", code.value);
    if (next !== null) query.set("after", String(next));
    try {
      const page = await get(`/v1/case-lists/${encodeURIComponent(id)}/report?${query}`);
      next = page.next;
      more.hidden = next === null;
      rowsBox.append(
        table(
          [
            { label: t("line"), class: "num", cell: (r) => r.line },
            { label: t("loan_ref"), cell: (r) => r.loanRef || "—" },
            { label: t("status"), cell: (r) => h("span", { class: `badge r-${r.status}` }, t(r.status)) },
            {
              label: t("problems"),
              cell: (r) =>
                r.status === "duplicate" && r.errors.length === 0
                  ? h("ul", { class: "issues" }, h("li", {}, h("code", {}, "DUPLICATE_ROW"), " ", t("duplicate_row")))
                  : [...r.errors, ...r.warnings].length === 0
                  ? "—"
                  : h("ul", { class: "issues" }, [...r.errors, ...r.warnings].map((e) => h("li", {}, h("code", {}, e.code), " ", e.field ? `${e.field}: ` : "", say(r.errors.includes(e) ? "field" : "fieldWarning", e.code, e.message)))),
            },
          ],
          page.rows,
        ),
      );
    } catch (error) {
      clear(message).append(errorNote(error));
    }
  };
  status.addEventListener("change", () => load(true));
  code.addEventListener("change", () => load(true));
  more.addEventListener("click", () => load(false));

  const previewButton = h("button", { type: "button", class: "primary", id: "preview-allocation", disabled: !(totals.accepted > 0) || summary.state !== "ready" }, t("preview_allocation"));
  previewButton.addEventListener("click", async () => {
    previewButton.disabled = true;
    try {
      const allocation = await post(`/v1/case-lists/${encodeURIComponent(id)}/allocation`);
      ctx.navigate(`allocation/${allocation.id}`);
    } catch (error) {
      previewButton.disabled = false;
      clear(message).append(errorNote(error));
    }
  });
  const downloadButton = h("button", { type: "button", id: "download-rejected" }, t("download_rejected"));
  downloadButton.addEventListener("click", () => download(`/v1/case-lists/${encodeURIComponent(id)}/rejected.csv`, "rejected.csv").catch((e) => clear(message).append(errorNote(e))));

  view.append(
    card(
      `${t("report")} · ${summary.file}`,
      h(
        "div",
        { class: "stats", id: "report-totals" },
        stat(t("rows"), totals.rows ?? "—"),
        stat(t("accepted"), totals.accepted ?? "—", "ok"),
        stat(t("duplicate"), totals.duplicate ?? "—", "warn"),
        stat(t("rejected"), totals.rejected ?? "—", "bad"),
        stat(t("debtors"), totals.debtors ?? "—"),
        stat(t("updates"), totals.updates ?? 0),
      ),
      summary.error ? errorNote(summary.error) : null,
      h("div", { class: "actions" }, previewButton, downloadButton),
      message,
    ),
    card(
      null,
      h("div", { class: "filters" }, h("label", {}, t("filter_status"), status), h("label", {}, t("filter_code"), code)),
      rowsBox,
      more,
    ),
  );
  await load(true);
}

// ── allocation ──────────────────────────────────────────────────────────────────────────────────────────

async function allocationPage(view, ctx) {
  const id = ctx.arg;
  const record = await get(`/v1/allocations/${encodeURIComponent(id)}`);
  const names = new Map();
  try {
    for (const m of (await get("/v1/members")).members) names.set(m.id, m.name);
  } catch {
    // names are a nicety
  }
  const nameOf = (agencyId) => (agencyId === null ? t("stays_with_lender") : names.get(agencyId) ?? `#${agencyId}`);
  const progressBox = h("div", { id: "commit-progress" });
  const message = h("div", { id: "commit-message" });

  if (record.state !== "preview") {
    view.append(card(`${t("allocation")} · ${id}`, progressBox, message));
    await followCommit(id, progressBox, message);
    return;
  }
  const days = h("input", { type: "number", id: "mandate-days", min: 1, max: 730, value: 90 });
  const commit = h("button", { type: "button", class: "primary", id: "commit", disabled: record.decisions.every((d) => d.agencyId === null) }, t("commit"));
  commit.addEventListener("click", async () => {
    commit.disabled = true;
    clear(message);
    try {
      await post(`/v1/allocations/${encodeURIComponent(id)}/commit`, { mandateDays: Number(days.value) });
      await followCommit(id, progressBox, message);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        clear(message).append(note("warn", t("already_committing")));
        await followCommit(id, progressBox, message);
      } else {
        commit.disabled = false;
        clear(message).append(errorNote(error));
      }
    }
  });
  const agencyFilter = h("select", { id: "decision-filter" }, h("option", { value: "" }, t("all")), [...new Set(record.decisions.map((d) => String(d.agencyId)))].map((a) => h("option", { value: a }, nameOf(a === "null" ? null : Number(a)))));
  const decisionsBox = h("div");
  const showDecisions = () => {
    const chosen = record.decisions.filter((d) => !agencyFilter.value || String(d.agencyId) === agencyFilter.value);
    clear(decisionsBox).append(
      table(
        [
          { label: t("loan_ref"), cell: (d) => d.loanRef },
          { label: t("agency"), cell: (d) => nameOf(d.agencyId) },
          { label: t("outstanding"), class: "num", cell: (d) => money(d.outstandingFen) },
          { label: t("reason"), cell: (d) => h("span", {}, h("code", {}, d.reason.code), " ", pick(d.reason.message)) },
          { label: t("score"), class: "num", cell: (d) => (d.score === undefined ? "—" : d.score.toFixed(3)) },
        ],
        chosen.slice(0, 300),
      ),
      ...(chosen.length > 300 ? [h("p", { class: "muted" }, `… ${chosen.length - 300}`)] : []),
    );
  };
  agencyFilter.addEventListener("change", showDecisions);
  showDecisions();
  view.append(
    card(
      `${t("allocation")} · ${id}`,
      table(
        [
          { label: t("agency"), cell: (a) => a.name || nameOf(a.agencyId) },
          { label: t("cases"), class: "num", cell: (a) => a.cases },
          { label: t("outstanding"), class: "num", cell: (a) => money(a.outstandingFen) },
        ],
        record.byAgency,
      ),
      h("p", {}, `${t("unmatched")}: `, h("strong", { id: "unmatched" }, record.unmatched), " · ", `${t("skipped")}: `, h("strong", {}, record.skipped.length)),
      h("div", { class: "actions" }, h("label", {}, t("mandate_days"), days), commit),
      progressBox,
      message,
    ),
    card(t("decisions"), h("div", { class: "filters" }, h("label", {}, t("agency"), agencyFilter)), decisionsBox),
  );
}

async function followCommit(id, box, message) {
  const bar = progressBar(0);
  const label = h("span", { id: "commit-label" }, t("committing"));
  clear(box).append(h("div", { class: "progress-row" }, label, bar));
  for (let i = 0; i < 600; i++) {
    let p;
    try {
      p = await get(`/v1/allocations/${encodeURIComponent(id)}`);
    } catch (error) {
      clear(message).append(errorNote(error));
      return;
    }
    bar.value = p.total ? p.done / p.total : 0;
    const delivered = (p.handovers ?? []).filter((d) => d.state === "delivered").length;
    label.textContent = `${t("committing")} ${p.done}/${p.total} · ${t("handover")} ${delivered}/${(p.jobs ?? []).length}`;
    // A delivery that stopped (a dead letter, or cancelled by the chain) is shown with its reason; a dead letter can be retried.
    const stopped = (p.handovers ?? []).filter((d) => d.state === "dead-letter" || d.state === "cancelled");
    if (p.state === "committed" && stopped.length > 0 && delivered + stopped.length === (p.jobs ?? []).length) {
      for (const d of stopped) box.append(handoverNote(d, () => followCommit(id, box, message), message));
      return;
    }
    if (p.state === "committed" && delivered === (p.jobs ?? []).length) {
      bar.value = 1;
      label.textContent = `${p.done}/${p.total}`;
      box.append(note("ok", t("committed"), `${t("until")}: ${day(p.until)}${p.failed ? ` · failed ${p.failed}` : ""}`));
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function handoverNote(d, again, message) {
  if (d.state === "cancelled") return note("info", t("handover_cancelled"), `#${d.agencyId}`);
  const retry = h("button", { type: "button", class: "handover-retry" }, t("handover_retry"));
  retry.addEventListener("click", async () => {
    retry.disabled = true;
    try {
      await post(`/v1/handovers/${encodeURIComponent(d.jobId)}/retry`);
      await again();
    } catch (error) {
      clear(message).append(errorNote(error));
      retry.disabled = false;
    }
  });
  return h("div", { class: "handover-dead-letter" }, note("warn", t("handover_dead_letter"), `#${d.agencyId} · ${d.attempts} · ${d.lastError ?? ""}`), retry);
}

// ── cases ───────────────────────────────────────────────────────────────────────────────────────────────

async function casesPage(view, ctx) {
  const input = h("input", { type: "search", id: "loanref", placeholder: "BK-000001", required: true });
  const result = h("div", { id: "search-result" });
  const form = h("form", { class: "filters" }, h("label", {}, t("search_loanref"), input), h("button", { type: "submit", class: "primary" }, t("search")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clear(result);
    try {
      const { cases } = await get(`/v1/cases?loanRef=${encodeURIComponent(input.value.trim())}`);
      if (!cases.length) result.append(note("info", t("no_case")));
      else ctx.navigate(`case/${cases[0].caseKey}`);
    } catch (error) {
      result.append(errorNote(error));
    }
  });
  view.append(card(t("tab_cases"), form, result));
  await caseList(view, "/v1/case-summaries", (c) => `case/${c.caseKey}`);
}

/** A paged list of the member's cases (lender: its own; agency: assigned to it). */
export async function caseList(view, path, linkOf, { selectable = false, extraColumns = [], actions } = {}) {
  const box = h("div");
  const more = h("button", { type: "button", hidden: true }, t("load_more"));
  const selected = new Set();
  let next = null;
  const load = async () => {
    const page = await get(`${path}?limit=50${next ? `&after=${next}` : ""}`);
    next = page.next;
    more.hidden = !next;
    box.append(
      table(
        [
          ...(selectable
            ? [{ label: "", cell: (c) => h("input", { type: "checkbox", "data-case": c.caseKey, onchange: (e) => (e.target.checked ? selected.add(c.caseKey) : selected.delete(c.caseKey)) }) }]
            : []),
          { label: t("loan_ref"), cell: (c) => h("a", { href: `#${linkOf(c)}` }, c.loanRef ?? short(c.caseKey)) },
          { label: t("letter_debtor"), cell: (c) => c.debtor ?? "—" },
          { label: t("outstanding"), class: "num", cell: (c) => money(c.outstandingFen) },
          { label: t("status"), cell: (c) => badge(c.status) },
          { label: t("creditor"), cell: (c) => c.creditor },
          { label: t("agency"), cell: (c) => c.agency ?? "—" },
          { label: t("until"), cell: (c) => day(c.until) },
          ...extraColumns,
        ],
        page.cases,
        { rowAttrs: (c) => ({ "data-loanref": c.loanRef ?? "" }) },
      ),
    );
  };
  more.addEventListener("click", load);
  view.append(card(null, actions ? actions(selected) : null, box, more));
  await load();
  return { selected };
}

// ── portfolio ───────────────────────────────────────────────────────────────────────────────────────────

async function portfolioPage(view) {
  const [data, charts] = await Promise.all([get("/v1/portfolio"), import("./charts.js")]);
  const yuan = (fen) => Number(BigInt(fen) / 100n);
  const grid = h("div", { class: "charts" });
  view.append(
    card(
      t("tab_portfolio"),
      h("div", { class: "stats" }, stat(t("total_cases"), data.totals.cases), stat(t("total_outstanding"), `${money(data.totals.outstandingFen)} ${t("yuan")}`),
        Object.assign(stat(t("portfolio_recovered"), `${money(data.recovery.recoveredFen)} ${t("yuan")} · ${(Math.round(data.recovery.recoveryRate * 1000) / 10).toFixed(1)}%`), { id: "portfolio-recovered" }),
      ),
      h("p", { class: "muted small" }, `${when(data.asOf)}`),
    ),
    grid,
  );
  const chartCard = (title, id) => {
    const el = h("div", { class: "chart", id });
    grid.append(card(title, el));
    return el;
  };
  await charts.ready();
  charts.bars(chartCard(t("portfolio_status"), "chart-status"), data.byStatus.map((s) => t(`status_${s.status}`)), data.byStatus.map((s) => s.cases));
  charts.bars(chartCard(t("portfolio_outstanding"), "chart-outstanding"), data.byAgency.map((a) => a.name), data.byAgency.map((a) => yuan(a.outstandingFen)));
  charts.bars(chartCard(t("portfolio_recovery"), "chart-recovery"), data.byAgency.map((a) => a.name), data.byAgency.map((a) => Math.round(a.recoveryRate * 1000) / 10));
  charts.bars(chartCard(t("portfolio_aging"), "chart-aging"), data.aging.map((a) => `${a.bucket} ${t("days")}`), data.aging.map((a) => a.cases));
}
