// The project map (挂图作战): <div class="dz-map" data-config="ID"> with the layer list in <script id="ID">.
// Each layer is fetched as GeoJSON from its URL: "areas" layers (county and zone boundaries) become the base map
// (echarts.registerMap, no tiles), "points" layers become scatter series coloured by stage or light, and each
// "markers" layer (e.g. land parcels) one series of its own colour.
// Clicking a point or an area opens the page in its properties.url.
(function () {
  "use strict";
  var MAP_NAME = "devzone";

  function boundsOf(features) {
    var box = [180, 90, -180, -90];
    features.forEach(function (f) {
      var c = f.geometry && f.geometry.coordinates;
      if (c && f.geometry.type === "Point") {
        box = [Math.min(box[0], c[0]), Math.min(box[1], c[1]), Math.max(box[2], c[0]), Math.max(box[3], c[1])];
      }
    });
    if (box[0] > box[2]) { box = [113, 34, 114, 35]; }
    var pad = 0.05;
    return [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad];
  }

  // A frame the size of the points, so a map with no uploaded boundary still draws (nothing is fetched).
  function frame(points) {
    var b = boundsOf(points);
    return { type: "Feature", properties: { name: "", kind: "frame" },
             geometry: { type: "Polygon", coordinates: [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]],
                                                         [b[0], b[1]]]] } };
  }

  function init(el) {
    var source = document.getElementById(el.dataset.config);
    if (!source || !window.echarts) { return; }
    var config = JSON.parse(source.textContent);
    var chart = window.echarts.init(el);
    var state = { colour: config.colour || "stage", data: {}, hidden: {} };
    window.dzMap = chart;

    function areaFeatures() {
      var out = [];
      config.layers.forEach(function (layer) {
        if (layer.kind === "areas" && state.data[layer.key] && !state.hidden[layer.key]) {
          out = out.concat(state.data[layer.key].features);
        }
      });
      return out;
    }
    function pointFeatures() {
      var out = [];
      config.layers.forEach(function (layer) {
        if (layer.kind === "points" && state.data[layer.key] && !state.hidden[layer.key]) {
          out = out.concat(state.data[layer.key].features);
        }
      });
      return out;
    }

    function render() {
      var areas = areaFeatures();
      var points = pointFeatures();
      var geo = { type: "FeatureCollection", features: areas.length ? areas : [frame(points)] };
      window.echarts.registerMap(MAP_NAME, geo);
      var links = {};
      areas.forEach(function (f) { links[f.properties.name] = f.properties.url; });
      var palette = config.palettes[state.colour];
      var series = palette.map(function (p) {
        var data = points.filter(function (f) { return f.properties[state.colour] === p.key; }).map(function (f) {
          var c = f.geometry.coordinates;
          return { name: f.properties.name, value: [c[0], c[1], f.properties.investment], url: f.properties.url,
                   stage: f.properties.stage_label, county: f.properties.county, zone: f.properties.zone };
        });
        return { name: p.label, type: "scatter", coordinateSystem: "geo", data: data, symbolSize: 9,
                 itemStyle: { color: p.color, borderColor: "#fff", borderWidth: 1 }, emphasis: { scale: 1.6 } };
      });
      var legend = palette.map(function (p) { return p.label; });
      config.layers.forEach(function (layer) {
        if (layer.kind !== "markers" || !state.data[layer.key] || state.hidden[layer.key]) { return; }
        var data = state.data[layer.key].features.map(function (f) {
          var c = f.geometry.coordinates;
          return { name: f.properties.name, value: [c[0], c[1], f.properties.size], url: f.properties.url,
                   stage: f.properties.state_label, county: f.properties.county, zone: f.properties.zone,
                   unit: f.properties.unit };
        });
        series.push({ name: layer.label, type: "scatter", coordinateSystem: "geo", data: data, symbol: "diamond",
                      symbolSize: 8, itemStyle: { color: layer.color || "#e8590c", borderColor: "#fff",
                                                  borderWidth: 1 }, emphasis: { scale: 1.6 } });
        legend.push(layer.label);
      });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          if (p.componentType === "series") {
            return p.data.name + "<br>" + p.data.stage + " · " + p.data.county + (p.data.zone ? " · " + p.data.zone : "") +
              "<br>" + p.data.value[2].toLocaleString() + " " + (p.data.unit || "万元");
          }
          return p.name;
        } },
        legend: { top: 0, left: 0, data: legend },
        geo: { map: MAP_NAME, roam: true, aspectScale: 0.85, layoutCenter: ["50%", "53%"], layoutSize: "92%",
               label: { show: true, fontSize: 12, fontWeight: "bold", color: "#495057" },
               itemStyle: { areaColor: "#eef3fa", borderColor: "#7a8ca3" },
               emphasis: { itemStyle: { areaColor: "#dbe7f6" }, label: { show: true } },
               regions: areas.filter(function (f) { return f.properties.kind === "zone"; }).map(function (f) {
                 return { name: f.properties.name, itemStyle: { areaColor: "rgba(66,99,235,0.18)",
                                                                borderColor: "#4263eb", borderType: "dashed" },
                          label: { show: false }, emphasis: { label: { show: true, color: "#1c3faa" } } };
               }) },
        series: series
      }, { replaceMerge: ["series", "geo"] });
      el.dataset.points = String(points.length);
      el.dataset.areas = String(areas.length);
      el.dataset.ready = "1";
      chart.off("click");
      chart.on("click", function (params) {
        var link = params.componentType === "series" ? params.data && params.data.url : links[params.name];
        if (link) { window.location.href = link; }
      });
    }

    document.querySelectorAll("[data-map-colour]").forEach(function (input) {
      input.addEventListener("change", function () { state.colour = input.value; render(); });
    });
    document.querySelectorAll("[data-map-layer]").forEach(function (input) {
      input.addEventListener("change", function () { state.hidden[input.value] = !input.checked; render(); });
    });
    config.layers.forEach(function (layer) { state.hidden[layer.key] = !layer.on; });
    Promise.all(config.layers.map(function (layer) {
      return fetch(layer.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.ok ? r.json() : { type: "FeatureCollection", features: [] }; })
        .catch(function () { return { type: "FeatureCollection", features: [] }; })
        .then(function (data) { state.data[layer.key] = data; });
    })).then(render);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dz-map").forEach(init);
  });
})();
