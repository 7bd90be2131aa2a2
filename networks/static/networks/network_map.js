// The network map's controls: node size, colouring, kinds of tie, finding a person, SVG export.
// Every view is already in the figure networks/charts.py built (see its docstring); this only
// shows, hides and resizes traces, so switching needs no request.
(function () {
  "use strict";

  var CONFIG = {
    displaylogo: false,
    responsive: true,
    scrollZoom: true, // zoom with the wheel or a pinch; drag pans (the layout's dragmode)
    toImageButtonOptions: { format: "png", filename: "network-map" }
  };

  function whenDrawn(element, then) {
    // charts.js draws the figure; wait for it rather than racing it.
    if (typeof Plotly !== "undefined" && element.data && element._fullLayout) {
      then();
    } else {
      window.setTimeout(function () { whenDrawn(element, then); }, 50);
    }
  }

  function traces(element, role, test) {
    var found = [];
    element.data.forEach(function (trace, index) {
      var meta = trace.meta || {};
      if (meta.role === role && (!test || test(meta))) { found.push(index); }
    });
    return found;
  }

  function setup(controls) {
    var element = document.getElementById(controls.getAttribute("data-map"));
    if (!element) { return; }
    var size = controls.querySelector("[data-map-size]");
    var colour = controls.querySelector("[data-map-colour]");
    var kinds = controls.querySelectorAll("[data-map-tie-kind]");
    var search = controls.querySelector("[data-map-search]");
    var status = controls.querySelector("[data-map-status]");

    function applySize() {
      var nodes = traces(element, "nodes");
      if (!nodes.length) { return; }
      var sizes = nodes.map(function (i) { return element.data[i].meta.sizes[size.value]; });
      Plotly.restyle(element, { "marker.size": sizes }, nodes);
    }

    function applyColour() {
      var nodes = traces(element, "nodes");
      var visible = nodes.map(function (i) {
        return element.data[i].meta.colouring === colour.value;
      });
      Plotly.restyle(element, { visible: visible }, nodes);
    }

    function applyTies() {
      kinds.forEach(function (box) {
        var index = traces(element, "ties", function (meta) { return meta.kind === box.value; });
        if (index.length) { Plotly.restyle(element, { visible: box.checked }, index); }
      });
    }

    function find(event) {
      event.preventDefault();
      var wanted = (search.value || "").trim().toLowerCase();
      if (!wanted) { return; }
      var best = null;
      traces(element, "nodes", function (meta) { return meta.colouring === colour.value; })
        .forEach(function (i) {
          var trace = element.data[i];
          (trace.customdata || []).forEach(function (label, j) {
            var name = String(label).toLowerCase();
            var score = name === wanted ? 2 : name.indexOf(wanted) >= 0 ? 1 : 0;
            if (score && (!best || score > best.score)) {
              best = { score: score, label: label, x: trace.x[j], y: trace.y[j] };
            }
          });
        });
      if (!best) {
        status.textContent = "Nobody in this network matches “" + search.value.trim() + "”.";
        return;
      }
      status.textContent = "Found " + best.label + ": centred and marked on the map.";
      Plotly.relayout(element, {
        "xaxis.range": [best.x - 0.3, best.x + 0.3],
        "yaxis.range": [best.y - 0.3, best.y + 0.3],
        annotations: [{
          x: best.x, y: best.y, text: best.label, showarrow: true, arrowhead: 2,
          arrowcolor: "#212b32", ax: 40, ay: -40, bgcolor: "#ffffff",
          bordercolor: "#212b32", font: { size: 13 }
        }]
      });
    }

    function reset() {
      status.textContent = "";
      Plotly.relayout(element, {
        "xaxis.autorange": true, "yaxis.autorange": true, annotations: []
      });
    }

    function svg() {
      Plotly.downloadImage(element, {
        format: "svg", filename: "network-map",
        width: element.offsetWidth || 1000, height: element.offsetHeight || 680
      });
    }

    whenDrawn(element, function () {
      Plotly.react(element, element.data, element.layout, CONFIG).then(function () {
        controls.hidden = false;
        size.addEventListener("change", applySize);
        colour.addEventListener("change", applyColour);
        kinds.forEach(function (box) { box.addEventListener("change", applyTies); });
        if (search) {
          controls.querySelector("[data-map-find]").addEventListener("click", find);
          search.addEventListener("keydown", function (event) {
            if (event.key === "Enter") { find(event); }
          });
        }
        controls.querySelector("[data-map-reset]").addEventListener("click", reset);
        controls.querySelector("[data-map-svg]").addEventListener("click", svg);
        element.setAttribute("data-map-ready", "true");
      });
    });
  }

  function setupAll() {
    document.querySelectorAll("[data-map]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
