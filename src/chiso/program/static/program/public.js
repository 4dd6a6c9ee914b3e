// Public page: rank over time per framework (Chart.js from the local vendor folder; no CDN).
(function () {
  var el = document.getElementById("public-chart-data");
  if (!el || typeof Chart === "undefined") return;
  var series = JSON.parse(el.textContent);
  series.forEach(function (s, i) {
    var canvas = document.getElementById("rank-chart-" + i);
    if (!canvas) return;
    new Chart(canvas, {
      type: "line",
      data: { labels: s.years, datasets: [{ label: s.label, data: s.ranks, spanGaps: true }] },
      options: { animation: false, scales: { y: { reverse: true, title: { display: true, text: s.axis } } } }
    });
  });
})();
