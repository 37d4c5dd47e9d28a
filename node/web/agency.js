// Agency pages: my cases (accept / return / letter), the ownership check with its on-chain proof, evidence.
import { get, poll, post } from "./api.js";
import { day, pick, t, when } from "./i18n.js";
import { caseList } from "./lender.js";
import { card, clear, errorNote, h, note } from "./ui.js";

export async function render(view, ctx) {
  const pages = { mycases: myCases, check: checkPage, evidence: evidencePage };
  await pages[ctx.name](view, ctx);
}

async function myCases(view, ctx) {
  view.append(h("p", { class: "muted" }, t("my_cases_help")));
  const message = h("div", { id: "bulk-message" });
  const bulk = (action, label, id) => (selected) => {
    const button = h("button", { type: "button", id }, label);
    button.addEventListener("click", async () => {
      if (!selected.size) return;
      button.disabled = true;
      clear(message).append(note("info", t("action_sent")));
      try {
        const job = await post("/v1/cases/actions", { action, caseKeys: [...selected] });
        const done = await poll(async () => {
          const j = await get(`/v1/jobs/${job.id}`);
          return j.status === "done" || j.status === "failed" ? j : undefined;
        }, { ms: 700, timeoutMs: 60_000 });
        await new Promise((r) => setTimeout(r, 1500)); // the index follows the chain within a second
        ctx.flash(note(done?.failed ? "warn" : "ok", `${t("action_done")}: ${done?.done ?? 0}/${done?.total ?? selected.size}`));
        ctx.navigate("mycases");
      } catch (error) {
        button.disabled = false;
        clear(message).append(errorNote(error));
      }
    });
    return button;
  };
  await caseList(view, "/v1/case-summaries", (c) => `case/${c.caseKey}`, {
    selectable: true,
    extraColumns: [{ label: "", cell: (c) => (c.held ? h("a", { href: `#letter/${c.caseKey}`, class: "button small" }, t("letter")) : "") }],
    actions: (selected) => h("div", { class: "actions" }, bulk("accept", t("accept"), "bulk-accept")(selected), bulk("returnCases", t("return_case"), "bulk-return")(selected), message),
  });
}

async function checkPage(view) {
  const members = (await get("/v1/members")).members.filter((m) => m.roles.includes("lender"));
  const mode = h("select", { id: "check-mode" }, h("option", { value: "id" }, t("by_id")), h("option", { value: "loanRef" }, t("by_loanref")), h("option", { value: "caseKey" }, t("by_casekey")));
  const idInput = h("input", { type: "password", id: "check-id", autocomplete: "off", placeholder: "110101199003070000" });
  const creditor = h("select", { id: "check-creditor" }, members.map((m) => h("option", { value: m.id }, m.name)));
  const loanRef = h("input", { type: "text", id: "check-loanref", placeholder: "BK-000001" });
  const caseKey = h("input", { type: "text", id: "check-casekey", placeholder: "0x…" });
  const fields = h("div", { class: "filters" });
  const result = h("div", { id: "check-result" });
  const showFields = () => {
    const parts = [h("label", {}, t("check_by"), mode)];
    if (mode.value === "id") parts.push(h("label", {}, t("id_number"), idInput));
    if (mode.value === "loanRef") parts.push(h("label", {}, t("creditor_member"), creditor), h("label", {}, t("loan_ref"), loanRef));
    if (mode.value === "caseKey") parts.push(h("label", { class: "wide" }, t("by_casekey"), caseKey));
    parts.push(h("button", { type: "submit", class: "primary", id: "check-submit" }, t("check")));
    clear(fields).append(...parts);
  };
  mode.addEventListener("change", showFields);
  showFields();
  const form = h("form", {}, fields, mode.value === "id" ? h("p", { class: "muted small" }, t("id_note")) : null);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clear(result).append(note("info", t("loading")));
    try {
      let answers;
      if (mode.value === "id") {
        // POST: the ID number goes in the body, never in a URL.
        const body = await post("/v1/ownership", { idNumber: idInput.value });
        answers = body.cases;
        idInput.value = "";
      } else if (mode.value === "loanRef") {
        answers = [await get(`/v1/ownership?creditorId=${encodeURIComponent(creditor.value)}&loanRef=${encodeURIComponent(loanRef.value.trim())}`)];
      } else {
        answers = [await get(`/v1/ownership?caseKey=${encodeURIComponent(caseKey.value.trim())}`)];
      }
      clear(result);
      if (!answers.length) result.append(note("info", t("no_cases_for_id")));
      const names = new Map(members.map((m) => [m.id, m.name]));
      for (const a of answers) result.append(answerCard(a, names));
    } catch (error) {
      clear(result).append(errorNote(error));
    }
  });
  view.append(card(t("tab_check"), form, result));
}

function answerCard(a, names) {
  return h(
    "div",
    { class: `answer ${a.authorized ? "yes" : "no"}`, "data-authorized": String(a.authorized) },
    h("div", { class: "verdict" }, a.authorized ? `✔ ${t("authorized_yes")}` : `✘ ${t("authorized_no")}`),
    a.reason ? h("p", {}, pick(a.reason)) : null,
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("creditor")), h("dd", {}, a.creditorId ? names.get(a.creditorId) ?? `#${a.creditorId}` : "—"),
      h("dt", {}, t("status")), h("dd", {}, t(`status_${a.expired ? "Expired" : a.status}`)),
      h("dt", {}, t("since")), h("dd", {}, when(a.assignedAt)),
      h("dt", {}, t("until")), h("dd", {}, day(a.until)),
      h("dt", {}, "caseKey"), h("dd", { class: "mono small" }, a.caseKey),
      h("dt", {}, t("checked_at")), h("dd", {}, when(a.checkedAt)),
    ),
    h(
      "details",
      { open: true },
      h("summary", {}, t("proof")),
      h(
        "dl",
        { class: "facts proof" },
        h("dt", {}, t("chain_id")), h("dd", {}, a.proof.chainId),
        h("dt", {}, t("contract")), h("dd", { class: "mono small" }, a.proof.contract),
        h("dt", {}, t("tx")), h("dd", { class: "mono small" }, a.proof.txHash ?? "—"),
        h("dt", {}, t("block")), h("dd", {}, a.proof.block ?? "—"),
      ),
    ),
  );
}

const KINDS = ["call-recording", "sms", "letter", "visit", "mediation-agreement", "repayment", "settlement", "court-filing", "authorization", "other"];

/** Record a file as evidence for a held case (POST /v1/evidence, raw body), then download its receipt once anchored. */
async function evidencePage(view) {
  const { cases } = await get("/v1/case-summaries?limit=500");
  const held = cases.filter((c) => c.held);
  const caseSelect = h("select", { id: "evidence-case" }, held.map((c) => h("option", { value: c.caseKey }, `${c.loanRef ?? c.caseKey.slice(0, 10)} · ${c.debtor ?? ""}`)));
  const kind = h("select", { id: "evidence-kind" }, KINDS.map((k) => h("option", { value: k }, k)));
  const file = h("input", { type: "file", id: "evidence-file" });
  const submit = h("button", { type: "submit", class: "primary", id: "evidence-submit" }, t("record_evidence"));
  const result = h("div", { id: "evidence-result" });
  const form = h("form", {}, h("div", { class: "filters" }, h("label", {}, t("letter_case"), caseSelect), h("label", {}, t("evidence_kind"), kind), h("label", {}, t("file"), file), submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen || !caseSelect.value) return;
    submit.disabled = true;
    clear(result).append(note("info", t("loading")));
    try {
      const record = await uploadEvidence(caseSelect.value, kind.value, chosen);
      clear(result).append(note("ok", t("evidence_recorded"), `#${record.id} · sha256 ${record.contentSha256}`));
      const receiptBox = h("div", { id: "receipt-box" }, note("info", t("receipt_pending")));
      result.append(receiptBox);
      const receipt = await poll(async () => {
        const r = await get(`/v1/evidence/${record.id}/receipt`);
        return r.status === "pending" ? undefined : r;
      }, { ms: 1000, timeoutMs: 180_000 });
      clear(receiptBox);
      if (!receipt) receiptBox.append(note("warn", t("receipt_still_pending")));
      else {
        const blob = new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" });
        const name = `${chosen.name}.receipt.json`;
        receiptBox.append(h("a", { class: "button primary", id: "receipt-download", href: URL.createObjectURL(blob), download: name }, `${t("download_receipt")} (${name})`));
      }
    } catch (error) {
      clear(result).append(errorNote(error));
    } finally {
      submit.disabled = false;
    }
  });
  view.append(card(t("tab_evidence"), h("p", { class: "muted" }, t("evidence_help")), held.length ? form : note("info", t("no_held_cases")), result));
}

function uploadEvidence(caseKey, kind, file) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/v1/evidence?caseKey=${encodeURIComponent(caseKey)}&kind=${encodeURIComponent(kind)}&keep=true`);
    xhr.setRequestHeader("authorization", `Bearer ${sessionStorage.getItem("caseledger.token")}`);
    xhr.setRequestHeader("content-type", file.type && file.type !== "application/json" ? file.type : "application/octet-stream");
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || "{}");
      if (xhr.status === 201) resolve(body);
      else reject(Object.assign(new Error(body?.error?.message ?? xhr.statusText), { code: body?.error?.code, status: xhr.status }));
    };
    xhr.onerror = () => reject(new Error("network error"));
    xhr.send(file);
  });
}
