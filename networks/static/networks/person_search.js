// Search-as-you-type for the name generator: fills a shared <datalist> with the trust's people
// and, when a listed name is chosen, the row's hidden person id. Without JavaScript the typed
// name is matched (or recorded as a new collaborator) by the server.
(function () {
  "use strict";
  var form = document.querySelector("form[data-search-url]");
  if (!form) return;
  var list = document.getElementById("people-matches");
  var url = form.getAttribute("data-search-url");
  var found = {};
  var timer = null;

  function label(person) {
    var extra = [person.job_title, person.department].filter(Boolean).join(", ");
    return extra ? person.name + " (" + extra + ")" : person.name;
  }

  function hiddenFor(input) {
    return document.getElementById(input.id.replace(/-name$/, "-person_id"));
  }

  function search(input) {
    var query = input.value.trim();
    if (query.length < 2) return;
    fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        list.innerHTML = "";
        data.results.forEach(function (person) {
          var option = document.createElement("option");
          option.value = label(person);
          found[option.value] = person;
          list.appendChild(option);
        });
      });
  }

  form.querySelectorAll("input.vmi-person-search").forEach(function (input) {
    input.addEventListener("input", function () {
      var hidden = hiddenFor(input);
      var person = found[input.value];
      if (person) {
        input.value = person.name;
        if (hidden) hidden.value = person.id;
        return;
      }
      if (hidden) hidden.value = "";  // a typed name: the server matches it or adds a collaborator
      clearTimeout(timer);
      timer = setTimeout(function () { search(input); }, 200);
    });
  });
})();
