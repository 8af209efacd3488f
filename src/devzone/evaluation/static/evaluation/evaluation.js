// Evaluation charts. Draws every <div class="dz-eval-chart" data-chart="stacked|rank|box" data-source="ID">
// from the JSON in <script id="ID" type="application/json"> (Django's json_script; the CSP allows no inline
// scripts). Load vendor/echarts/echarts.min.js before this file.
(function () {
  "use strict";
  // Classes from best to worst: green, blue, orange, red (Tabler's palette), then neutral tones.
  var CLASS_COLORS = ["#2fb344", "#206bc4", "#f59f00", "#d63939", "#ae3ec9", "#626976"];

  function stackedOption(data, horizontal) {
    var category = { type: "category", data: data.categories, axisLabel: { interval: 0 } };
    var value = { type: "value", minInterval: 1 };
    if (!horizontal) { category.axisLabel.rotate = data.categories.length > 6 ? 30 : 0; }
    return {
      color: CLASS_COLORS,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: horizontal ? { left: 150, right: 20, top: 30, bottom: 20 } : { left: 40, right: 10, top: 30, bottom: 50 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "classes", data: s.data, emphasis: { focus: "series" } };
      })
    };
  }

  function rankOption(data) {
    return {
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var i = items[0].dataIndex;
          var rank = data.ranks[i] === null ? "—" : data.ranks[i] + " / " + data.n[i];
          return data.years[i] + "<br>" + data.label + ": " + rank + (data.classes[i] ? " (" + data.classes[i] + ")" : "");
        }
      },
      grid: { left: 50, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: { type: "value", inverse: true, min: 1, minInterval: 1, name: data.label },
      series: [{
        name: data.label, type: "line", data: data.ranks, connectNulls: false, symbolSize: 10,
        label: { show: true, formatter: function (p) { return data.classes[p.dataIndex] || ""; } }
      }]
    };
  }

  function boxOption(data) {
    var series = [{ type: "boxplot", data: [data.box], itemStyle: { color: "#e8f0fb", borderColor: "#206bc4" } }];
    if (data.score !== null && data.score !== undefined) {
      series.push({ type: "scatter", data: [[0, data.score]], symbolSize: 14, itemStyle: { color: "#d63939" },
                    name: data.unit, tooltip: { formatter: function () { return data.unit + ": " + data.score.toFixed(2); } } });
    }
    return {
      tooltip: { trigger: "item" },
      grid: { left: 50, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "category", data: [data.name] },
      yAxis: { type: "value", scale: true },
      series: series
    };
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var kind = el.dataset.chart;
    var option = kind === "rank" ? rankOption(data) : kind === "box" ? boxOption(data)
      : stackedOption(data, el.dataset.horizontal === "1");
    var chart = window.echarts.init(el);
    chart.setOption(option);
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dz-eval-chart").forEach(draw);
  });
})();
