// Reconciliation against the bank's statement, for a lender (docs/design.md §22): upload the bank's CSV, see each line
// matched to a reported repayment or why not, confirm the matched ones with one button. The file goes to the lender's
// own gateway; only row numbers, codes, loan refs and amounts come back.
import { post, upload } from "./api.js";
import { money, say, t } from "./i18n.js";
import { card, clear, errorNote, h, note, short, stat, table } from "./ui.js";

/** Ids a bulk confirmation takes at once (MAX_BULK_DECISIONS at the gateway): a longer statement goes in parts. */
const BULK = 20_000;

/** A reconciliation code in the page's language: the bank file's own codes, else the case list's field codes. */
const why = (code) => say("reconcile", code, "") || say("field", code, code);

export async function render(view) {
  const file = h("input", { id: "reconcile-file", type: "file", accept: ".csv,text/csv", required: true });
  const send = h("button", { id: "reconcile-preview", type: "submit", class: "primary" }, t("reconcile_preview"));
  const message = h("div", { id: "reconcile-message" });
  const result = h("div", { id: "reconcile-result" });
  const form = h("form", { id: "reconcile-form" }, h("p", { class: "muted" }, t("reconcile_help")), h("label", {}, t("reconcile_file"), file), send);
  view.append(card(t("tab_reconcile"), form, message), result);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    clear(message);
    clear(result);
    send.disabled = true;
    try {
      show(await upload("/v1/repayments/reconcile", chosen, () => {}));
    } catch (error) {
      message.append(errorNote(error));
    } finally {
      send.disabled = false;
    }
  });

  const show = (preview) => {
    const done = h("div", { id: "reconcile-done" });
    const confirm = h("button", { id: "reconcile-confirm", type: "button", class: "primary", disabled: preview.ids.length === 0 }, t("reconcile_confirm", { n: preview.ids.length }));
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      clear(done);
      try {
        const results = [];
        for (let i = 0; i < preview.ids.length; i += BULK) results.push(...(await post("/v1/repayments/confirm", { ids: preview.ids.slice(i, i + BULK) })).results);
        const ok = results.filter((r) => r.state === "confirmed");
        done.append(note(ok.length === results.length ? "ok" : "warn", t("reconcile_confirmed", { n: ok.length, of: results.length })));
        for (const r of results) if (r.warning) done.append(note("warn", `${short(r.id)}: ${why(r.warning)}`));
      } catch (error) {
        confirm.disabled = false;
        done.append(errorNote(error));
      }
    });
    result.append(
      card(
        t("reconcile_matched"),
        h("div", { class: "stats" }, stat(t("reconcile_lines"), preview.totals.lines), stat(t("reconcile_matched"), preview.totals.matched, "ok"), stat(t("reconcile_unmatched"), preview.totals.unmatched, preview.totals.unmatched ? "warn" : "")),
        table(
          [
            { label: t("reconcile_row"), class: "num", cell: (m) => String(m.row) },
            { label: t("reconcile_loan_ref"), cell: (m) => m.loanRef },
            { label: t("repayment_amount"), class: "num", cell: (m) => money(m.amountFen) },
            { label: t("reconcile_date"), cell: (m) => m.date },
            { label: t("reconcile_repayment"), cell: (m) => short(m.repaymentId) },
          ],
          preview.matched,
          { empty: t("reconcile_none"), rowAttrs: (m) => ({ "data-matched-row": m.row }) },
        ),
        confirm,
        done,
      ),
      card(
        t("reconcile_unmatched"),
        table(
          [
            { label: t("reconcile_row"), class: "num", cell: (u) => String(u.row) },
            { label: t("reconcile_field"), cell: (u) => u.field },
            { label: t("reconcile_loan_ref"), cell: (u) => u.loanRef ?? "—" },
            { label: t("reconcile_reason"), cell: (u) => h("span", { "data-code": u.code }, why(u.code)) },
          ],
          preview.unmatched,
          { empty: t("reconcile_none"), rowAttrs: (u) => ({ "data-unmatched-row": u.row }) },
        ),
      ),
    );
  };
}
