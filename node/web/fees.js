// Fee schedules and monthly statements, for lenders and agencies alike (docs/design.md §23): each sees its own pairs.
import { download, get, post } from "./api.js";
import { money, say, t, when, yuanToFen } from "./i18n.js";
import { card, clear, errorNote, h, note, short, stat, table } from "./ui.js";

export async function render(view, ctx) {
  const pages = { schedules: schedulesPage, statements: statementsPage, statement: statementPage };
  await pages[ctx.name](view, ctx);
}

const isLender = (me) => me.memberRoles.includes("lender");
const isAgency = (me) => me.memberRoles.includes("agency");


/** "0-90:15%, 91-180:25%, 181+:35%" (percent with up to 2 decimals) → buckets; undefined when malformed. */
export function parseBuckets(text) {
  const buckets = [];
  for (const part of text.split(/[,，;\s]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+)|\+):(\d{1,3})(?:\.(\d{1,2}))?%?$/.exec(part);
    if (!m) return undefined;
    const bp = Number(m[3]) * 100 + Number((m[4] ?? "").padEnd(2, "0") || "0");
    buckets.push({ fromDays: Number(m[1]), toDays: m[2] === undefined ? null : Number(m[2]), bp });
  }
  return buckets.length ? buckets : undefined;
}

const modelLabel = (model) => t(`fee_model_${model.kind.replace("-", "_")}`);
const rateText = (model) =>
  model.kind === "no-risk"
    ? `${money(model.fixedFeeFen)} ${t(model.per === "case" ? "fee_per_case" : "fee_per_month")}`
    : [model.kind === "half-risk" ? `${money(model.caseFeeFen)} ${t("fee_per_case")}` : "", model.buckets.map((b) => `${b.fromDays}${b.toDays === null ? "+" : `-${b.toDays}`}: ${(b.bp / 100).toFixed(2)}%`).join(", ")]
        .filter(Boolean)
        .join(" + ");
const stateBadge = (state) => h("span", { class: `badge s-${state}`, "data-state": state }, t(`fee_state_${state}`));

// ── fee schedules ───────────────────────────────────────────────────────────────────────────────────────

async function schedulesPage(view, ctx) {
  const { schedules } = await get("/v1/fee-schedules");
  const status = h("div", { id: "schedule-status" });
  const rows = table(
    [
      { label: t("fee_pair"), cell: (s) => `#${s.schedule.creditorId} → #${s.schedule.agencyId}` },
      { label: t("fee_version"), cell: (s) => `v${s.schedule.version}` },
      { label: t("fee_from"), cell: (s) => s.schedule.effectiveFrom },
      { label: t("fee_model"), cell: (s) => modelLabel(s.schedule.model) },
      { label: t("fee_rates"), cell: (s) => rateText(s.schedule.model) },
      { label: t("fee_state"), cell: (s) => stateBadge(s.state) },
      { label: t("fee_hash"), cell: (s) => h("code", { title: s.hash }, short(s.hash)) },
      {
        label: "",
        cell: (s) =>
          s.state === "received" && s.schedule.agencyId === ctx.me.memberId
            ? h("button", {
                class: "primary",
                "data-accept": s.hash,
                onclick: async () => {
                  try {
                    await post(`/v1/fee-schedules/${s.hash}/accept`);
                    ctx.navigate("schedules");
                  } catch (error) {
                    clear(status).append(errorNote(error));
                  }
                },
              }, t("fee_accept"))
            : s.deliveryError
              ? h("span", { class: "muted small" }, t("fee_not_delivered", { code: s.deliveryError }))
              : "",
      },
    ],
    schedules,
    { empty: t("fee_none"), rowAttrs: (s) => ({ "data-schedule": s.hash }) },
  );
  view.append(card(t("tab_fee_schedules"), status, rows));
  if (isLender(ctx.me) && ctx.me.role === "admin") view.append(proposeForm(ctx));
}

function proposeForm(ctx) {
  const field = (id, label, attrs = {}) => h("label", {}, label, h("input", { id, ...attrs }));
  const kind = h("select", { id: "fee-kind" }, ["full-risk", "half-risk", "no-risk"].map((k) => h("option", { value: k }, t(`fee_model_${k.replace("-", "_")}`))));
  const per = h("select", { id: "fee-per" }, h("option", { value: "case" }, t("fee_per_case")), h("option", { value: "month" }, t("fee_per_month")));
  const status = h("div", { id: "propose-status" });
  const form = h(
    "form",
    {
      class: "form",
      onsubmit: async (event) => {
        event.preventDefault();
        const value = (id) => form.querySelector(`#${id}`).value.trim();
        const buckets = parseBuckets(value("fee-buckets"));
        const fee = yuanToFen(value("fee-fixed").replaceAll(",", "") || "0"); // "1,234.5" as typed
        if ((kind.value !== "no-risk" && !buckets) || fee === undefined) {
          clear(status).append(note("error", t("fee_form_invalid")));
          return;
        }
        const model =
          kind.value === "full-risk" ? { kind: "full-risk", buckets } : kind.value === "half-risk" ? { kind: "half-risk", caseFeeFen: fee, buckets } : { kind: "no-risk", fixedFeeFen: fee, per: per.value };
        try {
          const body = { agencyId: Number(value("fee-agency")), version: Number(value("fee-version")), effectiveFrom: value("fee-effective"), model };
          await post("/v1/fee-schedules", body);
          ctx.navigate("schedules");
        } catch (error) {
          const problems = error.details?.problems ?? [];
          clear(status).append(errorNote(error), ...problems.map((p) => note("error", `${p.path}: ${say("feeSchedule", p.code, p.message)}`)));
        }
      },
    },
    field("fee-agency", t("fee_agency_id"), { type: "number", min: 1, required: true }),
    field("fee-version", t("fee_version"), { type: "number", min: 1, value: 1, required: true }),
    field("fee-effective", t("fee_from"), { type: "date", required: true }),
    h("label", {}, t("fee_model"), kind),
    field("fee-buckets", t("fee_buckets"), { type: "text", value: "0-90:15%, 91-180:25%, 181+:35%" }),
    field("fee-fixed", t("fee_fixed_yuan"), { type: "text", value: "0" }),
    h("label", {}, t("fee_per"), per),
    h("button", { class: "primary", type: "submit", id: "propose" }, t("fee_propose")),
  );
  return card(t("fee_propose_title"), form, status);
}

// ── statements ──────────────────────────────────────────────────────────────────────────────────────────

async function statementsPage(view, ctx) {
  const { statements } = await get("/v1/statements");
  view.append(
    card(
      t("tab_statements"),
      table(
        [
          { label: t("stmt_month"), cell: (s) => h("a", { href: `#statement/${s.hash}` }, s.month) },
          { label: t("fee_pair"), cell: (s) => `#${s.creditorId} → #${s.agencyId}` },
          { label: t("fee_state"), cell: (s) => stateBadge(s.state) },
          { label: t("stmt_lines"), cell: (s) => String(s.totals.lines), class: "num" },
          { label: t("stmt_repaid"), cell: (s) => money(s.totals.repaidFen), class: "num" },
          { label: t("stmt_fees"), cell: (s) => money(s.totals.feeFen), class: "num" },
          { label: t("stmt_issued"), cell: (s) => when(s.createdAt) },
          { label: t("fee_hash"), cell: (s) => h("code", { title: s.hash }, short(s.hash)) },
        ],
        statements,
        { empty: t("stmt_none"), rowAttrs: (s) => ({ "data-statement": s.hash }) },
      ),
    ),
  );
  if (isLender(ctx.me)) view.append(issueForm(ctx));
}

function issueForm(ctx) {
  const status = h("div", { id: "issue-status" });
  const agency = h("input", { id: "stmt-agency", type: "number", min: 1, required: true });
  const month = h("input", { id: "stmt-month", type: "month", required: true, value: new Date().toISOString().slice(0, 7) });
  const form = h(
    "form",
    {
      class: "form",
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const s = await post("/v1/statements", { agencyId: Number(agency.value), month: month.value });
          ctx.navigate(`statement/${s.hash}`);
        } catch (error) {
          clear(status).append(errorNote(error));
        }
      },
    },
    h("label", {}, t("fee_agency_id"), agency),
    h("label", {}, t("stmt_month"), month),
    h("button", { class: "primary", type: "submit", id: "issue" }, t("stmt_issue")),
  );
  return card(t("stmt_issue_title"), form, status);
}

async function statementPage(view, ctx) {
  const s = await get(`/v1/statements/${encodeURIComponent(ctx.arg)}`);
  const { doc } = s;
  const status = h("div", { id: "statement-status" });
  const decide = isAgency(ctx.me) && doc.agencyId === ctx.me.memberId && s.state === "received";
  const chosen = new Map();
  const head = card(
    `${t("stmt_title")} ${doc.month}`,
    h("div", { class: "stats" }, stat(t("stmt_repaid"), money(doc.totals.repaidFen)), stat(t("stmt_commission"), money(doc.totals.commissionFen)), stat(t("stmt_fixed"), money(doc.totals.fixedFeeFen)), stat(t("stmt_fees"), money(doc.totals.feeFen), "ok")),
    h("p", {}, `#${doc.creditorId} → #${doc.agencyId} · `, stateBadge(s.state), ` · ${t("stmt_issued")} ${when(doc.issuedAt)}`),
    h("p", { class: "small" }, t("fee_hash"), " ", h("code", { id: "statement-hash" }, s.hash)),
    doc.schedules.map((x) => h("p", { class: "small muted" }, `v${x.version} ${t(`fee_model_${x.kind.replace("-", "_")}`)} ${x.effectiveFrom} · `, h("code", {}, short(x.hash, 18)))),
    s.evidenceId === undefined ? null : h("p", { class: "small" }, t("stmt_notarized", { id: s.evidenceId })),
    (s.disputes ?? []).map((d) => note("warn", `${d.lineId}: ${d.reason}`)),
    h(
      "div",
      { class: "actions" },
      h("button", { onclick: () => download(`/v1/statements/${s.hash}.csv`, "statement.csv") }, "CSV"),
      h("button", { onclick: () => download(`/v1/statements/${s.hash}.pdf`, "statement.pdf") }, "PDF"),
      decide
        ? [
            h("button", { class: "primary", id: "stmt-accept", onclick: () => act(`/v1/statements/${s.hash}/accept`) }, t("stmt_accept")),
            h("button", { id: "stmt-dispute", onclick: () => act(`/v1/statements/${s.hash}/dispute`, { lines: [...chosen].map(([lineId, input]) => ({ lineId, reason: input.value.trim() || "—" })) }) }, t("stmt_dispute")),
          ]
        : null,
    ),
    status,
  );
  async function act(path, body) {
    try {
      await post(path, body);
      ctx.navigate(`statement/${s.hash}`);
    } catch (error) {
      clear(status).append(errorNote(error));
    }
  }
  const lineColumns = [
    ...(decide
      ? [
          {
            label: t("stmt_dispute"),
            cell: (l) => {
              const reason = h("input", { type: "text", class: "small", placeholder: t("stmt_reason"), hidden: true });
              const box = h("input", {
                type: "checkbox",
                onchange: () => {
                  reason.hidden = !box.checked;
                  if (box.checked) chosen.set(l.lineId, reason);
                  else chosen.delete(l.lineId);
                },
              });
              return h("span", {}, box, reason);
            },
          },
        ]
      : []),
    { label: t("stmt_line"), cell: (l) => h("code", {}, l.lineId.length > 40 ? short(l.lineId, 30) : l.lineId) },
    { label: t("stmt_kind"), cell: (l) => t(`stmt_kind_${l.kind.replace("-", "_")}`) },
    { label: t("stmt_case"), cell: (l) => (l.caseKey ? h("code", { title: l.caseKey }, short(l.caseKey)) : "—") },
    { label: t("stmt_at"), cell: (l) => when(l.at) },
    { label: t("stmt_amount"), cell: (l) => money(l.amountFen), class: "num" },
    { label: t("stmt_rate"), cell: (l) => (l.kind === "repayment" || l.kind === "reversal" ? `${l.bucket} ${(l.bp / 100).toFixed(2)}%` : ""), class: "num" },
    { label: "v", cell: (l) => String(l.scheduleVersion), class: "num" },
    { label: t("stmt_fee"), cell: (l) => money(l.feeFen), class: "num" },
  ];
  view.append(
    head,
    card(t("stmt_lines"), table(lineColumns, doc.lines, { rowAttrs: (l) => ({ "data-line": l.lineId }) })),
    card(
      t("stmt_apart"),
      table(
        [
          { label: t("stmt_line"), cell: (l) => h("code", {}, l.lineId) },
          { label: t("stmt_case"), cell: (l) => h("code", { title: l.caseKey }, short(l.caseKey)) },
          { label: t("stmt_at"), cell: (l) => when(l.paidAt) },
          { label: t("stmt_amount"), cell: (l) => money(l.amountFen), class: "num" },
          { label: t("fee_state"), cell: (l) => t(`stmt_apart_${l.state}`) },
        ],
        doc.apart,
        { empty: t("stmt_apart_none") },
      ),
    ),
  );
}
