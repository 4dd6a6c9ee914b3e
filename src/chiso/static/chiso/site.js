// Small behaviours of every page, kept out of the markup (the Content-Security-Policy runs no inline script).
// - <select data-autosubmit>: choosing an option submits its form (the language switch, the quarter picker);
// - <form data-go-to-choice="NAME">: submitting goes to the URL held by the chosen option of field NAME;
// - a table cell holding a word of 40 characters or more is marked "long-word" (chiso.css lets it wrap
//   anywhere, so the word does not widen the page), on load and after every htmx swap.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var name = form.getAttribute && form.getAttribute("data-go-to-choice");
  if (name && form.elements[name]) {
    event.preventDefault();
    window.location.href = form.elements[name].value;
  }
});

function markLongWords(root) {
  var cells = Array.prototype.slice.call(root.querySelectorAll("td, th"));
  if (root.matches && root.matches("td, th")) cells.push(root);
  cells.forEach(function (cell) {
    if (/\S{40,}/.test(cell.textContent)) cell.classList.add("long-word");
  });
}
document.addEventListener("DOMContentLoaded", function () { markLongWords(document); });
document.addEventListener("htmx:afterSwap", function (event) { markLongWords(event.target); });
