// Slide 4, source "pretrained (MiniLM)": the model's own choices (layer/head picker, [CLS]/[SEP] toggle), what the
// heatmaps show, and the model view of all 72 heads (click a map to enlarge it). Works on the server's markup and on
// what static/js/explorer.js renders (it dispatches "attention:rendered"); learner text only ever via textContent.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function baseQuery(payload) {
    // The sentence and the [CLS]/[SEP] choice, without layer/head: the links to the model view and to one head.
    var params = new URLSearchParams();
    params.set("text", payload.text);
    params.set("heads", "4");
    params.set("source", "pretrained");
    if (payload.pretrained && payload.pretrained.special_shown) params.set("special", "true");
    return params.toString();
  }

  function summaryText(payload) {
    var p = payload.pretrained;
    return payload.tokens.length + " WordPieces · showing " + payload.num_heads + " of the model's " +
      (p.layers * p.heads_per_layer) + " heads (" + p.layers + " layers × " + p.heads_per_layer + ") · d_model = " +
      payload.d_model + " · d_k = " + payload.d_k + " · weights: " + payload.source + " (" + p.model + ")";
  }

  function infoBlock(payload) {
    var p = payload.pretrained;
    var base = baseQuery(payload);
    var box = el("div", { "class": "pretrained-info", "data-pretrained-info": "" });
    box.appendChild(el("p", { "class": "pretrained-note", "data-special-note": "" }, p.special_note));
    box.appendChild(el("p", { "class": "pretrained-note", "data-pieces-note": "" }, p.pieces_note));
    var statement = box.appendChild(el("p", { "class": "pretrained-statement", "data-subject-verb": "" }));
    statement.appendChild(el("strong", {}, "Subject → verb:"));
    statement.appendChild(document.createTextNode(" " + p.subject_verb_statement));
    var links = box.appendChild(el("p", { "class": "pretrained-links" }));
    if (p.picked) {
      links.appendChild(el("a", { href: "?" + base, "data-measured-link": "" }, "Back to the four measured heads"));
      links.appendChild(document.createTextNode(" · "));
    } else {
      links.appendChild(el("span", { "class": "muted" }, "The four heads below were chosen by measuring all " +
        (p.layers * p.heads_per_layer) + " on annotated sentences; each caption says how often it is right. "));
    }
    links.appendChild(el("a", { "class": "button button-quiet", href: "?" + base + "&view=model", "data-model-view-link": "" },
      "Model view: all " + (p.layers * p.heads_per_layer) + " heads"));
    return box;
  }

  function modelViewSection(view, payload) {
    var total = view.layers * view.heads_per_layer;
    var measured = (payload && payload.pretrained && payload.pretrained.measured) || [];
    var base = baseQuery(payload || { text: view.text, pretrained: { special_shown: view.special_shown } });
    var section = el("section", { "class": "model-view", "data-model-view": "", "aria-labelledby": "model-view-title" });
    section.appendChild(el("h3", { id: "model-view-title" }, "Model view: all " + total + " heads"));
    section.appendChild(el("p", { "class": "help" }, "One small map per head, a row per layer (queries down, keys across, " +
      "the same colours as above). " + view.special_note + " Click a map, or a head below, to enlarge it."));
    section.appendChild(el("div", { "class": "plot model-view-plot", "data-model-view-plot": "", role: "figure",
      "aria-label": "All " + total + " attention maps of the model for your sentence, one row per layer. The links below open each head." }));
    var wrap = section.appendChild(el("div", { "class": "model-view-links-wrap", tabindex: "0", role: "region", "aria-label": "Open one head" }));
    var table = wrap.appendChild(el("table", { "class": "model-view-links", "data-model-view-links": "" }));
    table.appendChild(el("caption", { "class": "visually-hidden" }, "Open one head: rows are layers, columns are heads"));
    var body = table.appendChild(el("tbody"));
    for (var l = 1; l <= view.layers; l++) {
      var tr = body.appendChild(el("tr"));
      tr.appendChild(el("th", { scope: "row" }, "Layer " + l));
      for (var h = 1; h <= view.heads_per_layer; h++) {
        var star = measured.filter(function (m) { return m.layer === l && m.head === h; })[0];
        var attrs = { href: "?" + base + "&layer=" + l + "&head=" + h, "data-open-head": "", "data-layer": String(l),
                      "data-head-number": String(h), "aria-label": "Layer " + l + ", head " + h + (star ? " (" + star.role_name + ")" : "") };
        if (star) { attrs["class"] = "is-measured"; attrs.title = star.role_name; }
        tr.appendChild(el("td")).appendChild(el("a", attrs, l + "-" + h));
      }
    }
    return section;
  }

  function drawModelView(section, view, form) {
    var plot = section.querySelector("[data-model-view-plot]");
    if (!plot || !window.AttentionPlots) return Promise.resolve();
    return window.AttentionPlots.draw(plot, view.figure, "attention-model-view").then(function () {
      if (plot.on) {
        plot.on("plotly_click", function (event) {
          var point = event && event.points && event.points[0];
          var meta = point && (point.data && point.data.meta || point.fullData && point.fullData.meta);
          if (meta) openHead(form, meta.layer, meta.head);
        });
      }
      section.setAttribute("data-model-plotted", String(view.figure.data.length));
    });
  }

  function controls(form) { return form && form.querySelector("[data-pretrained-controls]"); }

  function syncControls(form) {
    var fieldset = controls(form);
    var select = form && form.querySelector("[data-source-select]");
    if (!fieldset || !select) return;
    var on = select.value === "pretrained";
    fieldset.hidden = !on;
    fieldset.disabled = !on;  // disabled controls are not sent: other sources get no layer/head/special
  }

  function submit(form) {
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event("submit", { cancelable: true }));
  }

  function openHead(form, layer, head) {
    if (!form) return;
    var select = form.querySelector("[data-source-select]");
    if (select) select.value = "pretrained";
    syncControls(form);
    var layerSelect = form.querySelector("[data-layer-select]");
    var headSelect = form.querySelector("[data-head-select]");
    if (!layerSelect || !headSelect) return;
    layerSelect.value = layer === null ? "" : String(layer);
    headSelect.value = head === null ? "" : String(head);
    submit(form);
    var results = document.querySelector("[data-explorer-results]");
    if (results && results.scrollIntoView) results.scrollIntoView({ block: "start" });
  }

  function init(explorer) {
    var form = explorer.querySelector("[data-sentence-form]");
    var results = explorer.querySelector("[data-explorer-results]");
    if (!form || !results) return;
    var script = explorer.querySelector("[data-attention-payload]");
    var payload = script && window.AttentionPlots && window.AttentionPlots.readJSON(script);

    syncControls(form);
    var select = form.querySelector("[data-source-select]");
    if (select) select.addEventListener("change", function () { syncControls(form); });
    var layerSelect = form.querySelector("[data-layer-select]");
    var headSelect = form.querySelector("[data-head-select]");
    if (layerSelect && headSelect) {
      // Layer and head go together: picking one fills the other, clearing the layer clears the head.
      layerSelect.addEventListener("change", function () {
        if (!layerSelect.value) headSelect.value = "";
        else if (!headSelect.value) headSelect.value = "1";
      });
      headSelect.addEventListener("change", function () {
        if (!headSelect.value) layerSelect.value = "";
        else if (!layerSelect.value) layerSelect.value = "1";
      });
    }

    // The server's model view (?view=model): draw it.
    var viewScript = explorer.querySelector("[data-model-view-figure]");
    var view = viewScript && window.AttentionPlots && window.AttentionPlots.readJSON(viewScript);
    if (view) drawModelView(viewScript.closest("[data-model-view]"), view, form);

    results.addEventListener("attention:rendered", function (event) {
      payload = event.detail.payload;
      if (!payload.pretrained) return;
      var summary = results.querySelector("[data-run-summary]");
      if (summary) {
        summary.textContent = summaryText(payload);
        summary.parentNode.insertBefore(infoBlock(payload), summary.nextSibling);
      }
    });

    results.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a");
      if (!link || !results.contains(link) || !window.fetch) return;
      if (link.hasAttribute("data-model-view-link")) {
        event.preventDefault();
        showModelView(link);
      } else if (link.hasAttribute("data-open-head")) {
        event.preventDefault();
        openHead(form, Number(link.dataset.layer), Number(link.dataset.headNumber));
      } else if (link.hasAttribute("data-measured-link")) {
        event.preventDefault();
        openHead(form, null, null);
      }
    });

    function showModelView(link) {
      if (!payload || !payload.pretrained) return;
      var params = new URLSearchParams({ text: payload.text });
      if (payload.pretrained.special_shown) params.set("special", "true");
      link.setAttribute("aria-busy", "true");
      fetch("/api/attention/model-view?" + params, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (body) {
            if (!response.ok || !body) throw new Error((body && typeof body.detail === "string") ? body.detail : "The model view could not be loaded.");
            var old = results.querySelector("[data-model-view]");
            if (old) old.remove();
            var section = modelViewSection(body, payload);
            var info = results.querySelector("[data-pretrained-info]");
            results.insertBefore(section, info ? info.nextSibling : results.firstChild);
            history.pushState({ attention: true }, "", window.location.pathname + link.getAttribute("href"));
            return drawModelView(section, body, form).then(function () {
              if (section.scrollIntoView) section.scrollIntoView({ block: "start" });
            });
          });
        })
        .catch(function (error) {
          var old = results.querySelector("[data-error]");
          if (old) old.remove();
          var message = error instanceof TypeError ? "The server could not be reached. Please try again." : error.message;
          results.insertBefore(el("p", { "class": "form-error", role: "alert", "data-error": "" }, message), results.firstChild);
        })
        .then(function () { link.removeAttribute("aria-busy"); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-explorer]").forEach(init);
  });
})();
