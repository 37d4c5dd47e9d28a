// The console's shell: login (by token, on whichever gateway of the consortium it belongs to), tabs per role, routing by hash.
import { ApiError, get, session, whenUnauthenticated } from "./api.js";
import { applyStatic, getLang, setLang, t } from "./i18n.js";
import { clear, errorNote, h, note } from "./ui.js";

const main = document.getElementById("main");
const tabs = document.getElementById("tabs");
const who = document.getElementById("who");
const langButton = document.getElementById("lang");
const logoutButton = document.getElementById("logout");

const ROLE_TABS = {
  lender: [
    ["upload", "tab_upload"],
    ["lists", "tab_lists"],
    ["cases", "tab_cases"],
    ["portfolio", "tab_portfolio"],
    ["agencies", "tab_agencies"],
    ["schedules", "tab_fee_schedules"],
    ["statements", "tab_statements"],
    ["reconcile", "tab_reconcile"],
    ["compliance", "tab_compliance"],
    ["mediations", "tab_mediations"],
  ],
  agency: [
    ["mycases", "tab_mycases"],
    ["check", "tab_check"],
    ["evidence", "tab_evidence"],
    ["contacts", "tab_contacts"],
    ["schedules", "tab_fee_schedules"],
    ["statements", "tab_statements"],
    ["notices", "tab_complaint_notices"],
  ],
  court: [["verify", "tab_verify"]],
  supervisor: [["supervision", "tab_supervision"]],
  mediator: [["mediation-requests", "tab_mediation_requests"]],
  admin: [
    ["tokens", "tab_tokens"],
    ["audit", "tab_audit"],
    ["directory", "tab_directory"],
  ],
};

/** Which page module renders a route (loaded on demand, so a page loads only its own role's code). */
const MODULES = {
  upload: "lender",
  lists: "lender",
  list: "lender",
  allocation: "lender",
  cases: "lender",
  case: "case",
  portfolio: "lender",
  agencies: "scorecards",
  mycases: "agency",
  check: "agency",
  evidence: "agency",
  contacts: "contacts",
  letter: "letter",
  verify: "court",
  tokens: "admin",
  audit: "admin",
  directory: "admin",
  schedules: "fees",
  statements: "fees",
  statement: "fees",
  reconcile: "reconcile",
  compliance: "conduct",
  notices: "conduct",
  supervision: "conduct",
  mediations: "mediation",
  "mediation-requests": "mediation",
};

const state = { me: undefined, flash: undefined };

function rolesOf(me) {
  if (!me) return [];
  // An admin sees its member's pages and its own (tokens, audit log, directory); other staff their role's pages.
  return me.role === "admin" ? [...me.memberRoles.filter((r) => ROLE_TABS[r] && r !== "admin"), "admin"] : [me.role];
}

function route() {
  const [name = "", ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  return { name, arg: rest.map(decodeURIComponent).join("/") };
}

export function navigate(hash) {
  if (location.hash === `#${hash}`) render();
  else location.hash = hash;
}

/** A message shown once on the next page (e.g. "recalled"). */
export function flash(node) {
  state.flash = node;
}

function renderChrome() {
  document.title = t("brand");
  langButton.textContent = t("lang_switch");
  applyStatic();
  clear(who);
  clear(tabs);
  logoutButton.hidden = !state.me;
  if (!state.me) return;
  const me = state.me;
  who.append(h("strong", {}, me.memberName), " · ", t(`role_${me.role}`), " · ", h("span", { class: "muted" }, me.staffName));
  const current = route().name;
  for (const role of rolesOf(me)) {
    for (const [name, key] of ROLE_TABS[role]) {
      tabs.append(h("a", { href: `#${name}`, class: current === name ? "active" : "", "data-tab": name }, t(key)));
    }
  }
}

async function render() {
  renderChrome();
  clear(main);
  if (!state.me) {
    renderLogin();
    return;
  }
  const roles = rolesOf(state.me);
  let { name, arg } = route();
  if (!MODULES[name]) {
    name = ROLE_TABS[roles[0]]?.[0]?.[0] ?? "";
    if (!name) {
      main.append(note("warn", "This token's role has no pages here."));
      return;
    }
    history.replaceState(null, "", `#${name}`);
    renderChrome();
  }
  if (state.flash) {
    main.append(state.flash);
    state.flash = undefined;
  }
  const view = h("div", { class: "view", "data-view": name });
  main.append(view);
  try {
    const module = await import(`./${MODULES[name]}.js`);
    await module.render(view, { name, arg, me: state.me, navigate, flash });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    view.append(errorNote(error));
  }
}

function renderLogin(message) {
  const input = h("input", { type: "password", id: "token", name: "token", autocomplete: "off", spellcheck: "false", placeholder: "clt_…", required: true });
  const status = h("div", { id: "login-status" });
  if (message) status.append(message);
  const form = h(
    "form",
    { class: "card login", id: "login-form" },
    h("h2", {}, t("login_title")),
    h("p", { class: "muted" }, t("login_help")),
    h("label", {}, t("token"), input),
    h("button", { type: "submit", class: "primary" }, t("login")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(status).append(note("info", t("checking")));
    try {
      await login(input.value.trim());
    } catch (error) {
      clear(status).append(errorNote(error));
    }
  });
  main.append(form);
  input.focus();
}

/** The member a token names (`clt_<memberId>_<43 base64url>`, as node/services/staff-tokens.ts issues them). */
function tokenMember(token) {
  const match = /^clt_([1-9][0-9]{0,8})_[A-Za-z0-9_-]{43}$/.exec(token);
  return match ? Number(match[1]) : undefined;
}

/**
 * Sends a token to the gateway of the member it names and to no other: that member's console URL as the
 * chain-verified directory of this gateway lists it (active members only). No gateway is asked whether a token is
 * its own — a member's gateway that answered "mine" to everything would receive every token pasted anywhere. A token
 * of the earlier form names no member: it is tried here only.
 */
async function login(token, { handedOver = false } = {}) {
  const status = document.getElementById("login-status");
  if (!/^clt_[A-Za-z0-9_-]{10,200}$/.test(token)) {
    clear(status).append(note("error", t("token_unknown")));
    return;
  }
  const issuer = tokenMember(token);
  if (issuer === undefined) {
    await enter(token);
    return;
  }
  const res = await fetch("/v1/console/directory");
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText);
  const directory = await res.json();
  if (issuer === directory.self) {
    await enter(token);
    return;
  }
  const member = (directory.members ?? []).find((m) => m.id === issuer);
  const url = member?.gatewayUrl ? safeUrl(member.gatewayUrl) : undefined;
  if (!url || handedOver) {
    // Handed over by another console and still not this member's: the directories disagree; no second hop.
    clear(status).append(note("error", t("token_member_unknown", { id: issuer })));
    return;
  }
  clear(status).append(note("info", t("token_elsewhere", { name: member.name })));
  // The fragment never reaches a server or a log; the console there moves it to its session storage.
  location.href = `${url}/#token=${encodeURIComponent(token)}&handover=1`;
}

/** An http(s) origin (plus path) without a trailing slash, or undefined: the directory's URL is never a script. */
function safeUrl(text) {
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return undefined;
  }
}

async function enter(token) {
  session.token = token;
  try {
    state.me = await get("/v1/me");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // logout() has shown why
    session.token = null;
    state.me = undefined;
    clear(main);
    renderLogin(error instanceof ApiError && error.status === 401 ? note("error", t("token_unknown")) : errorNote(error));
    return;
  }
  if (!location.hash || location.hash.startsWith("#token=")) history.replaceState(null, "", location.pathname);
  await render();
}

function logout(message) {
  session.token = null;
  state.me = undefined;
  history.replaceState(null, "", location.pathname);
  renderChrome();
  clear(main);
  renderLogin(message);
}

whenUnauthenticated(() => logout(note("error", t("token_expired"))));
langButton.addEventListener("click", () => {
  setLang(getLang() === "zh" ? "en" : "zh");
  render();
});
logoutButton.addEventListener("click", () => logout());
window.addEventListener("hashchange", () => {
  if (state.me) render();
});

setLang(getLang());
const fromFragment = /^#token=([^&]+)(&handover=1)?/.exec(location.hash);
if (fromFragment) {
  // A token in the link goes through the same rule as a pasted one: to the member it names, and only there.
  history.replaceState(null, "", location.pathname);
  await render();
  await login(decodeURIComponent(fromFragment[1]), { handedOver: !!fromFragment[2] }).catch((error) => clear(document.getElementById("login-status")).append(errorNote(error)));
} else if (session.token) {
  await enter(session.token);
} else {
  await render();
}
