// Bar charts with Chartist (SVG, ~38 kB minified), loaded only when the portfolio page is opened.
import { h } from "./ui.js";

let loading;

/** Loads chartist's script and stylesheet once. */
export function ready() {
  loading ??= new Promise((resolve, reject) => {
    document.head.append(h("link", { rel: "stylesheet", href: "/console/vendor/chartist.css" }));
    const script = h("script", { src: "/console/vendor/chartist.js" });
    script.addEventListener("load", () => resolve(window.Chartist));
    script.addEventListener("error", () => reject(new Error("chartist did not load")));
    document.head.append(script);
  });
  return loading;
}

export function bars(el, labels, values) {
  if (!labels.length) {
    el.append(h("p", { class: "muted" }, "—"));
    return;
  }
  // A plain list beside the chart: readable by screen readers and tests, and exact where bars are not.
  el.append(h("ul", { class: "chart-values" }, labels.map((label, i) => h("li", {}, h("span", {}, label), h("strong", {}, String(values[i]))))));
  new window.Chartist.BarChart(el, { labels, series: [values] }, { height: "220px", axisY: { onlyInteger: true, offset: 70 }, chartPadding: { top: 10, right: 10, bottom: 0, left: 0 } });
}
