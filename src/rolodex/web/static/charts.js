// Overview charts, drawn from the JSON the page embeds.
(function () {
  var el = document.getElementById("chart-data");
  if (!el || typeof Chart === "undefined") return;
  var d = JSON.parse(el.textContent);
  new Chart(document.getElementById("growth"), {
    type: "line",
    data: { labels: d.growth, datasets: [
      { label: "Total customers", data: d.totals, borderColor: "#2f5bea", tension: 0.25 },
      { label: "New", data: d.new, borderColor: "#16a34a", tension: 0.25 }
    ] },
    options: { animation: false, maintainAspectRatio: false }
  });
  new Chart(document.getElementById("stages"), {
    type: "doughnut",
    data: { labels: Object.keys(d.stages).map(function (s) { return s.replace("_", " "); }),
            datasets: [{ data: Object.values(d.stages),
                         backgroundColor: ["#94a3b8", "#f59e0b", "#16a34a", "#ef4444", "#6b7280"] }] },
    options: { animation: false, maintainAspectRatio: false }
  });
})();
