/* Draws every <canvas data-chart-url="…"> of the page with Chart.js 4 (static/vendor/chartjs/).
   The URL answers {labels, datasets, title, axes[, stacked]} (apps/scorecards/charts.py). A canvas with
   data-chart-source="ID" reads the same JSON from the page's <script type="application/json" id="ID">
   data block instead (the booklet: fifty charts without fifty requests, and printable with no server).
   When every chart has been drawn (or given up), <html> gets data-charts="done": the booklet's PDF
   waits for it before printing. The figures
   are also in the table beside each chart, which is what screen readers and print use; a failed fetch
   leaves that table as the only view. No inline script or style: the CSP forbids both. */
(function () {
  "use strict";

  var FORMAT = {
    count: function (v) { return v.toLocaleString("en-GB"); },
    percent: function (v) { return v.toLocaleString("en-GB", { maximumFractionDigits: 1 }) + "%"; },
    other: function (v) { return v.toLocaleString("en-GB", { maximumFractionDigits: 1 }); }
  };

  function fmt(unit, v) {
    if (v === null || v === undefined) { return "no figure"; }
    return (FORMAT[unit] || FORMAT.other)(v);
  }

  function axisTitle(unit) {
    return { count: "Number", percent: "%", rate: "Per 10,000 children", mean: "Average", ratio: "Ratio" }[unit] || "";
  }

  function config(data) {
    var scales = {
      x: { stacked: !!data.stacked, grid: { display: false }, ticks: { color: "#1d232a" } }
    };
    Object.keys(data.axes || {}).forEach(function (id, i) {
      var unit = data.axes[id].unit;
      scales[id] = {
        type: "linear",
        position: i === 0 ? "left" : "right",
        beginAtZero: true,
        stacked: !!data.stacked,
        title: { display: true, text: data.axes[id].title || axisTitle(unit), color: "#1d232a" },
        ticks: { color: "#1d232a", precision: unit === "count" ? 0 : undefined, callback: function (v) { return fmt(unit, v); } },
        grid: { drawOnChartArea: i === 0, color: "#d8dde3" }
      };
      if (unit === "percent") { scales[id].suggestedMax = 100; }
    });
    if (data.horizontal) {
      var unit = (data.datasets[0] || {}).unit;
      scales = {
        y: { grid: { display: false }, ticks: { color: "#1d232a", autoSkip: false } },
        x: {
          type: "linear",
          beginAtZero: true,
          title: { display: true, text: axisTitle(unit), color: "#1d232a" },
          ticks: { color: "#1d232a", precision: unit === "count" ? 0 : undefined, callback: function (v) { return fmt(unit, v); } },
          grid: { color: "#d8dde3" }
        }
      };
    }
    return {
      type: "bar",
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        indexAxis: data.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: {
            position: "bottom",
            labels: { usePointStyle: true, color: "#1d232a", boxWidth: 10, padding: 14 }
          },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + fmt(ctx.dataset.unit, ctx.raw);
              }
            }
          }
        },
        scales: scales
      }
    };
  }

  function load(canvas) {
    var source = canvas.getAttribute("data-chart-source");
    if (source) {
      var block = document.getElementById(source);
      return Promise.resolve(JSON.parse(block ? block.textContent : "null"));
    }
    return fetch(canvas.getAttribute("data-chart-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function draw(canvas) {
    var status = canvas.parentNode.querySelector("[data-chart-status]");
    return load(canvas)
      .then(function (data) {
        if (!data.labels.length || !data.datasets.length) {
          if (status) { status.textContent = "No figures to chart."; }
          return;
        }
        new window.Chart(canvas, config(data));
        canvas.classList.add("is-drawn");
        if (status) { status.remove(); }
      })
      .catch(function () {
        if (status) { status.textContent = "The chart could not be drawn; the table gives its figures."; }
      });
  }

  function start() {
    var done = function () { document.documentElement.setAttribute("data-charts", "done"); };
    if (!window.Chart) { done(); return; }
    var canvases = document.querySelectorAll("canvas[data-chart-url], canvas[data-chart-source]");
    Promise.all(Array.prototype.map.call(canvases, draw)).then(done, done);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
