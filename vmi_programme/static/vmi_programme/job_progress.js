// Polls a running job's status and reloads the page when it has finished.
(function () {
  document.querySelectorAll(".vmi-job[data-job-finished='false']").forEach(function (box) {
    var url = box.getAttribute("data-job-status-url");
    var bar = box.querySelector(".vmi-job__bar");
    var message = box.querySelector(".vmi-job__message");
    function poll() {
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
          if (message && data.message) { message.textContent = data.message; }
          if (data.finished) { window.location.reload(); } else { setTimeout(poll, 1500); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1000);
  });
})();
