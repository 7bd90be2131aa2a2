// Adds "Download PNG" and "Download SVG" buttons under each chart inside [data-image-downloads]
// (Plotly.downloadImage; the modebar's camera gives PNG too). Runs after charts.js drew them.
(function () {
  function addButtons(element) {
    var holder = document.createElement("div");
    holder.className = "vmi-image-downloads";
    ["png", "svg"].forEach(function (format) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small";
      var caption = element.closest("figure") ? element.closest("figure").getAttribute("aria-label") : "";
      button.textContent = "Download " + format.toUpperCase();
      button.setAttribute("aria-label", "Download chart as " + format.toUpperCase() + (caption ? ": " + caption.slice(0, 80) : ""));
      button.addEventListener("click", function () {
        Plotly.downloadImage(element, { format: format, filename: element.id, width: 1000, height: 500 });
      });
      holder.appendChild(button);
    });
    element.closest("figure").after(holder);
  }
  function init() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-image-downloads] .vmi-chart").forEach(addButtons);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
