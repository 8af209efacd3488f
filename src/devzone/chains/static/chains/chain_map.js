// The chain map: an ECharts tree (chain → segments → links) from the JSON in <script id="chain-tree">.
// Links are coloured by strength; clicking one loads what is behind it into #link-panel (htmx when present).
(function () {
  "use strict";
  var COLOURS = { strong: "#2fb344", weak: "#f59f00", missing: "#d63939" };

  function decorate(node, depth) {
    if (node.strength) {
      node.itemStyle = { color: COLOURS[node.strength], borderColor: COLOURS[node.strength] };
      node.label = { color: "#1d273b", fontWeight: "bold" };
      node.symbolSize = 12 + Math.min(node.value || 0, 10);
    } else {
      node.itemStyle = { color: depth === 0 ? "#206bc4" : "#6c7a91" };
      node.symbolSize = depth === 0 ? 18 : 12;
    }
    (node.children || []).forEach(function (child) { decorate(child, depth + 1); });
    return node;
  }

  function showLink(url) {
    var panel = document.getElementById("link-panel");
    if (!panel || !url) { return; }
    if (window.htmx) { window.htmx.ajax("GET", url, { target: panel, swap: "innerHTML" }); return; }
    window.location.href = url;
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = decorate(JSON.parse(source.textContent), 0);
    var labels = data.labels || {};
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data;
          if (!d.strength) { return d.name; }
          return d.name + "<br>" + d.strength_label + " · " + labels.enterprises + " " + d.value + " · " +
            labels.projects + " " + d.projects + " · " + labels.leads + " " + d.leads;
        }
      },
      series: [{
        type: "tree", data: [data], symbol: "circle", top: "4%", left: "12%", bottom: "4%", right: "22%",
        initialTreeDepth: -1, expandAndCollapse: false, roam: true,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 13 },
        leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
        lineStyle: { color: "#c8d3e1", width: 1.5 }
      }]
    });
    chart.on("click", function (params) {
      if (params.data && params.data.url) { showLink(params.data.url); }
    });
    el.dataset.ready = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dz-chain-map").forEach(draw);
  });
})();
