// Draws the indicator trend (<div class="dz-trend" data-source="ID">) from the JSON in <script id="ID">:
// month values as bars on the right axis; year to date, last year, the target path and the projection as lines.
(function () {
  "use strict";
  function line(series, style) {
    return Object.assign({ name: series.name, type: "line", data: series.data, connectNulls: false,
                           symbolSize: 5 }, style || {});
  }
  function option(data) {
    var s = data.series;
    var lines = [
      line(s.ytd, { lineStyle: { width: 3 } }),
      line(s.last_year, { lineStyle: { type: "dotted" }, itemStyle: { color: "#9aa0ac" } }),
      line(s.target, { lineStyle: { type: "dashed" }, itemStyle: { color: "#d63939" }, symbol: "none" }),
      line(s.projection, { lineStyle: { type: "dashed" }, itemStyle: { color: "#f59f00" } })
    ];
    var series = data.point ? lines : [{ name: s.month.name, type: "bar", yAxisIndex: 1, data: s.month.data,
                                         itemStyle: { color: "#a6c8f0" } }].concat(lines);
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 70, right: data.point ? 20 : 70, top: 36, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: data.point ? [{ type: "value", name: data.unit }]
                        : [{ type: "value", name: data.unit }, { type: "value", name: data.unit, splitLine: { show: false } }],
      series: series
    };
  }
  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var chart = window.echarts.init(el);
    chart.setOption(option(JSON.parse(source.textContent)));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dz-trend").forEach(draw);
  });
})();
