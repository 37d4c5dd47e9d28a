// One case: details, chain state, on-chain history, evidence timeline; recall and settle (lender), accept/return/letter (agency).
import { ApiError, get, poll, post } from "./api.js";
import { day, explain, money, pick, t, when, yuanToFen } from "./i18n.js";
import { badge, card, clear, errorNote, h, note, short, table } from "./ui.js";
import { agencyReports, lenderLedger } from "./repayments.js";

export async function render(view, ctx) {
  const caseKey = ctx.arg;
  let c;
  try {
    c = await get(`/v1/cases/${encodeURIComponent(caseKey)}`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
      view.append(note("error", t("not_found_or_not_yours"), `${explain(error)} · ${error.code}`));
      return;
    }
    throw error;
  }
  const names = new Map();
  try {
    for (const m of (await get("/v1/members")).members) names.set(m.id, m.name);
  } catch {
    // names are a nicety
  }
  const nameOf = (id) => (id ? names.get(id) ?? `#${id}` : "—");
  const chain = c.chain;
  // The status as read now and the steps open to this member come from the gateway, which applies the consortium's
  // rules (docs/design.md §14): the page keeps no copy of them.
  const status = c.status;
  const open = new Set(c.actions ?? []);
  const message = h("div", { id: "case-message" });
  const actions = h("div", { class: "actions" });
  const isAgency = ctx.me.role === "agency" || (ctx.me.role === "admin" && ctx.me.memberRoles.includes("agency"));
  const isLender = ctx.me.role === "lender" || (ctx.me.role === "admin" && ctx.me.memberRoles.includes("lender"));

  const runAction = async (action, button, confirmText, body) => {
    if (confirmText && !window.confirm(confirmText)) return;
    button.disabled = true;
    clear(message).append(note("info", t("action_sent")));
    try {
      const job = await post("/v1/cases/actions", body ?? { action, caseKeys: [c.caseKey] });
      const done = await poll(async () => {
        const j = await get(`/v1/jobs/${job.id}`);
        return j.status === "done" || j.status === "failed" ? j : undefined;
      }, { ms: 700, timeoutMs: 60_000 });
      if (done?.failed) {
        clear(message).append(note("error", pick(done.failedItems?.[0]?.status?.reason ?? "failed")));
        button.disabled = false;
        return;
      }
      // The index follows the chain within a second or two.
      await poll(async () => {
        const fresh = await get(`/v1/cases/${encodeURIComponent(c.caseKey)}`);
        return fresh.chain?.status !== chain?.status ? fresh : undefined;
      }, { ms: 500, timeoutMs: 15_000 });
      ctx.flash(note("ok", action === "recall" ? t("recall_done") : t("action_done")));
      ctx.navigate(`case/${c.caseKey}`);
    } catch (error) {
      button.disabled = false;
      clear(message).append(errorNote(error));
    }
  };

  if (isLender && open.has("recall")) {
    const recall = h("button", { type: "button", class: "danger", id: "recall" }, t("recall"));
    recall.addEventListener("click", () => runAction("recall", recall, t("recall_confirm")));
    actions.append(recall);
  }
  if (isLender && open.has("settle")) actions.append(settleForm(c, runAction));
  if (isAgency && open.has("returnCases")) {
    if (open.has("accept")) {
      const accept = h("button", { type: "button", class: "primary", id: "accept" }, t("accept"));
      accept.addEventListener("click", () => runAction("accept", accept));
      actions.append(accept);
    }
    const giveBack = h("button", { type: "button", id: "return" }, t("return_case"));
    giveBack.addEventListener("click", () => runAction("returnCases", giveBack));
    actions.append(giveBack, h("a", { class: "button", href: `#letter/${c.caseKey}`, id: "open-letter" }, t("letter")));
  }

  const person = c.person ?? {};
  view.append(
    card(
      `${t("case_detail")} · ${c.loanRef ?? short(c.caseKey)}`,
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("status")), h("dd", {}, badge(status)),
        h("dt", {}, t("letter_debtor")), h("dd", {}, [person.name, person.idNumber, person.phone].filter(Boolean).join(" · ") || "—"),
        h("dt", {}, t("outstanding")), h("dd", {}, c.outstandingFen ? `${money(c.outstandingFen)} ${t("yuan")}` : "—"),
        h("dt", {}, t("creditor")), h("dd", {}, nameOf(chain?.creditorId ?? c.creditorId)),
        h("dt", {}, t("agency")), h("dd", {}, nameOf(chain?.agencyId)),
        h("dt", {}, t("since")), h("dd", {}, when(chain?.assignedAt)),
        h("dt", {}, t("until")), h("dd", {}, day(chain?.until)),
        h("dt", {}, "caseKey"), h("dd", { class: "mono small" }, c.caseKey),
      ),
      actions,
      message,
    ),
    card(
      t("history"),
      table(
        [
          { label: t("time"), cell: (e) => when(e.time) },
          { label: t("status"), cell: (e) => e.type },
          { label: t("agency"), cell: (e) => nameOf(e.agencyId) },
          { label: t("until"), cell: (e) => (e.until ? day(e.until) : "—") },
          { label: t("block"), class: "num", cell: (e) => e.block },
          { label: t("tx"), cell: (e) => h("span", { class: "mono small", title: e.txHash }, short(e.txHash)) },
        ],
        c.history ?? [],
      ),
    ),
    await evidenceTimeline(c.caseKey),
  );
  // Repayments: the creditor's ledger, or the holding agency's reports (docs/design.md §22).
  const creditor = (chain?.creditorId ?? c.creditorId) === ctx.me.memberId;
  if (isLender && creditor) view.append(await lenderLedger(c.caseKey));
  else if (isAgency && open.has("returnCases")) view.append(await agencyReports(c.caseKey));
}

/** The bytes of a file as base64, in chunks (a large array would overflow String.fromCharCode's arguments). */
async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Settling: the lender states what the case was settled for (0 for a write-off) — the listed outstanding is shown,
 * never assumed — and may attach the terms, notarized as evidence and hashed on chain (docs/design.md §24).
 */
function settleForm(c, runAction) {
  const amount = h("input", { type: "text", id: "settle-amount", inputmode: "decimal", placeholder: "0.00", "aria-label": t("settle_amount") });
  const terms = h("input", { type: "file", id: "settle-terms", "aria-label": t("settle_terms") });
  const button = h("button", { type: "submit", id: "settle" }, t("settle"));
  const problem = h("span", { class: "muted small", id: "settle-problem" });
  const form = h(
    "form",
    { class: "filters", id: "settle-form" },
    h("label", {}, t("settle_amount"), amount),
    h("label", {}, t("settle_terms"), terms),
    button,
    h("span", { class: "muted small" }, t("settle_hint", { outstanding: c.outstandingFen ? money(c.outstandingFen) : "—" })),
    problem,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const settledFen = yuanToFen(amount.value, 15); // uint64 fen on chain: more whole digits than a list amount
    if (settledFen === undefined) {
      problem.textContent = t("settle_amount_invalid");
      return;
    }
    problem.textContent = "";
    const file = terms.files?.[0];
    const body = {
      action: "settle",
      settlements: [{ caseKey: c.caseKey, settledFen }],
      ...(file ? { terms: { contentBase64: await base64Of(file), mediaType: file.type || "application/octet-stream" } } : {}),
    };
    await runAction("settle", button, t("settle_confirm", { amount: money(settledFen) }), body);
  });
  return form;
}

/** The case's evidence records (GET /v1/evidence?caseKey=), newest last. */
async function evidenceTimeline(caseKey) {
  const box = card(t("evidence_timeline"));
  try {
    const body = await get(`/v1/evidence?caseKey=${encodeURIComponent(caseKey)}`);
    box.append(
      table(
        [
          { label: t("time"), cell: (r) => when(r.capturedAt) },
          { label: t("evidence_kind"), cell: (r) => r.kind },
          { label: "sha256", cell: (r) => h("span", { class: "mono small", title: r.contentSha256 }, short(r.contentSha256, 16)) },
          { label: t("size"), class: "num", cell: (r) => r.contentSize },
          { label: t("anchored"), cell: (r) => (r.anchored ? "✔" : "…") },
        ],
        body.records ?? [],
      ),
    );
  } catch (error) {
    box.append(errorNote(error));
  }
  return box;
}
