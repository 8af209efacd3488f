// Key-project charts drawn with window.echarts: the stage funnel on the ledger page.
// <div class="dz-project-funnel" data-source="ID"> reads {stages: [{key, label, count}], declared, labels} from
// <script id="ID" type="application/json">; clicking a stage filters the ledger by it.
(function () {
  "use strict";
  var ORDER = ["planned", "signed", "started", "completed", "producing", "effective", "suspended", "cancelled"];
  function funnel(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var stages = data.stages.slice().sort(function (a, b) { return ORDER.indexOf(a.key) - ORDER.indexOf(b.key); });
    var chart = window.echarts.init(el);
    var categories = stages.map(function (s) { return s.label; });
    var counts = stages.map(function (s) { return s.count; });
    var series = [{ name: "", type: "bar", data: counts, label: { show: true, position: "right" },
                    itemStyle: { color: "#206bc4" } }];
    if (data.declared) {
      categories.push(data.labels.declared);
      series[0].data.push({ value: data.declared, itemStyle: { color: "#f59f00" } });
    }
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 110, right: 40, top: 10, bottom: 10 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: categories, inverse: true },
      series: series
    });
    chart.on("click", function (params) {
      var url = new URL(window.location.href);
      url.searchParams.delete("page");
      if (params.dataIndex < stages.length) {
        url.searchParams.set("stage", stages[params.dataIndex].key);
        url.searchParams.delete("verification");
      } else {
        url.searchParams.set("verification", "declared");
        url.searchParams.delete("stage");
      }
      window.location.href = url.toString();
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dz-project-funnel").forEach(funnel);
  });
})();
