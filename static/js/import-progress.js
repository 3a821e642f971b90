// The run page's progress (templates/imports/run.html): while an import runs, ask its progress endpoint
// every two seconds and show the phase, rows done, rate and time left; once the run has finished, reload the
// page for its report. Without this script the page still works: it has a refresh link.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var text = box.querySelector(".run-progress__text");
  var bar = box.querySelector(".run-progress__bar");
  var failures = 0;

  function show(p) {
    if (!p.running) {
      window.location.reload();
      return false;
    }
    text.textContent = p.text;
    if (p.total) {
      bar.max = p.total;
      bar.value = p.done || 0;
      bar.textContent = (p.done || 0) + " of " + p.total;
    } else {
      bar.removeAttribute("value");
    }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (p) {
        failures = 0;
        if (show(p)) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, 5000);
        } else {
          text.textContent = "Progress cannot be read just now: use the refresh link.";
        }
      });
  }

  window.setTimeout(poll, 1000);
})();
