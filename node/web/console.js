// The console's shell: login (by token, on whichever gateway of the consortium it belongs to), tabs per role, routing by hash.
import { ApiError, get, session, sha256Hex, whenUnauthenticated } from "./api.js";
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
  ],
  agency: [
    ["mycases", "tab_mycases"],
    ["check", "tab_check"],
    ["evidence", "tab_evidence"],
  ],
  court: [["verify", "tab_verify"]],
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
  mycases: "agency",
  check: "agency",
  evidence: "agency",
  letter: "letter",
  verify: "court",
};

const state = { me: undefined, flash: undefined };

function rolesOf(me) {
  if (!me) return [];
  return me.role === "admin" ? me.memberRoles.filter((r) => ROLE_TABS[r]) : [me.role];
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

/**
 * Finds the gateway a token belongs to without sending the token anywhere else: each gateway of the directory is
 * asked by the token's SHA-256 (all a gateway keeps of a token). Then the console continues on that gateway.
 */
async function login(token) {
  if (!/^clt_[A-Za-z0-9_-]{10,200}$/.test(token)) {
    clear(document.getElementById("login-status")).append(note("error", t("token_unknown")));
    return;
  }
  let digest;
  try {
    digest = await sha256Hex(token);
  } catch {
    digest = undefined; // no WebCrypto (plain http on another host): only this gateway can be asked
  }
  const probe = async (base) => {
    const res = await fetch(`${base}/v1/console/probe`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ tokenSha256: digest }) });
    return res.ok ? (await res.json()).mine === true : false;
  };
  if (!digest || (await probe(""))) {
    await enter(token);
    return;
  }
  const directory = await (await fetch("/v1/console/directory")).json();
  for (const member of directory.members ?? []) {
    if (member.id === directory.self || !member.gatewayUrl) continue;
    try {
      if (await probe(member.gatewayUrl)) {
        // The fragment never reaches a server or a log; the console there moves it to its session storage.
        location.href = `${member.gatewayUrl}/#token=${encodeURIComponent(token)}`;
        return;
      }
    } catch {
      // that gateway is down: try the next one
    }
  }
  clear(document.getElementById("login-status")).append(note("error", t("token_unknown")));
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
const fromFragment = /^#token=([^&]+)/.exec(location.hash);
if (fromFragment) {
  history.replaceState(null, "", location.pathname);
  await enter(decodeURIComponent(fromFragment[1]));
} else if (session.token) {
  await enter(session.token);
} else {
  await render();
}
