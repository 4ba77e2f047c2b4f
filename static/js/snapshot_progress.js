// Snapshot progress: polls the status endpoint every second until the build is done or failed.
(function () {
  "use strict";
  var root = document.querySelector("[data-snapshot-status-url]");
  if (!root || root.hasAttribute("data-finished")) {
    return;
  }
  var url = root.getAttribute("data-snapshot-status-url");
  var progress = root.querySelector(".progress");
  var bar = root.querySelector("[data-role=bar]");
  var label = root.querySelector("[data-role=progress-label]");
  var badge = root.querySelector("[data-role=status]");
  var error = root.querySelector("[data-role=error]");
  var download = root.querySelector("[data-role=download]");
  var sha = document.querySelector("[data-role=sha256]");

  function render(data) {
    bar.style.width = data.progress + "%";
    bar.textContent = data.progress + " %";
    progress.setAttribute("aria-valuenow", String(data.progress));
    label.textContent = data.label;
    badge.textContent = data.status_label;
    badge.className = "badge " + ({done: "text-bg-success", failed: "text-bg-danger", running: "text-bg-primary"}[data.status] || "text-bg-secondary");
    if (data.finished) {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    }
    if (data.status === "failed") {
      bar.classList.add("bg-danger");
      error.textContent = data.error;
      error.classList.remove("d-none");
    }
    if (data.status === "done") {
      download.setAttribute("href", data.download_url);
      download.classList.remove("d-none");
      if (sha) {
        sha.textContent = data.sha256;
      }
    }
  }

  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        render(data);
        if (!data.finished) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000); // a network blip: keep trying, more slowly
      });
  }

  poll();
})();
