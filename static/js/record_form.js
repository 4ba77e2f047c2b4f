// Clinical forms: highlight the field a data query points to (?field=<name>), and put the field's
// change history and open queries next to its label (data from {% record_integrity %}). Its words come from the
// form's data-word-* attributes (templates/includes/record_form.html), in the page's language.
(function () {
  "use strict";
  function word(name, english) {
    var form = document.querySelector("[data-word-" + name + "]");
    return (form && form.getAttribute("data-word-" + name)) || english;
  }
  function wrapperOf(name) {
    return document.getElementById("div_id_" + name) ||
      (document.getElementById("id_" + name) || {closest: function () { return null; }}).closest(".mb-3") ||
      document.getElementById("id_" + name);
  }
  function labelOf(name) {
    return document.querySelector('label[for="id_' + name + '"]');
  }
  function link(href, text, cls, testid) {
    var a = document.createElement("a");
    a.href = href; a.textContent = text; a.className = cls;
    if (testid) { a.setAttribute("data-testid", testid); }
    return a;
  }
  function annotate() {
    var node = document.getElementById("record-integrity-data");
    if (!node) { return; }
    var data = JSON.parse(node.textContent);
    Object.keys(data.history || {}).forEach(function (name) {
      var label = labelOf(name);
      if (!label) { return; }
      var h = data.history[name];
      label.appendChild(link(h.url, word("history", "history ({n})").replace("{n}", String(h.n)), "field-history-link small ms-2", "field-history-" + name));
    });
    Object.keys(data.queries || {}).forEach(function (name) {
      var label = labelOf(name);
      var w = wrapperOf(name);
      if (w) { w.classList.add("field-has-query"); }
      if (!label) { return; }
      data.queries[name].forEach(function (q) {
        var a = link(q.url, word("query", "query"), "badge text-bg-danger ms-2 text-decoration-none", "field-query-" + name);
        a.title = q.text;
        label.appendChild(a);
      });
    });
    if (data.raise) {
      document.querySelectorAll('label[for^="id_"]').forEach(function (label) {
        var name = label.getAttribute("for").slice(3);
        if (["change_reason", "change_reason_detail"].indexOf(name) >= 0) { return; }
        label.appendChild(link(data.raise + "?field=" + encodeURIComponent(name), word("raise-query", "raise query"),
          "field-raise-link small ms-2 text-muted", "field-raise-" + name));
      });
    }
  }
  function highlight() {
    var name = new URLSearchParams(window.location.search).get("field");
    if (!name) { return; }
    var w = wrapperOf(name);
    if (!w) { return; }
    w.classList.add("field-highlight");
    w.setAttribute("data-highlighted", "true");
    w.scrollIntoView({block: "center"});
    var input = document.getElementById("id_" + name);
    if (input && input.focus) { input.focus({preventScroll: true}); }
  }
  function init() { annotate(); highlight(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
