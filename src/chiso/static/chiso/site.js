// Small behaviours of every page, kept out of the markup (the Content-Security-Policy runs no inline script).
// - <select data-autosubmit>: choosing an option submits its form (the language switch, the quarter picker);
// - <form data-go-to-choice="NAME">: submitting goes to the URL held by the chosen option of field NAME.
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
