// The one person picker: search-as-you-type over the people the server lets this user choose.
// 1. A <select data-person-search="URL"> (vmi_programme.person_picker.PersonPicker) is hidden and
//    replaced by a text input with a <datalist> of at most 20 matches from URL?q=...; choosing a
//    listed name sets the select, so the form posts the person's id as before. Without
//    JavaScript the select is used as it is. When there are too many people for a select the
//    picker is an <input data-person-search="URL">: it gets the same suggestions, and the
//    server matches the name (or listed label) it posts.
//    Several people (PersonMultiPicker): a <select multiple data-person-search> gets the same
//    search box and a list of the chosen, each with a Remove button; a <textarea
//    data-person-search> (too many people for a select) gets a search box that adds a line.
// 2. The networks name generator: <form data-search-url> with input.vmi-person-search rows; a
//    chosen name fills the row's hidden person id, a typed one is matched by the server.
(function () {
  "use strict";

  function fetchPeople(url, query, done) {
    var joiner = url.indexOf("?") === -1 ? "?" : "&";
    fetch(url + joiner + "q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { done(data.results || []); })
      .catch(function () { done([]); });
  }

  function describe(person) {
    if (person.label) return person.label;
    var extra = [person.job_title, person.department].filter(Boolean).join(", ");
    return extra ? person.name + " (" + extra + ")" : person.name;
  }

  function debounce(fn) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, 200);
    };
  }

  function fill(list, people, found) {
    list.innerHTML = "";
    people.forEach(function (person) {
      var option = document.createElement("option");
      option.value = describe(person);
      found[option.value] = person;
      list.appendChild(option);
    });
  }

  // 1. Selects of people.
  function enhance(select) {
    var url = select.getAttribute("data-person-search");
    var found = {};
    var input = document.createElement("input");
    var list = document.createElement("datalist");
    input.type = "text";
    input.id = select.id + "-search";
    input.className = "nhsuk-input vmi-person-picker" +
      (select.className.indexOf("--error") !== -1 ? " nhsuk-input--error" : "");
    input.setAttribute("autocomplete", "off");
    // No role attribute: an input with a list (the datalist) is a combobox already; an explicit
    // role="combobox" would owe an aria-expanded it cannot keep true (axe: aria-required-attr).
    input.setAttribute("data-person-picker-for", select.id);
    list.id = select.id + "-matches";
    input.setAttribute("list", list.id);
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    });
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value) {
      input.value = chosen.text;
      found[chosen.text] = { id: chosen.value, name: chosen.text, label: chosen.text };
    }
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.setAttribute("for", input.id);
      input.setAttribute("aria-label", label.textContent.trim());
    }
    input.placeholder = "Start typing a name";
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(list, select);

    function choose(person) {
      var value = person ? String(person.id) : "";
      if (person && !select.querySelector('option[value="' + value + '"]')) {
        var option = document.createElement("option");
        option.value = value;
        option.text = describe(person);
        select.appendChild(option);
      }
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    var search = debounce(function (query) {
      fetchPeople(url, query, function (people) { fill(list, people, found); });
    });

    input.addEventListener("input", function () {
      var person = found[input.value];
      if (person) {
        choose(person);
        return;
      }
      choose(null);  // typed text that is nobody yet: nothing is chosen
      if (input.value.trim().length >= 2) search(input.value.trim());
    });
  }

  document.querySelectorAll("select[data-person-search]:not([multiple])").forEach(enhance);

  // 1b. Several people (PersonMultiPicker): the same search box; each chosen person is listed
  //     with a Remove button and selected in the hidden multiple select, which the form posts.
  function searchBox(field, suffix) {
    var input = document.createElement("input");
    var list = document.createElement("datalist");
    input.type = "text";
    input.id = field.id + suffix;
    input.className = "nhsuk-input vmi-person-picker" +
      (field.className.indexOf("--error") !== -1 ? " nhsuk-input--error" : "");
    input.setAttribute("autocomplete", "off");
    // No role attribute: an input with a list (the datalist) is a combobox already; an explicit
    // role="combobox" would owe an aria-expanded it cannot keep true (axe: aria-required-attr).
    input.setAttribute("data-person-picker-for", field.id);
    input.placeholder = "Start typing a name to add someone";
    list.id = field.id + "-matches";
    input.setAttribute("list", list.id);
    if (field.hasAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", field.getAttribute("aria-describedby"));
    }
    field.parentNode.insertBefore(input, field);
    field.parentNode.insertBefore(list, field);
    return { input: input, list: list };
  }

  function whenChosen(box, url, found, add) {
    var search = debounce(function (query) {
      fetchPeople(url, query, function (people) { fill(box.list, people, found); });
    });
    box.input.addEventListener("input", function () {
      var person = found[box.input.value];
      if (person) {
        add(person);
        box.input.value = "";
        return;
      }
      if (box.input.value.trim().length >= 2) search(box.input.value.trim());
    });
  }

  function enhanceMany(select) {
    var url = select.getAttribute("data-person-search");
    var found = {};
    var box = searchBox(select, "-search");
    var chosen = document.createElement("ul");
    chosen.className = "nhsuk-list vmi-people-chosen";
    chosen.id = select.id + "-chosen";
    chosen.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(chosen, box.input);
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.setAttribute("for", box.input.id);
      box.input.setAttribute("aria-label", label.textContent.trim());
    }
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;

    function draw() {
      chosen.innerHTML = "";
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected) return;
        var item = document.createElement("li");
        var name = document.createElement("span");
        var remove = document.createElement("button");
        name.textContent = option.text + " ";
        remove.type = "button";
        remove.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small " +
          "nhsuk-u-margin-bottom-1";
        remove.textContent = "Remove";
        var hidden = document.createElement("span");
        hidden.className = "nhsuk-u-visually-hidden";
        hidden.textContent = " " + option.text;
        remove.appendChild(hidden);
        remove.addEventListener("click", function () {
          option.selected = false;
          draw();
          box.input.focus();
        });
        item.appendChild(name);
        item.appendChild(remove);
        chosen.appendChild(item);
      });
    }

    whenChosen(box, url, found, function (person) {
      var value = String(person.id);
      var option = select.querySelector('option[value="' + value + '"]');
      if (!option) {
        option = document.createElement("option");
        option.value = value;
        option.text = describe(person);
        select.appendChild(option);
      }
      option.selected = true;
      draw();
    });
    draw();
  }

  // Beyond a select's size: a textarea of names, one per line; a chosen name adds its line.
  function enhanceLines(textarea) {
    var box = searchBox(textarea, "-search");
    whenChosen(box, textarea.getAttribute("data-person-search"), {}, function (person) {
      var text = textarea.value.replace(/\s+$/, "");
      textarea.value = (text ? text + "\n" : "") + describe(person);
    });
  }

  document.querySelectorAll("select[multiple][data-person-search]").forEach(enhanceMany);
  document.querySelectorAll("textarea[data-person-search]").forEach(enhanceLines);

  document.querySelectorAll("input[data-person-search]").forEach(function (input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-matches";
    input.setAttribute("list", list.id);
    input.parentNode.insertBefore(list, input.nextSibling);
    var search = debounce(function (query) {
      fetchPeople(input.getAttribute("data-person-search"), query, function (people) {
        fill(list, people, {});
      });
    });
    input.addEventListener("input", function () {
      if (input.value.trim().length >= 2) search(input.value.trim());
    });
  });

  // 2. The networks name generator.
  var form = document.querySelector("form[data-search-url]");
  if (!form) return;
  var shared = document.getElementById("people-matches");
  var url = form.getAttribute("data-search-url");
  var named = {};
  var searchNames = debounce(function (query) {
    fetchPeople(url, query, function (people) { fill(shared, people, named); });
  });

  function hiddenFor(input) {
    return document.getElementById(input.id.replace(/-name$/, "-person_id"));
  }

  form.querySelectorAll("input.vmi-person-search").forEach(function (input) {
    input.addEventListener("input", function () {
      var hidden = hiddenFor(input);
      var person = named[input.value];
      if (person) {
        input.value = person.name;
        if (hidden) hidden.value = person.id;
        return;
      }
      if (hidden) hidden.value = "";  // a typed name: the server matches it or adds a collaborator
      if (input.value.trim().length >= 2) searchNames(input.value.trim());
    });
  });
})();
