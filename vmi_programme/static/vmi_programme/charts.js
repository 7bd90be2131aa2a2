// Draws every chart rendered by vmi_programme.charts.figure_html once Plotly has loaded.
// window.vmiCharts.render(element) redraws one (e.g. after a page filters its spec).
(function () {
  function render(element) {
    var source = document.getElementById(element.getAttribute("data-plotly-spec"));
    if (!source || typeof Plotly === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    Plotly.newPlot(element, spec.figure.data, spec.figure.layout || {}, spec.config || {});
  }
  function renderAll() {
    document.querySelectorAll("[data-plotly-spec]").forEach(render);
  }
  window.vmiCharts = { render: render, renderAll: renderAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
