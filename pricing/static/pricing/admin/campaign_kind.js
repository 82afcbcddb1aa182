/* The campaign form shows only the fields of the chosen kind.
 *
 * The kind select carries the map field -> kinds that use it
 * (data-kind-fields, from pricing.validation.KIND_FIELDS).  Without
 * JavaScript every field shows, and its help text names the kinds using it.
 */
"use strict";
(function () {
  function update(select) {
    const uses = JSON.parse(select.dataset.kindFields);
    const kind = select.value;
    const form = select.form || document;
    Object.keys(uses).forEach(function (name) {
      const row = form.querySelector(".form-row.field-" + name);
      if (row) {
        row.style.display = kind === "" || uses[name].includes(kind) ? "" : "none";
      }
    });
    form.querySelectorAll("fieldset.campaign-kind").forEach(function (fieldset) {
      const rows = Array.from(fieldset.querySelectorAll(".form-row"));
      const empty = rows.length > 0 && rows.every(function (row) {
        return row.style.display === "none";
      });
      fieldset.style.display = empty ? "none" : "";
    });
  }

  function start() {
    const select = document.querySelector("select[data-kind-fields]");
    if (select) {
      select.addEventListener("change", function () { update(select); });
      update(select);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
