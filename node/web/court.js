// Court pages: verify a file against its receipt (hashed in the browser; the file never leaves the machine), record the
// verification on chain, and the static verifier page (/verify) that also works saved to disk.
import { post } from "./api.js";
import { pick, say, t } from "./i18n.js";
import { card, clear, errorNote, h, note } from "./ui.js";

async function sha256File(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function render(view) {
  let verifier = false;
  try {
    verifier = (await fetch("/verify", { method: "HEAD" })).ok;
  } catch {
    verifier = false;
  }
  const fileInput = h("input", { type: "file", id: "verify-file" });
  const receiptInput = h("input", { type: "file", id: "verify-receipt", accept: ".json,application/json" });
  const result = h("div", { id: "verify-result" });
  const submit = h("button", { type: "submit", class: "primary", id: "verify-submit" }, t("verify"));
  const form = h(
    "form",
    {},
    h("div", { class: "filters" }, h("label", {}, t("evidence_file"), fileInput), h("label", {}, t("receipt_file"), receiptInput), submit),
    h("p", { class: "muted small" }, t("hash_local")),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = fileInput.files?.[0];
    const receiptFile = receiptInput.files?.[0];
    if (!file || !receiptFile) return;
    clear(result);
    let receipt;
    try {
      receipt = JSON.parse(await receiptFile.text());
      if (!receipt || typeof receipt !== "object") throw new Error("not an object");
    } catch {
      result.append(note("error", t("receipt_not_json")));
      return;
    }
    submit.disabled = true;
    try {
      const verdict = await post("/v1/verify", { receipt, sha256: await sha256File(file), size: file.size });
      result.append(verdictBox(verdict));
      if (verdict.verdict === "valid" && receipt.leafHash) {
        const record = h("button", { type: "button", id: "record-verification" }, t("record_verification"));
        const recorded = h("div", { id: "record-result" });
        record.addEventListener("click", async () => {
          record.disabled = true;
          try {
            const r = await post(`/v1/evidence/${receipt.leafHash}/court-verification`, { receipt });
            clear(recorded).append(note("ok", t("verification_recorded"), `tx ${r.txHash} · block ${r.blockNumber}`));
          } catch (error) {
            record.disabled = false;
            clear(recorded).append(errorNote(error));
          }
        });
        result.append(h("div", { class: "actions" }, record), recorded);
      }
    } catch (error) {
      result.append(errorNote(error));
    } finally {
      submit.disabled = false;
    }
  });
  view.append(
    card(t("verify_in_console"), h("p", { class: "muted" }, t("court_help")), form, result),
    card(
      t("tab_verify"),
      verifier
        ? h("div", {}, h("a", { href: "/verify", class: "button", id: "open-verifier", target: "_blank", rel: "noopener" }, t("open_verifier")), h("p", { class: "muted small" }, t("verifier_help")))
        : note("info", t("verify_soon")),
    ),
  );
}

function verdictBox(v) {
  const ok = v.verdict === "valid";
  return h(
    "div",
    { class: `answer ${ok ? "yes" : "no"}`, id: "verdict", "data-verdict": v.verdict },
    h("div", { class: "verdict" }, `${ok ? "✔" : "✘"} ${t(`verdict_${v.verdict}`)}`),
    h("p", {}, pick(v.summary)),
    h("ul", { class: "issues" }, (v.steps ?? []).map((s) => h("li", {}, h("code", {}, `${s.step}: ${s.verdict}`), " ", say("receipt", s.code, s.message)))),
    v.timeBracket ? h("p", { class: "small" }, `capturedAt ${v.timeBracket.capturedAtClaimed} · ≤ ${v.timeBracket.anchoredNoLaterThan ?? "—"}`) : null,
    (v.notChecked ?? []).length ? h("ul", { class: "issues small" }, v.notChecked.map((n) => h("li", {}, pick(n)))) : null,
  );
}
