// Autosaving rows: the collection form's values and the self-assessment sheet's indicators save
// through htmx as soon as a field changes (hx-post on the row, with the version the row was
// rendered with). The server answers 200 with the row's new status, which htmx swaps in.
//
// When it cannot answer that way — 503 (the database stayed busy), 403 (the form was sent or
// locked meanwhile), 4xx/5xx of any kind, or no answer at all — htmx swaps nothing, and the person
// would believe the typing saved. This shows the server's sentence (or a generic one) in the row's
// [data-autosave-message] element of the closest [data-autosave] container instead. Text only:
// the answer is read as text, never inserted as markup.
(function () {
  var OFFLINE = {
    vi: "Chưa lưu được: không kết nối được máy chủ. Hãy thử lại.",
    en: "Not saved: the server could not be reached. Please try again."
  };

  function say(event, text) {
    var elt = event.detail && event.detail.elt;
    var row = elt && elt.closest && elt.closest("[data-autosave]");
    var slot = row && row.querySelector("[data-autosave-message]");
    if (!slot) {
      return;
    }
    var line = document.createElement("span");
    line.className = "err";
    line.setAttribute("role", "alert");
    line.textContent = text;
    slot.replaceChildren(line);
  }

  function textOf(xhr) {
    var body = (xhr && xhr.responseText) || "";
    var type = (xhr && xhr.getResponseHeader("Content-Type")) || "";
    if (type.indexOf("application/json") === 0) {
      try {
        return JSON.parse(body).error || "";
      } catch (e) {
        return "";
      }
    }
    return new DOMParser().parseFromString(body, "text/html").body.textContent.trim();
  }

  document.addEventListener("htmx:responseError", function (event) {
    var text = textOf(event.detail.xhr);
    say(event, text.length > 0 && text.length < 400 ? text : (event.detail.xhr.status + " " + event.detail.xhr.statusText));
  });
  document.addEventListener("htmx:sendError", function (event) {
    var lang = (document.documentElement.lang || "vi").slice(0, 2);
    say(event, OFFLINE[lang] || OFFLINE.vi);
  });
})();
