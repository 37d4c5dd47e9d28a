// Mediation agreements (design §28). The lender's tab: its agreements, each one's signatures and instalments (paid, due,
// overdue, defaulted), the debtor's acceptance, and on default the form that builds the filing package (a zip the
// browser saves; the gateway keeps nothing). The mediator's tab: the agreements its gateway received, to approve or refuse.
import { api, get, post } from "./api.js";
import { money, t, yuanToFen } from "./i18n.js";
import { card, clear, errorNote, h, note, table } from "./ui.js";

const short = (hash) => `${hash.slice(0, 10)}…${hash.slice(-6)}`;
const STATE_CLASS = { paid: "r-accepted", due: "", overdue: "r-duplicate", defaulted: "r-rejected" };

function badge(state) {
  return h("span", { class: `badge ${STATE_CLASS[state] ?? ""}`, "data-state": state }, t(`mediation_state_${state}`));
}

function scheduleTable(schedule) {
  return table(
    [
      { label: "#", cell: (i) => String(i.number) },
      { label: t("mediation_due"), cell: (i) => i.due },
      { label: t("mediation_amount"), cell: (i) => money(i.amountFen), class: "num" },
      { label: t("mediation_paid"), cell: (i) => money(i.paidFen), class: "num" },
      { label: t("mediation_instalment_state"), cell: (i) => badge(i.state) },
    ],
    schedule.instalments,
    { rowAttrs: (i) => ({ "data-instalment": i.number, "data-state": i.state }) },
  );
}

function field(label, input) {
  return h("label", {}, label, input);
}

/** The filing form: the staff fill the template's fields; the zip is saved by the browser. */
function filingForm(m) {
  const documentSelect = h("select", { name: "document" }, h("option", { value: "complaint" }, t("mediation_doc_complaint")), h("option", { value: "payment-order" }, t("mediation_doc_payment_order")));
  const inputs = {
    court: h("input", { name: "court", required: true, maxlength: 60 }),
    name: h("input", { name: "plaintiffName", maxlength: 80 }),
    address: h("input", { name: "plaintiffAddress", required: true, maxlength: 120 }),
    representative: h("input", { name: "representative", required: true, maxlength: 40 }),
    defendantAddress: h("input", { name: "defendantAddress", maxlength: 120 }),
  };
  const status = h("div", { class: "filing-status" });
  const submit = h("button", { type: "submit", class: "primary" }, t("mediation_build_filing"));
  const form = h(
    "form",
    { class: "filing-form", "data-hash": m.hash },
    h("h3", {}, t("mediation_filing")),
    h("p", { class: "muted small" }, t("mediation_filing_help")),
    h(
      "div",
      { class: "filters" },
      field(t("mediation_document"), documentSelect),
      field(t("mediation_court"), inputs.court),
      field(t("mediation_plaintiff_name"), inputs.name),
      field(t("mediation_plaintiff_address"), inputs.address),
      field(t("mediation_representative"), inputs.representative),
      field(t("mediation_defendant_address"), inputs.defendantAddress),
      submit,
    ),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    clear(status).append(note("info", t("mediation_building")));
    const body = {
      document: documentSelect.value,
      court: inputs.court.value,
      plaintiff: { address: inputs.address.value, representative: inputs.representative.value, ...(inputs.name.value ? { name: inputs.name.value } : {}) },
      ...(inputs.defendantAddress.value ? { defendant: { address: inputs.defendantAddress.value } } : {}),
    };
    try {
      const res = await api("POST", `/v1/mediations/${m.hash}/filing`, body, { raw: true });
      const blob = await res.blob();
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "filing.zip";
      const link = h("a", { href: URL.createObjectURL(blob), download: name, class: "filing-download" }, name);
      clear(status).append(note("ok", t("mediation_filing_ready"), link));
      link.click();
    } catch (error) {
      clear(status).append(errorNote(error));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The debtor's acceptance with its file (a scan, a recording): sent as the body, notarized and kept by the gateway. */
const uploadAcceptance = (hash, method, file) => api("POST", `/v1/mediations/${hash}/acceptance?method=${encodeURIComponent(method)}`, file);

function acceptanceForm(m, refresh) {
  const method = h("select", { name: "method" }, ["signed-paper", "recorded-call", "in-person"].map((v) => h("option", { value: v }, t(`mediation_method_${v}`))));
  const file = h("input", { name: "acceptanceFile", type: "file", required: true });
  const status = h("div");
  const form = h("form", { class: "acceptance-form" }, h("div", { class: "filters" }, field(t("mediation_method"), method), field(t("mediation_acceptance_file"), file), h("button", { type: "submit" }, t("mediation_record_acceptance"))), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      await uploadAcceptance(m.hash, method.value, chosen);
      await refresh();
    } catch (error) {
      clear(status).append(errorNote(error));
    }
  });
  return form;
}

/** "YYYY-MM-DD" plus `months` calendar months (a 31st runs into the next month, as the calendar does). */
function addMonths(day, months) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}

/** Equal monthly instalments of `totalFen` from `first`: the last takes what does not divide (Σ = amount, always). */
function monthlyInstalments(totalFen, count, first) {
  const total = BigInt(totalFen);
  const n = BigInt(count);
  const each = total / n;
  return Array.from({ length: count }, (_, i) => ({ due: addMonths(first, i), amountFen: String(i === count - 1 ? total - each * (n - 1n) : each) }));
}

/** Fen (decimal string) → the yuan text an amount input shows ("1000.05"). */
function fenToYuanText(fen) {
  const n = BigInt(fen);
  return `${n / 100n}.${(n % 100n).toString().padStart(2, "0")}`;
}

/**
 * The instalments, row by row: due day and amount, each editable, rows added or removed; "fill equal monthly" writes
 * them from the amount, count and first due day. Empty, the draft takes equal monthly instalments (the common case).
 * `read()` gives the rows as the agreement takes them, or a message naming the first bad row.
 */
function instalmentEditor(amountInput) {
  const rows = h("tbody");
  const sum = h("p", { class: "small", "data-role": "instalment-sum" });
  const refreshSum = () => {
    const amounts = [...rows.querySelectorAll("input[name=instalmentAmount]")].map((i) => yuanToFen(i.value));
    clear(sum);
    if (amounts.length === 0) return;
    const total = amounts.reduce((a, f) => a + BigInt(f ?? "0"), 0n);
    const agreed = yuanToFen(amountInput.value);
    const differs = agreed !== undefined && total !== BigInt(agreed);
    sum.className = differs ? "note error small" : "small";
    sum.append(t(differs ? "mediation_sum_differs" : "mediation_sum", { sum: money(total.toString()), amount: agreed === undefined ? "—" : money(agreed) }));
  };
  const add = (due = "", amountFen) => {
    const remove = h("button", { type: "button", "data-action": "remove-instalment" }, t("mediation_remove_instalment"));
    const row = h(
      "tr",
      { "data-instalment-row": "" },
      h("td", { class: "num" }),
      h("td", {}, h("input", { name: "instalmentDue", type: "date", value: due, required: true })),
      h("td", {}, h("input", { name: "instalmentAmount", inputmode: "decimal", value: amountFen === undefined ? "" : fenToYuanText(amountFen), required: true, size: 12 })),
      h("td", {}, remove),
    );
    remove.addEventListener("click", () => {
      row.remove();
      renumber();
    });
    rows.append(row);
    renumber();
  };
  const renumber = () => {
    [...rows.children].forEach((row, i) => (row.firstChild.textContent = String(i + 1)));
    refreshSum();
  };
  rows.addEventListener("input", refreshSum);
  amountInput.addEventListener("input", refreshSum);
  return {
    add,
    fill(instalments) {
      clear(rows);
      instalments.forEach((i) => add(i.due, i.amountFen));
    },
    clear() {
      clear(rows);
      refreshSum();
    },
    /** The rows as instalments, or `{ error }` naming the first bad row (1-based); [] when there are none. */
    read() {
      const out = [];
      for (const [i, row] of [...rows.children].entries()) {
        const due = row.querySelector("input[name=instalmentDue]").value;
        const amountFen = yuanToFen(row.querySelector("input[name=instalmentAmount]").value);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(due) || amountFen === undefined || amountFen === "0") return { error: t("mediation_instalment_invalid", { row: i + 1 }) };
        out.push({ due, amountFen });
      }
      return { instalments: out };
    },
    element: h(
      "div",
      { class: "instalments" },
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, t("mediation_due")), h("th", {}, t("mediation_instalment_amount")), h("th", {}))), rows),
      sum,
    ),
  };
}

/**
 * The draft form: the terms and the instalments — equal monthly ones by default, or rows of any days and amounts
 * (which must add up to the amount: the gateway checks it too); the gateway fills in the creditor and the agency from
 * the chain.
 */
async function draftForm(onDrafted) {
  const { members } = await get("/v1/members").catch(() => ({ members: [] }));
  const mediators = members.filter((m) => m.status === "Active" && (m.roles ?? []).includes("mediator"));
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const inputs = {
    caseKey: h("input", { name: "caseKey", required: true, pattern: "0x[0-9a-fA-F]{64}", size: 40 }),
    mediator: h("select", { name: "mediatorId" }, mediators.map((m) => h("option", { value: m.id }, `#${m.id} ${m.name}`))),
    amount: h("input", { name: "amount", required: true, inputmode: "decimal" }),
    waiver: h("input", { name: "waiver", value: "0", inputmode: "decimal" }),
    voidOnDefault: h("input", { name: "voidOnDefault", type: "checkbox" }),
    count: h("input", { name: "count", type: "number", min: 1, max: 120, value: 3, required: true }),
    first: h("input", { name: "first", type: "date", required: true }),
    grace: h("input", { name: "graceDays", type: "number", min: 0, max: 90, value: 15, required: true }),
    place: h("input", { name: "place", required: true, maxlength: 40 }),
    date: h("input", { name: "date", type: "date", value: today, required: true }),
  };
  const status = h("div");
  const editor = instalmentEditor(inputs.amount);
  const equalMonthly = () => {
    const amountFen = yuanToFen(inputs.amount.value);
    return amountFen && amountFen !== "0" && inputs.first.value && Number(inputs.count.value) >= 1 ? monthlyInstalments(amountFen, Number(inputs.count.value), inputs.first.value) : undefined;
  };
  const fillButton = h("button", { type: "button", "data-action": "fill-instalments" }, t("mediation_fill_equal"));
  fillButton.addEventListener("click", () => {
    const instalments = equalMonthly();
    if (instalments) {
      clear(status);
      editor.fill(instalments);
    } else clear(status).append(note("error", t("mediation_fill_needs")));
  });
  const addButton = h("button", { type: "button", "data-action": "add-instalment" }, t("mediation_add_instalment"));
  addButton.addEventListener("click", () => editor.add());
  const form = h(
    "form",
    { class: "draft-form" },
    h("h3", {}, t("mediation_draft")),
    h(
      "div",
      { class: "filters" },
      field(t("mediation_case_key"), inputs.caseKey),
      field(t("mediation_mediator"), inputs.mediator),
      field(t("mediation_amount_yuan"), inputs.amount),
      field(t("mediation_waiver_yuan"), inputs.waiver),
      field(t("mediation_void_on_default"), inputs.voidOnDefault),
      field(t("mediation_count"), inputs.count),
      field(t("mediation_first_due"), inputs.first),
      field(t("mediation_grace"), inputs.grace),
      field(t("mediation_place"), inputs.place),
      field(t("mediation_date"), inputs.date),
    ),
    h("p", { class: "muted small" }, t("mediation_instalments_help")),
    editor.element,
    h("div", { class: "filters" }, fillButton, addButton, h("button", { type: "submit", class: "primary" }, t("mediation_create"))),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const amountFen = yuanToFen(inputs.amount.value);
    const waiverFen = yuanToFen(inputs.waiver.value || "0");
    if (!amountFen || !waiverFen) {
      clear(status).append(note("error", t("mediation_amount_invalid")));
      return;
    }
    const rows = editor.read();
    if (rows.error) {
      clear(status).append(note("error", rows.error));
      return;
    }
    const instalments = rows.instalments.length > 0 ? rows.instalments : monthlyInstalments(amountFen, Number(inputs.count.value), inputs.first.value);
    const total = instalments.reduce((a, i) => a + BigInt(i.amountFen), 0n);
    if (total !== BigInt(amountFen)) {
      clear(status).append(note("error", t("mediation_sum_differs", { sum: money(total.toString()), amount: money(amountFen) })));
      return;
    }
    try {
      await post("/v1/mediations", {
        caseKey: inputs.caseKey.value.trim(),
        mediatorId: Number(inputs.mediator.value),
        debtorRole: "borrower",
        amountFen,
        waiver: { amountFen: waiverFen, items: waiverFen === "0" ? [] : ["interest", "penalty"], voidOnDefault: inputs.voidOnDefault.checked },
        instalments,
        graceDays: Number(inputs.grace.value),
        place: inputs.place.value,
        date: inputs.date.value,
      });
      form.reset();
      editor.clear();
      clear(status);
      await onDrafted();
    } catch (error) {
      const problems = error.details?.problems;
      clear(status).append(errorNote(error), Array.isArray(problems) ? h("ul", { class: "small" }, problems.map((p) => h("li", {}, `${p.path}: ${p.code}`))) : null);
    }
  });
  return form;
}

async function lenderPage(view) {
  const list = h("div", { id: "mediations" });
  const section = card(t("tab_mediations"), h("p", { class: "muted small" }, t("mediation_lender_help")), list);
  view.append(section);
  const refresh = async () => {
    const { mediations } = await get("/v1/mediations");
    clear(list);
    if (mediations.length === 0) list.append(note("info", t("mediation_none")));
    for (const m of mediations.filter((x) => x.side === "creditor")) {
      const full = m.state === "effective" ? await get(`/v1/mediations/${m.hash}`) : m;
      const a = m.agreement;
      const box = h(
        "section",
        { class: "card mediation", "data-hash": m.hash, "data-state": m.state },
        h("h3", {}, `${short(m.hash)} · `, h("span", { class: "state" }, t(`mediation_state_${m.state}`))),
        h("p", { class: "small" }, t("mediation_summary", { caseKey: short(a.caseKey), amount: money(a.amountFen), count: a.instalments.length, mediator: a.mediatorId, grace: a.graceDays, date: a.date })),
      );
      if (m.state === "draft") {
        const ask = h("button", { type: "button" }, t("mediation_request"));
        ask.addEventListener("click", async () => {
          try {
            await post(`/v1/mediations/${m.hash}/request`);
            await refresh();
          } catch (error) {
            box.append(errorNote(error));
          }
        });
        box.append(ask);
      }
      if (m.refusal) box.append(note("warn", t("mediation_refused", { reason: t(`mediation_reason_${m.refusal.reason}`) })));
      if (!m.acceptance && ["draft", "requested", "signed"].includes(m.state)) box.append(acceptanceForm(m, refresh));
      if (full.schedule) {
        const s = full.schedule;
        box.append(scheduleTable(s));
        if (s.defaulted) {
          box.append(note("error", t("mediation_in_default", { since: s.defaultedSince, unpaid: money(s.unpaidFen) })));
          box.append(filingForm(m));
        }
      }
      list.append(box);
    }
  };
  section.insertBefore(await draftForm(refresh), list);
  await refresh();
}

async function mediatorPage(view) {
  const list = h("div", { id: "mediation-requests" });
  view.append(card(t("tab_mediation_requests"), h("p", { class: "muted small" }, t("mediation_mediator_help")), list));
  const refresh = async () => {
    const { mediations } = await get("/v1/mediations");
    const rows = mediations.filter((m) => m.side === "mediator");
    clear(list).append(
      table(
        [
          { label: t("mediation_agreement"), cell: (m) => short(m.hash) },
          { label: t("mediation_creditor"), cell: (m) => `#${m.agreement.creditorId}` },
          { label: t("mediation_amount"), cell: (m) => `${money(m.agreement.amountFen)} / ${m.agreement.instalments.length}`, class: "num" },
          { label: t("mediation_instalment_state"), cell: (m) => t(`mediation_state_${m.state}`) },
          {
            label: "",
            cell: (m) => {
              if (m.state !== "received") return "";
              const approve = h("button", { type: "button", class: "primary", "data-action": "approve" }, t("mediation_approve"));
              const reason = h("select", {}, ["TERMS_UNFAIR", "DEBTOR_NOT_HEARD", "FACTS_DISPUTED", "OTHER"].map((r) => h("option", { value: r }, t(`mediation_reason_${r}`))));
              const refuse = h("button", { type: "button", "data-action": "refuse" }, t("mediation_refuse"));
              const act = (path, body) => async () => {
                try {
                  await post(`/v1/mediations/${m.hash}/${path}`, body);
                  await refresh();
                } catch (error) {
                  list.append(errorNote(error));
                }
              };
              approve.addEventListener("click", act("approve"));
              refuse.addEventListener("click", () => act("refuse", { reason: reason.value })());
              return h("span", {}, approve, " ", reason, refuse);
            },
          },
        ],
        rows,
        { empty: t("mediation_none"), rowAttrs: (m) => ({ "data-hash": m.hash, "data-state": m.state }) },
      ),
    );
  };
  await refresh();
}

export async function render(view, ctx) {
  if (ctx.name === "mediation-requests") await mediatorPage(view);
  else await lenderPage(view);
}
