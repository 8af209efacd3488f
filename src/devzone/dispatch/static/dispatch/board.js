// The supervision board's chart: overdue problems by lead unit, drawn with window.echarts from the JSON in
// <script id="overdue-by-unit">; clicking a bar opens the overdue list of that unit. No inline script (CSP).
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 70 },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, itemStyle: { color: "#d63939" } };
      })
    });
    chart.on("click", function (params) {
      if (data.links && data.links[params.dataIndex]) { window.location.href = data.links[params.dataIndex]; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("overdue-chart");
    if (el) { draw(el); }
  });
})();
