// Draws every <div class="dz-chart" data-chart="bar|line" data-source="ID"> from the JSON in <script id="ID">.
// Bar charts whose data carries `links` navigate to the rows behind a bar when it is clicked.
(function () {
  "use strict";
  function barOption(data) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 50 },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value" },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    };
  }
  function lineOption(data) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: { type: "value" },
      series: Object.keys(data.series).map(function (name) {
        return { name: name, type: "line", data: data.series[name] };
      })
    };
  }
  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el);
    chart.setOption(el.dataset.chart === "line" ? lineOption(data) : barOption(data));
    if (data.links) {
      chart.on("click", function (params) { window.location.href = data.links[params.dataIndex]; });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dz-chart").forEach(draw);
  });
})();
