// Site-wide behaviour: arrow-key navigation between slides and the last quiz score on lesson cards.
(function () {
  "use strict";

  function typingIn(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (typingIn(document.activeElement)) return;
    var which = event.key === "ArrowRight" ? "next" : event.key === "ArrowLeft" ? "prev" : null;
    if (!which) return;
    var link = document.querySelector('[data-slide-nav] [data-nav="' + which + '"]');
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });

  // Quiz scores live only in this browser (no account): "attention-course:score:<slug>" = {"score", "total", "at"}.
  document.querySelectorAll("[data-last-score]").forEach(function (el) {
    var raw = null;
    try { raw = window.localStorage.getItem("attention-course:score:" + el.dataset.lastScore); } catch (e) { return; }
    if (!raw) return;
    try {
      var saved = JSON.parse(raw);
      if (typeof saved.score !== "number" || typeof saved.total !== "number") return;
      el.textContent = "Last quick check: " + saved.score + " / " + saved.total;
      el.hidden = false;
    } catch (e) { /* ignore a corrupted entry */ }
  });
})();
