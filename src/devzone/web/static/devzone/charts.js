// Draws every <div class="dz-chart" data-chart="bar|line|trend|funnel" data-source="ID"> from the JSON in
// <script id="ID">. Charts whose data carries `links` navigate to the rows behind an element when it is clicked.
// The project map (<div class="dz-map" data-source="ID">) lives in map.js.
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
  // Lines over named categories (months): {months: [...], series: [{name, data}], monthly: [{name, data}]?}.
  function trendOption(data) {
    var series = data.series.map(function (s, i) {
      return { name: s.name, type: "line", data: s.data, connectNulls: false, smooth: false,
               lineStyle: i === 1 ? { type: "dashed" } : undefined, symbolSize: 6 };
    });
    (data.monthly || []).forEach(function (s) {
      series.push({ name: s.name, type: "bar", data: s.data, barMaxWidth: 18, itemStyle: { opacity: 0.5 } });
    });
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 70, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value" },
      series: series
    };
  }
  // {stages: [{name, value}], links: [...]}: the stages in lifecycle order, not sorted by size.
  function funnelOption(data) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", top: 10, bottom: 10, minSize: "20%",
                 label: { show: true, position: "inside", formatter: "{b} {c}" }, data: data.stages }]
    };
  }
  var OPTIONS = { bar: barOption, line: lineOption, trend: trendOption, funnel: funnelOption };
  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    if (!data) { return; }
    var chart = window.echarts.init(el);
    chart.setOption((OPTIONS[el.dataset.chart] || barOption)(data));
    if (data.links) {
      chart.on("click", function (params) {
        var link = data.links[params.dataIndex];
        if (link) { window.location.href = link; }
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dz-chart").forEach(draw);
  });
})();
