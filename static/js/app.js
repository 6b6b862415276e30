// Page behaviours without inline script (Content-Security-Policy: script-src 'self').
// Each is switched on by a data attribute in the template.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    // <input type="checkbox" id="check-all" data-check-all="cu">: ticks every input[name=cu]
    document.querySelectorAll("[data-check-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        var name = box.getAttribute("data-check-all");
        document.querySelectorAll('input[name="' + name + '"]').forEach(function (c) {
          c.checked = box.checked;
        });
      });
    });

    // <button data-print>: opens the browser's print dialog
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });

    // <form data-busy-text="…">: on submit, disable the button and show the text
    document.querySelectorAll("form[data-busy-text]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button");
        if (button) {
          button.disabled = true;
          button.textContent = form.getAttribute("data-busy-text");
        }
      });
    });
  });

  // <body data-autoprint>: print once the page has loaded (print pages opened from a button)
  window.addEventListener("load", function () {
    if (document.body && document.body.hasAttribute("data-autoprint")) {
      window.print();
    }
  });
})();
