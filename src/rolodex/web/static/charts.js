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
  var colors = { prospect: "#94a3b8", lead_qualified: "#f59e0b", customer: "#16a34a",
                 churned: "#ef4444", lead_exhausted: "#6b7280" };
  new Chart(document.getElementById("stages"), {
    type: "doughnut",
    data: { labels: d.stages.map(function (p) { return p[0].replace("_", " "); }),
            datasets: [{ data: d.stages.map(function (p) { return p[1]; }),
                         backgroundColor: d.stages.map(function (p) { return colors[p[0]] || "#2f5bea"; }) }] },
    options: { animation: false, maintainAspectRatio: false }
  });
  var seg = document.getElementById("segments");
  if (seg && d.segments.length) {
    new Chart(seg, {
      type: "bar",
      data: { labels: d.segments, datasets: [{ label: "Customers", data: d.segment_counts,
                                              backgroundColor: "#2f5bea", maxBarThickness: 26 }] },
      options: { animation: false, maintainAspectRatio: false, indexAxis: "y",
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
                 plugins: { legend: { display: false } } }
    });
  }
})();
