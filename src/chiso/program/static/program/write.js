// Writing a program (program/write_form.html): a KPI whose actual the agencies report has no
// indicator and no supplying agency — hide those two rows while "reported" is chosen.
(function () {
  var source = document.getElementById("id_source");
  if (!source) return;
  var rows = ["row-indicator_code", "row-source_agency"].map(function (id) {
    return document.getElementById(id);
  });
  function sync() {
    rows.forEach(function (row) {
      if (row) row.hidden = source.value === "reported";
    });
  }
  source.addEventListener("change", sync);
  sync();
})();
