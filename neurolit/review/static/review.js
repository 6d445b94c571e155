// neurolit review: keyboard shortcuts and a confirmation for bulk accept. No inline script anywhere (CSP).
(function () {
  "use strict";

  function typing(event) {
    var el = event.target;
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
                  el.isContentEditable);
  }

  function go(id) {
    var link = document.getElementById(id);
    if (link) { window.location.href = link.getAttribute("href"); }
  }

  function focus(id) {
    var el = document.getElementById(id);
    if (el) { el.focus(); if (el.select) { el.select(); } }
  }

  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
  }

  function queuePage() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tr.item"));
    var current = rows.length ? 0 : -1;
    function select(index) {
      if (!rows.length) { return; }
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, i) { row.classList.toggle("selected", i === current); });
      rows[current].scrollIntoView({block: "nearest"});
    }
    select(0);
    rows.forEach(function (row, i) {
      row.addEventListener("click", function (event) {
        if (event.target.closest("a, button, form")) { return; }
        select(i);
      });
    });
    var bulk = document.getElementById("bulk-form");
    if (bulk) {
      bulk.addEventListener("submit", function (event) {
        var count = bulk.getAttribute("data-count");
        if (!window.confirm("Accept all " + count + " pending triple(s) in this filtered set?")) {
          event.preventDefault();
        }
      });
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var row = current >= 0 ? rows[current] : null;
      if (event.key === "j") { select(current + 1); }
      else if (event.key === "k") { select(current - 1); }
      else if ((event.key === "o" || event.key === "Enter") && row) {
        window.location.href = row.getAttribute("data-href");
      } else if (event.key === "a" && row) {
        var form = row.querySelector("form.quick-accept");
        if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
      } else if (event.key === "/") { event.preventDefault(); focus("f-gene"); return; }
      else { return; }
      event.preventDefault();
    });
  }

  function triplePage() {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
      switch (event.key) {
        case "a": submit("accept-form"); break;
        case "r": focus("reject-reason"); break;
        case "e": focus("c-gene"); break;
        case "n": focus("note-text"); break;
        case "j": go("next-link"); break;
        case "k": go("prev-link"); break;
        case "u": go("back-to-queue"); break;
        default: return;
      }
      event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.body.getAttribute("data-page");
    if (page === "queue") { queuePage(); }
    if (page === "triple") { triplePage(); }
  });
})();
