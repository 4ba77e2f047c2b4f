// Sections of a form that apply only when another field has a given value (e.g. the death fields when the
// vital status is "Dead"). A wrapper says which: data-show-when="<field name>" data-show-value="<value>"
// ("true"/"false" for a checkbox). Without JavaScript every section stays visible; the server refuses a value
// in a section that does not apply. A section holding a value or an error message is never hidden, so
// nothing the server would refuse, or save, is out of sight.
(function () {
  "use strict";
  function controlValue(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "checkbox") { return input.checked ? "true" : "false"; }
      if (input.type === "radio") { if (input.checked) { return input.value; } continue; }
      return input.value;
    }
    return "";
  }
  function holdsSomething(section) {
    if (section.querySelector(".is-invalid, .invalid-feedback")) { return true; }
    var fields = section.querySelectorAll("input, select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "checkbox" || f.type === "radio") { if (f.checked) { return true; } } else if (f.value) { return true; }
    }
    return false;
  }
  function update(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (section) {
      var applies = controlValue(form, section.getAttribute("data-show-when")) === section.getAttribute("data-show-value");
      var show = applies || holdsSomething(section);
      section.hidden = !show;
      section.setAttribute("data-shown", show ? "true" : "false");
    });
  }
  function init() {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-show-when]")) { return; }
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
