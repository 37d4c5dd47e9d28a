// Lender page "agencies": its agency list with each agency's scorecard (its own cases), and the consortium-wide view
// from the chain alone. Rates arrive in basis points (integers) and are shown rounded; complaints are the lender's own (received, open); the chain-only view has none.
import { get } from "./api.js";
import { money, t, when } from "./i18n.js";
import { card, h, table } from "./ui.js";

const DASH = "—";
/** Basis points as a percent with one decimal, from integers (2,333 bp → "23.3%"). */
const percent = (bp) => (bp === null || bp === undefined ? DASH : `${Math.floor(bp / 100)}.${Math.floor((bp % 100) / 10)}%`);
const days = (s) => (s === null || s === undefined ? DASH : `${(s / 86_400).toFixed(1)} ${t("days")}`);
const hours = (s) => (s === null || s === undefined ? DASH : `${(s / 3_600).toFixed(1)} ${t("hours")}`);
const windowOf = (list, d) => list?.find((w) => w.days === d);

export async function render(view) {
  const [mine, all, list, charts] = await Promise.all([
    get("/v1/scorecards?view=lender"),
    get("/v1/scorecards?view=consortium"),
    get("/v1/agencies"),
    import("./charts.js"),
  ]);
  const agencies = list.agencies ?? list;
  const names = new Map(agencies.map((a) => [a.agencyId, a.name]));
  const nameOf = (id) => names.get(id) ?? `#${id}`;
  const throttleOf = (id) => {
    const a = agencies.find((x) => x.agencyId === id);
    return a?.throttleBelowRecoveryBp === undefined ? t("throttle_off") : t("throttle_on", { below: percent(a.throttleBelowRecoveryBp), pct: a.throttledCapacityPct });
  };
  const recoveryCell = (d) => (c) => {
    const w = windowOf(c.recovery, d);
    return h("span", { "data-window": String(d) }, w && w.rateBp !== null ? `${percent(w.rateBp)} (${w.matured})` : DASH);
  };
  const settledCell = (d) => (c) => {
    const w = windowOf(c.settled, d);
    return w && w.rateBp !== null ? `${percent(w.rateBp)} · ${money(w.settledFen)} ${t("yuan")}` : DASH;
  };
  const chart = h("div", { class: "chart", id: "chart-scorecard-recovery" });
  view.append(
    card(
      t("scorecards_mine"),
      h("p", { class: "muted small" }, `${t("scorecards_help")} ${when(mine.asOf)}`),
      table(
        [
          { label: t("agency"), cell: (c) => nameOf(c.agencyId) },
          { label: t("scorecard_cases"), cell: (c) => `${c.cases} / ${c.assignments}` },
          { label: t("scorecard_recovery", { days: 30 }), cell: recoveryCell(30) },
          { label: t("scorecard_recovery", { days: 90 }), cell: recoveryCell(90) },
          { label: t("scorecard_recovery", { days: 180 }), cell: recoveryCell(180) },
          { label: t("scorecard_first_repayment"), cell: (c) => days(c.firstRepaymentMedianSeconds) },
          { label: t("scorecard_returned"), cell: (c) => percent(c.returnedBp) },
          { label: t("scorecard_accept_delay"), cell: (c) => hours(c.acceptDelayMedianSeconds) },
          { label: t("scorecard_disputed"), cell: (c) => `${percent(c.disputedBp)} (${c.reportedRepayments})` },
          { label: t("scorecard_complaints"), cell: (c) => (c.complaints ? t("scorecard_complaints_count", c.complaints) : DASH) },
          { label: t("scorecard_throttle"), cell: (c) => throttleOf(c.agencyId) },
        ],
        mine.agencies,
        { rowAttrs: (c) => ({ "data-agency": String(c.agencyId) }) },
      ),
    ),
    card(t("scorecards_chart"), chart),
    card(
      t("scorecards_consortium"),
      h("p", { class: "muted small" }, t("scorecards_consortium_help")),
      table(
        [
          { label: t("agency"), cell: (c) => nameOf(c.agencyId) },
          { label: t("scorecard_cases"), cell: (c) => `${c.cases} / ${c.assignments}` },
          { label: t("scorecard_settled", { days: 30 }), cell: settledCell(30) },
          { label: t("scorecard_settled", { days: 90 }), cell: settledCell(90) },
          { label: t("scorecard_settled", { days: 180 }), cell: settledCell(180) },
          { label: t("scorecard_returned"), cell: (c) => percent(c.returnedBp) },
          { label: t("scorecard_accept_delay"), cell: (c) => hours(c.acceptDelayMedianSeconds) },
          { label: t("scorecard_complaints"), cell: () => DASH },
        ],
        all.agencies,
        { rowAttrs: (c) => ({ "data-consortium-agency": String(c.agencyId) }) },
      ),
    ),
  );
  await charts.ready();
  // Agencies without a matured 90-day window have no bar (0 would read as "recovered nothing").
  const measured = mine.agencies.filter((c) => windowOf(c.recovery, 90)?.rateBp !== null && windowOf(c.recovery, 90) !== undefined);
  charts.bars(chart, measured.map((c) => nameOf(c.agencyId)), measured.map((c) => windowOf(c.recovery, 90).rateBp / 100));
}
