// Slide 4: submit a sentence without reloading, redraw every head from the JSON API, keep the URL shareable.
(function () {
  "use strict";

  var RELATION_NAMES = {
    subject_verb: "subject → verb",
    adjective_noun: "adjective → noun",
    coreference: "pronoun → antecedent",
    proximity: "neighbouring word"
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;  // textContent: learner text is never parsed as HTML
    return node;
  }

  function table(headers, rows, attrs) {
    var t = el("table", attrs || {});
    var head = el("tr");
    headers.forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    rows.forEach(function (cells) {
      var tr = body.appendChild(el("tr"));
      cells.forEach(function (c) { tr.appendChild(el("td", {}, c)); });
    });
    return t;
  }

  function headPanel(head, i) {
    var panel = el("article", { "class": "head-panel", "data-head": String(head.index), "data-relation": head.relation,
                                "aria-labelledby": "head-title-" + head.index });
    panel.appendChild(el("h3", { id: "head-title-" + head.index, "data-head-title": "" }, head.title));
    panel.appendChild(el("p", { "class": "head-description", "data-head-description": "" }, head.description));
    panel.appendChild(el("div", { "class": "plot", "data-plot": String(i), role: "figure",  // figure, not img: the chart has buttons inside
      "aria-label": "Heatmap of " + head.title + ": rows are query tokens, columns are the keys they attend to. The table below lists each token's strongest key." }));
    if (head.recipe) panel.appendChild(recipe(head.recipe));
    var details = panel.appendChild(el("details", { "class": "top-keys" }));
    details.appendChild(el("summary", {}, "Where each token looks most"));
    details.appendChild(table(["Query token", "Attends most to", "Weight"],
      head.top.map(function (t) { return [t.query, t.key, t.weight.toFixed(2)]; }), { "data-top-keys": "" }));
    return panel;
  }

  function signed(v, digits) {
    if (!v) return "0";
    return (v > 0 ? "+" : "") + v.toFixed(digits);
  }

  function recipe(r) {
    var details = el("details", { "class": "recipe", "data-recipe": "" });
    details.appendChild(el("summary", {}, "How this head is built"));
    if (r.terms.length) {
      details.appendChild(el("p", {}, "Its W_Q and W_K are built so that q·k / √d_k adds these scores when a query token has the first feature and a key token the second:"));
      details.appendChild(table(["Query token is a…", "Key token is a…", "Score"],
        r.terms.map(function (t) { return [t.query, t.key, signed(t.score, 1)]; }), { "class": "compact" }));
    } else {
      details.appendChild(el("p", {}, "Its W_Q and W_K are zero: it reads no word features, only positions."));
    }
    details.appendChild(el("p", {}, "Added to every score by position (like T5 and ALiBi), for a key this many tokens after the query:"));
    details.appendChild(table(["offset"].concat(r.bias.offsets.map(function (d) { return signed(d, 0); })),
      [["bias"].concat(r.bias.values.map(function (v) { return signed(v, 1); }))], { "class": "compact bias" }));
    details.appendChild(el("p", { "class": "muted" }, "The softmax of these scores is the heatmap; nothing edits the weights after it."));
    return details;
  }

  function oneVsMany(ovm) {
    var box = el("aside", { "class": "one-vs-many", "data-one-vs-many": "", "aria-label": "One head against four" });
    box.appendChild(el("h3", {}, "One head vs four, on this sentence"));
    if (!ovm.h1.present) {
      box.appendChild(el("p", {}, "None of the four relationships appears in this sentence; try one of the examples."));
      return box;
    }
    box.appendChild(el("p", {}, "This sentence has " + ovm.h1.present + " of the four relationships in it. One full-width head gets " +
      ovm.h1.captured + " of " + ovm.h1.present + " right; four heads get " + ovm.h4.captured + " of " + ovm.h4.present + "."));
    var rows = [];
    Object.keys(RELATION_NAMES).forEach(function (rel) {
      var one = ovm.h1.relations[rel], four = ovm.h4.relations[rel];
      if (one.total) rows.push([RELATION_NAMES[rel], one.hits + " / " + one.total, four.hits + " / " + four.total]);
    });
    box.appendChild(table(["Relationship", "1 head", "4 heads"], rows, { "class": "compact" }));
    return box;
  }

  function queryFor(form) {
    var data = new FormData(form);
    var params = new URLSearchParams();
    params.set("text", data.get("text") || "");
    params.set("heads", data.get("heads") || "4");
    params.set("source", data.get("source") || "illustrative");
    var seed = (data.get("seed") || "").trim();
    if (seed) params.set("seed", seed);
    // The pretrained source's choices (static/js/pretrained.js); disabled, hence absent, for other sources.
    ["layer", "head"].forEach(function (name) { var v = (data.get(name) || "").trim(); if (v) params.set(name, v); });
    if (data.get("special")) params.set("special", "true");
    return params;
  }

  function render(results, payload, params) {
    results.textContent = "";
    results.removeAttribute("data-plotted");
    var summary = el("p", { "class": "run-summary", "data-run-summary": "" });
    summary.textContent = payload.tokens.length + " tokens · h = " + payload.num_heads + " heads · d_model = " +
      payload.d_model + " · d_k = " + payload.d_k + " · weights: " + payload.source +
      (payload.seed !== null && payload.seed !== undefined ? " (seed " + payload.seed + ")" : "");
    results.appendChild(summary);
    var grid = results.appendChild(el("div", { "class": "head-grid heads-" + payload.num_heads, "data-head-grid": "" }));
    payload.heads.forEach(function (head, i) { grid.appendChild(headPanel(head, i)); });
    if (payload.num_heads === 1 && !payload.pretrained) results.appendChild(oneVsMany(payload.one_vs_many));
    var downloads = results.appendChild(el("p", { "class": "downloads", "data-downloads": "" }, "Download these weights: "));
    downloads.appendChild(el("a", { "data-download": "csv", href: "/api/attention/weights.csv?" + params, download: "" }, "CSV"));
    downloads.appendChild(document.createTextNode(" · "));
    downloads.appendChild(el("a", { "data-download": "json", href: "/api/attention?" + params + "&download=true", download: "" }, "JSON"));
    results.dispatchEvent(new CustomEvent("attention:rendered", { bubbles: true, detail: { payload: payload, params: params } }));
    return window.AttentionPlots.drawHeads(results, payload);
  }

  function showError(results, message) {
    var old = results.querySelector("[data-error]");
    if (old) old.remove();
    var p = el("p", { "class": "form-error", role: "alert", "data-error": "" }, message);
    results.insertBefore(p, results.firstChild);
  }

  function errorMessage(body, status) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && Array.isArray(body.errors)) return body.errors.join(" ");
    return "Something went wrong (" + status + "). Please try again.";
  }

  function carryQuery(params) {
    // Previous/next links keep the learner's sentence, so slides 1, 3 and 5 show it too.
    document.querySelectorAll("[data-slide-nav] [data-nav]").forEach(function (a) {
      var url = new URL(a.href, window.location.href);
      url.search = params.toString();
      a.href = url.pathname + url.search;
    });
  }

  function init(explorer) {
    var form = explorer.querySelector("[data-sentence-form]");
    var results = explorer.querySelector("[data-explorer-results]");
    var script = explorer.querySelector("[data-attention-payload]");
    var payload = script && window.AttentionPlots.readJSON(script);
    if (payload) window.AttentionPlots.drawHeads(results, payload);
    if (!form || !window.fetch) return;
    var button = form.querySelector("[data-submit]");

    function submit() {
      var params = queryFor(form);
      button.disabled = true;
      explorer.setAttribute("aria-busy", "true");
      return fetch("/api/attention?" + params, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (body) {
            if (!response.ok) { showError(results, errorMessage(body, response.status)); return; }
            history.pushState({ attention: true }, "", window.location.pathname + "?" + params);
            carryQuery(params);
            try { window.localStorage.setItem("attention-course:sentence", params.get("text")); } catch (e) { /* private mode */ }
            return render(results, body, params);
          });
        })
        .catch(function () { showError(results, "The server could not be reached. Please try again."); })
        .then(function () { button.disabled = false; explorer.removeAttribute("aria-busy"); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit();
    });
    explorer.querySelectorAll("[data-example]").forEach(function (chip) {
      chip.addEventListener("click", function (event) {
        event.preventDefault();
        form.querySelector("[data-sentence]").value = chip.textContent;
        submit();
      });
    });
    window.addEventListener("popstate", function () { window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-explorer]").forEach(init);
  });
})();
