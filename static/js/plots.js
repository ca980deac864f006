// Draws the Plotly figures that the server built (figure JSON from Python; nothing is computed here).
(function () {
  "use strict";

  var CONFIG = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "resetScale2d"],
    toImageButtonOptions: { format: "png", filename: "attention-head", scale: 2 }
  };

  function axisKey(name, prefix) {
    // Trace axis ids "x", "x2" map to layout keys "xaxis", "xaxis2".
    return prefix + "axis" + name.slice(1);
  }

  // One head of the server's multi-head figure as a figure of its own, so each head can sit in its own card
  // beside its title and explanation (2×2 on a laptop, stacked on a phone).
  function headFigure(figure, index) {
    var trace = Object.assign({}, figure.data[index], { xaxis: "x", yaxis: "y" });
    var src = figure.layout;
    var xaxis = Object.assign({}, src[axisKey(figure.data[index].xaxis || "x", "x")]);
    var yaxis = Object.assign({}, src[axisKey(figure.data[index].yaxis || "y", "y")]);
    delete xaxis.domain; delete xaxis.anchor; delete yaxis.domain; delete yaxis.anchor;
    var tokens = trace.x.length;
    return {
      data: [trace],
      layout: {
        coloraxis: src.coloraxis,
        font: src.font,
        paper_bgcolor: src.paper_bgcolor,
        plot_bgcolor: src.plot_bgcolor,
        xaxis: xaxis,
        yaxis: yaxis,
        margin: { l: 70, r: 10, t: 10, b: 70 },
        height: Math.max(300, Math.min(720, 160 + 16 * tokens)),
        autosize: true
      }
    };
  }

  function draw(el, figure, filename) {
    if (!window.Plotly) return Promise.resolve();
    var config = Object.assign({}, CONFIG, { toImageButtonOptions: Object.assign({}, CONFIG.toImageButtonOptions, { filename: filename || "attention" }) });
    return window.Plotly.react(el, figure.data, figure.layout, config);
  }

  function drawHeads(root, payload) {
    if (!window.Plotly) return Promise.resolve();
    root.classList.add("js-plots");
    var jobs = [];
    root.querySelectorAll("[data-plot]").forEach(function (el) {
      var index = Number(el.dataset.plot);
      if (!payload.figure.data[index]) return;
      jobs.push(draw(el, headFigure(payload.figure, index), "attention-head-" + (index + 1)));
    });
    return Promise.all(jobs).then(function () {
      root.setAttribute("data-plotted", String(jobs.length));
      window.__attentionPlotted = (window.__attentionPlotted || 0) + 1;
      if (window.performance && performance.mark) performance.mark("heatmaps-drawn");
    });
  }

  function readJSON(el) {
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  window.AttentionPlots = { draw: draw, drawHeads: drawHeads, headFigure: headFigure, readJSON: readJSON };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-cost-figure]").forEach(function (script) {
      var figure = readJSON(script);
      var el = script.parentElement.querySelector("[data-cost-plot]");
      if (figure && el) draw(el, figure, "attention-costs");
    });
  });
})();
