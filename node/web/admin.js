// Admin pages: this gateway's staff tokens (issue, list, revoke), the audit log with its hash chain checked, and the
// member directory as the chain verifies it (agencies' console URLs are read from it, never typed).
import { api, get, post } from "./api.js";
import { t, tIn, when } from "./i18n.js";
import { card, clear, errorNote, h, note, table } from "./ui.js";

export async function render(view, ctx) {
  const pages = { tokens: tokensPage, audit: auditPage, directory: directoryPage };
  await pendingChangeBanner(view);
  await pages[ctx.name](view, ctx);
}

/**
 * An operator proposal against this member (a new signing key, recovery key or metadata, executable by anyone after
 * the delay), in both languages on every admin page, with the button that cancels it with the member's own key and
 * the reminder that a suspended member cancels too (here, or with its recovery key from the command line).
 */
async function pendingChangeBanner(view) {
  let pending;
  try {
    ({ pending } = await get("/v1/member/pending-change"));
  } catch {
    return; // not this banner's to report: the page's own requests will
  }
  if (!pending) return;
  const key = `pending_change_${pending.kind}`;
  const vars = { signer: pending.signer ?? "", recovery: pending.recovery ?? "", hash: pending.metadataHash ?? "", at: when(pending.executableAt) };
  const outcome = h("div", { id: "pending-change-outcome" });
  const cancel = h("button", { type: "button", class: "primary", id: "pending-change-cancel" }, t("pending_change_cancel"));
  cancel.addEventListener("click", async () => {
    if (!confirm(t("pending_change_confirm"))) return;
    cancel.disabled = true;
    clear(outcome);
    try {
      const done = await post("/v1/member/pending-change/cancel", {});
      outcome.append(note("ok", t("pending_change_cancelled", { tx: done.txHash })));
      banner.dataset.state = "cancelled";
    } catch (error) {
      outcome.append(errorNote(error));
      cancel.disabled = false;
    }
  });
  const banner = h(
    "div",
    { class: "note warn", role: "alert", id: "pending-change", "data-kind": pending.kind, "data-state": "pending" },
    h("p", { lang: "zh-CN" }, tIn("zh", key, vars)),
    h("p", { lang: "en" }, tIn("en", key, vars)),
    h("p", { lang: "zh-CN" }, tIn("zh", "pending_change_how")),
    h("p", { lang: "en" }, tIn("en", "pending_change_how")),
    h("div", { class: "actions" }, cancel),
    outcome,
  );
  view.append(banner);
}

const ROLES = ["lender", "agency", "court", "supervisor", "mediator", "admin"];

async function tokensPage(view, ctx) {
  const issued = h("div", { id: "issued-token" });
  const listed = h("div", { id: "token-list" });
  const roles = ROLES.filter((r) => r === "admin" || ctx.me.memberRoles.includes(r));
  const role = h("select", { id: "token-role", name: "role" }, roles.map((r) => h("option", { value: r }, t(`role_${r}`))));
  const name = h("input", { id: "token-name", name: "name", required: true, maxlength: 100 });
  const ttl = h("input", { id: "token-ttl", name: "ttlDays", type: "number", min: 1, max: 365, value: 90, required: true });
  const submit = h("button", { type: "submit", class: "primary", id: "issue-token" }, t("issue_token"));
  const form = h(
    "form",
    { id: "issue-form" },
    h("div", { class: "filters" }, h("label", {}, t("token_role"), role), h("label", {}, t("token_holder"), name), h("label", {}, t("token_ttl_days"), ttl), submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clear(issued);
    try {
      const answer = await post("/v1/staff-tokens", { role: role.value, name: name.value.trim(), ttlDays: Number(ttl.value) });
      issued.append(secretBox(answer.token));
      name.value = "";
      await refresh();
    } catch (error) {
      issued.append(errorNote(error));
    } finally {
      submit.disabled = false;
    }
  });
  const refresh = async () => {
    const { tokens } = await get("/v1/staff-tokens");
    const state = (tk) => (tk.revokedAt ? "revoked" : tk.expiresAt && Date.parse(tk.expiresAt) <= Date.now() ? "expired" : "active");
    clear(listed).append(
      table(
        [
          { label: t("token_id"), cell: (tk) => h("code", {}, tk.id) },
          { label: t("token_holder"), cell: (tk) => tk.name },
          { label: t("token_role"), cell: (tk) => t(`role_${tk.role}`) },
          { label: t("created_at"), cell: (tk) => when(tk.createdAt) },
          { label: t("expires_at"), cell: (tk) => when(tk.expiresAt) },
          { label: t("token_state"), cell: (tk) => h("span", { class: `badge t-${state(tk)}`, "data-state": state(tk) }, t(`token_state_${state(tk)}`)) },
          {
            label: "",
            cell: (tk) => {
              if (tk.revokedAt || tk.id === ctx.me.tokenId) return "";
              const button = h("button", { type: "button", class: "small", "data-revoke": tk.id }, t("revoke"));
              button.addEventListener("click", async () => {
                if (!confirm(t("revoke_confirm", { name: tk.name }))) return;
                button.disabled = true;
                try {
                  await api("DELETE", `/v1/staff-tokens/${encodeURIComponent(tk.id)}`);
                  await refresh();
                } catch (error) {
                  button.disabled = false;
                  listed.prepend(errorNote(error));
                }
              });
              return button;
            },
          },
        ],
        tokens.slice().reverse(),
        { rowAttrs: (tk) => ({ "data-token-id": tk.id, "data-holder": tk.name }) },
      ),
    );
  };
  await refresh();
  view.append(card(t("issue_token"), h("p", { class: "muted" }, t("issue_help")), form, issued), card(t("tab_tokens"), listed));
}

/** The new secret, shown this once, with a copy button. */
function secretBox(secret) {
  const field = h("input", { id: "new-token", readonly: true, value: secret, class: "secret", spellcheck: "false" });
  const copied = h("span", { class: "muted small", id: "copy-status" });
  const copy = h("button", { type: "button", id: "copy-token" }, t("copy"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      field.select(); // no clipboard access (plain http on another host): selected for the user to copy
    }
    copied.textContent = t("copied");
  });
  return note("ok", t("token_issued_once"), h("div", { class: "actions" }, field, copy, copied));
}

async function auditPage(view) {
  const verdict = h("div", { id: "audit-verify" });
  const rows = h("div", { id: "audit-rows" });
  const filter = h("select", { id: "audit-action" }, h("option", { value: "" }, t("all_actions")));
  const more = h("button", { type: "button", id: "audit-more" }, t("next_page"));
  // The actions seen so far (the filter's choices); the gateway filters, so a rare action is found past the first page.
  const known = new Set();
  let entries = [];
  let next = 0;
  const show = () => {
    const chosen = filter.value;
    clear(filter).append(h("option", { value: "" }, t("all_actions")), ...[...known].sort().map((a) => h("option", { value: a, selected: a === chosen }, a)));
    clear(rows).append(
      table(
        [
          { label: "#", cell: (e) => String(e.seq) },
          { label: t("audit_at"), cell: (e) => when(e.at) },
          { label: t("audit_actor"), cell: (e) => actorOf(e.actor) },
          { label: t("audit_action"), cell: (e) => h("code", {}, e.action) },
          { label: "HTTP", cell: (e) => (e.status === undefined ? "—" : String(e.status)) },
          { label: t("audit_cases"), cell: (e) => String(e.caseCount ?? e.caseKeys?.length ?? 0) },
          { label: t("audit_ref"), cell: (e) => (e.ref ? Object.entries(e.ref).map(([k, v]) => `${k}=${v}`).join(" ") : "—") },
        ],
        entries,
        { rowAttrs: (e) => ({ "data-seq": e.seq, "data-action": e.action }) },
      ),
    );
    more.hidden = next === null;
  };
  const load = async () => {
    const action = filter.value ? `&action=${encodeURIComponent(filter.value)}` : "";
    const page = await get(`/v1/audit?after=${next}&limit=100${action}`);
    for (const e of page.entries) known.add(e.action);
    entries = entries.concat(page.entries);
    next = page.next;
    show();
  };
  filter.addEventListener("change", () => {
    entries = [];
    next = 0;
    load().catch((error) => rows.prepend(errorNote(error)));
  });
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      await load();
    } catch (error) {
      rows.prepend(errorNote(error));
    } finally {
      more.disabled = false;
    }
  });
  const check = h("button", { type: "button", id: "audit-recheck" }, t("audit_verify"));
  const verify = async () => {
    clear(verdict);
    const v = await get("/v1/audit/verify");
    verdict.append(
      v.ok
        ? h("div", { class: "note ok", "data-verified": "true" }, t("audit_verified", { entries: v.entries }), h("div", { class: "small" }, h("code", {}, v.head)))
        : h("div", { class: "note error", role: "alert", "data-verified": "false" }, t("audit_broken", { seq: v.brokenAt, problem: v.problem })),
    );
  };
  check.addEventListener("click", () => verify().catch((error) => clear(verdict).append(errorNote(error))));
  await Promise.all([verify(), load()]);
  view.append(
    card(t("tab_audit"), h("p", { class: "muted" }, t("audit_help")), h("div", { class: "actions" }, check), verdict),
    card(t("audit_entries"), h("div", { class: "filters" }, h("label", {}, t("audit_action"), filter)), rows, h("div", { class: "actions" }, more)),
  );
}

function actorOf(actor) {
  if (!actor) return "—";
  if ("tokenId" in actor) return `${t(`role_${actor.role}`)} · ${actor.tokenId}`;
  if ("memberId" in actor) return t("audit_member_gateway", { id: actor.memberId });
  return actor.system;
}

async function directoryPage(view) {
  const { members } = await get("/v1/members");
  const yes = (v) => h("span", { class: `badge ${v ? "s-Accepted" : "s-Rejected"}`, "data-verified": String(!!v) }, v ? t("yes") : t("no"));
  view.append(
    card(
      t("tab_directory"),
      h("p", { class: "muted" }, t("directory_help")),
      table(
        [
          { label: "ID", cell: (m) => String(m.id) },
          { label: t("member_name"), cell: (m) => m.name },
          { label: t("member_roles"), cell: (m) => (m.roles ?? []).map((r) => t(`role_${r}`)).join(" / ") },
          { label: t("gateway_url"), cell: (m) => (m.gatewayUrl ? h("code", {}, m.gatewayUrl) : "—") },
          { label: t("member_verified"), cell: (m) => yes(m.verified) },
          { label: t("member_status"), cell: (m) => m.status },
        ],
        members,
        { rowAttrs: (m) => ({ "data-member": m.id, "data-agency": (m.roles ?? []).includes("agency") ? "true" : "false" }) },
      ),
    ),
  );
}
