// The quick check: draw each practice head, check one answer at a time through the JSON API (instant
// feedback, no page change), and on the result page remember the score in this browser and draw the four heads.
// Without JavaScript the form posts to the server and the result page shows the same feedback.
(function () {
  "use strict";

  var SCORE_KEY = "attention-course:score:";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;  // textContent only: no text is ever parsed as HTML
    return node;
  }

  function plots() { return window.AttentionPlots; }

  function drawQuestionHeads(root) {
    if (!plots() || !window.Plotly) return;
    root.querySelectorAll("[data-quiz-head]").forEach(function (box) {
      var script = box.querySelector("[data-quiz-figure]");
      var plot = box.querySelector("[data-quiz-plot]");
      var figure = script && plots().readJSON(script);
      if (!figure || !plot) return;
      box.classList.add("js-plots");
      plots().draw(plot, figure, "quiz-head").then(function () { box.setAttribute("data-plotted", "1"); });
    });
  }

  // Builds the markup of templates/_quiz_feedback.html from one graded result of the API.
  function verdict(result) {
    var box = el("div", {
      "class": "quiz-verdict " + (result.correct ? "is-right" : "is-wrong"),
      "data-verdict": "",
      "data-correct": result.correct ? "true" : "false",
      "data-right-answer": result.right_answer
    });
    var line = box.appendChild(el("p", { "class": "verdict-line", "data-verdict-line": "" }));
    line.appendChild(el("strong", {}, result.correct ? "✓ Correct." : "✗ Not quite."));
    var rest = " You answered “" + result.answer_label + "”.";
    if (!result.correct) rest += " The right answer is “" + result.right_label + "”.";
    line.appendChild(document.createTextNode(rest));
    if (result.options && result.options.length) {
      var list = box.appendChild(el("ul", { "class": "option-feedback", "data-option-feedback": "" }));
      result.options.forEach(function (o) {
        var li = list.appendChild(el("li", { "class": (o.correct ? "is-right" : "is-wrong") + (o.chosen ? " is-chosen" : "") }));
        li.appendChild(el("span", { "class": "option-key" }, o.key));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("strong", {}, o.label));
        if (o.chosen) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(el("span", { "class": "tag" }, "your answer"));
        }
        li.appendChild(document.createTextNode(" — " + o.explanation));
      });
    } else {
      box.appendChild(el("p", { "class": "explanation", "data-explanation": "" }, result.explanation));
    }
    return box;
  }

  function showMessage(feedback, message) {
    feedback.textContent = "";
    feedback.appendChild(el("p", { "class": "form-error", role: "alert", "data-error": "" }, message));
  }

  function errorMessage(body, status) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && Array.isArray(body.errors)) return body.errors.join(" ");
    return "Something went wrong (" + status + "). Please try again.";
  }

  function answerOf(question) {
    var checked = question.querySelector("input[type=radio][data-answer]:checked");
    if (checked) return checked.value;
    var box = question.querySelector("input[type=number][data-answer]");
    return box ? box.value.trim() : "";
  }

  function check(slug, question) {
    var feedback = question.querySelector("[data-feedback]");
    var answer = answerOf(question);
    if (!answer) {
      showMessage(feedback, question.dataset.kind === "shape" ? "Type a whole number first." : "Choose an answer first.");
      return Promise.resolve();
    }
    var button = question.querySelector("[data-check]");
    // Only the latest check of a question may show its verdict (a quick change of mind sends two requests).
    var ticket = (Number(question.getAttribute("data-ticket")) || 0) + 1;
    question.setAttribute("data-ticket", String(ticket));
    function latest() { return Number(question.getAttribute("data-ticket")) === ticket; }
    if (button) button.disabled = true;
    question.setAttribute("aria-busy", "true");
    var body = JSON.stringify({ answers: [{ id: question.dataset.questionId, answer: answer }] });
    return fetch("/api/quiz/" + encodeURIComponent(slug) + "/answers", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: body
    })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          if (!latest()) return;
          if (!response.ok || !data || !data.results || !data.results[0]) {
            showMessage(feedback, errorMessage(data, response.status));
            return;
          }
          feedback.textContent = "";
          feedback.appendChild(verdict(data.results[0]));
          question.setAttribute("data-checked", data.results[0].correct ? "right" : "wrong");
        });
      })
      .catch(function () { if (latest()) showMessage(feedback, "The server could not be reached. Please try again."); })
      .then(function () {
        if (!latest()) return;
        if (button) button.disabled = false;
        question.removeAttribute("aria-busy");
      });
  }

  function initQuiz(form) {
    var slug = form.dataset.quiz;
    drawQuestionHeads(form);
    if (!window.fetch) return;
    form.querySelectorAll("[data-question]").forEach(function (question) {
      var button = question.querySelector("[data-check]");
      if (button) {
        button.hidden = false;
        button.addEventListener("click", function () { check(slug, question); });
      }
      // Choosing an option is enough to hear back; a number is checked with the button or the Enter key.
      question.querySelectorAll("input[type=radio][data-answer]").forEach(function (radio) {
        radio.addEventListener("change", function () { check(slug, question); });
      });
      question.querySelectorAll("input[type=number][data-answer]").forEach(function (box) {
        box.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            check(slug, question);
          }
        });
      });
    });
  }

  function initResult(root) {
    var score = root.querySelector("[data-quiz-score]");
    if (score) {
      var saved = { score: Number(score.dataset.score), total: Number(score.dataset.total), at: new Date().toISOString() };
      try {
        window.localStorage.setItem(SCORE_KEY + score.dataset.slug, JSON.stringify(saved));
        score.setAttribute("data-saved", "true");
      } catch (e) { /* private mode: nothing is remembered */ }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-quiz]").forEach(initQuiz);
    document.querySelectorAll("[data-quiz-result]").forEach(initResult);
    document.querySelectorAll("[data-quiz-heads]").forEach(function (root) {
      var script = root.querySelector("[data-attention-payload]");
      var payload = script && plots() && plots().readJSON(script);
      if (payload) plots().drawHeads(root, payload);
    });
  });
})();
