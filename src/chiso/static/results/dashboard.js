/* Charts of the results dashboard (chart.js served locally, no CDN). Numbers in Vietnamese use a
   decimal comma; the page language decides. */
(function () {
  "use strict";
  var el = document.getElementById("results-chart-data");
  if (!el || typeof Chart === "undefined") return;
  var d = JSON.parse(el.textContent);
  var lang = (document.documentElement.lang || "vi").slice(0, 2);
  var vi = lang === "vi";
  var fmt = new Intl.NumberFormat(vi ? "vi-VN" : "en-GB", { maximumFractionDigits: 4 });
  var T = vi
    ? { prov: d.unit || "Tỉnh", best: "Tỉnh dẫn đầu", thr: "Ngưỡng hạng " + d.target_rank, rank: "Thứ hạng", target: "Mục tiêu" }
    : { prov: d.unit || "Province", best: "Best province", thr: "Rank-" + d.target_rank + " threshold", rank: "Rank", target: "Target" };
  Chart.defaults.animation = false;
  Chart.defaults.font.family = "'Noto Sans', 'Segoe UI', Roboto, Arial, sans-serif";
  var tick = { callback: function (v) { return fmt.format(v); } };
  var tip = { callbacks: { label: function (c) { return c.dataset.label + ": " + (c.raw == null ? "—" : fmt.format(c.raw)); } } };
  var bars = document.getElementById("chart-bars");
  if (bars) {
    new Chart(bars, {
      type: "bar",
      data: { labels: d.labels, datasets: [
        { label: T.prov, data: d.score, backgroundColor: "#1d4f7c" },
        { label: T.best, data: d.best, backgroundColor: "#9db7cf" },
        { label: T.thr, data: d.threshold, type: "line", borderColor: "#b3261e", backgroundColor: "#b3261e", showLine: false, pointStyle: "line", pointRadius: 14, borderWidth: 3 }
      ] },
      options: { responsive: true, scales: { y: { min: 0, max: 1, ticks: tick } }, plugins: { tooltip: tip } }
    });
  }
  var radar = document.getElementById("chart-radar");
  if (radar) {
    new Chart(radar, {
      type: "radar",
      data: { labels: d.labels, datasets: [
        { label: T.prov, data: d.score, borderColor: "#1d4f7c", backgroundColor: "rgba(29,79,124,.2)" },
        { label: T.best, data: d.best, borderColor: "#9db7cf", backgroundColor: "rgba(157,183,207,.1)" },
        { label: T.thr, data: d.threshold, borderColor: "#b3261e", borderDash: [4, 4], fill: false }
      ] },
      options: { responsive: true, scales: { r: { min: 0, max: 1, ticks: tick } }, plugins: { tooltip: tip } }
    });
  }
  var trend = document.getElementById("chart-trend");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: { labels: d.years, datasets: [
        { label: T.rank, data: d.rank, borderColor: "#1d4f7c", spanGaps: true },
        { label: T.target, data: d.years.map(function () { return d.target_rank; }), borderColor: "#b3261e", borderDash: [6, 4], pointRadius: 0 }
      ] },
      options: { responsive: true, scales: { y: { reverse: true, min: 1, ticks: { precision: 0 } } } }
    });
  }
})();
