// Long lists to choose from (organisations, tutors, learners): type part of a name, pick a match with
// the arrow keys and Enter (or a tap). The page carries only the chosen entries; matches come from the
// server (at most twenty, as JSON). The form still posts the chosen primary key, from the original
// <select> (kept, hidden) or from the ticked boxes, and the server checks it again.
(function () {
  "use strict";
  var counter = 0;

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // A text input with a list of matches under it; ``onPick(match)`` is called with {id, label}.
  function Suggest(input, source, texts, extraParams, onPick) {
    var id = "combo-" + (++counter);
    var list = document.createElement("ul");
    list.className = "combo__list";
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    var matches = [];
    var active = -1;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function pick(index) {
      var match = matches[index];
      if (!match) return;
      close();
      onPick(match);
    }
    function show(found, more) {
      matches = found;
      list.textContent = "";
      found.forEach(function (match, i) {
        var item = document.createElement("li");
        item.id = id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.className = "combo__option";
        item.textContent = match.label;
        if (match.detail) {
          var detail = document.createElement("span");
          detail.className = "combo__detail";
          detail.textContent = match.detail;
          item.appendChild(detail);
        }
        // mousedown, not click: it comes before the input loses focus.
        item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(i); });
        list.appendChild(item);
      });
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "combo__empty";
        none.textContent = texts.empty;
        list.appendChild(none);
      } else if (more) {
        var hint = document.createElement("li");
        hint.className = "combo__empty";
        hint.textContent = texts.more;
        list.appendChild(hint);
      }
      status.textContent = found.length ? texts.count.replace("{n}", found.length) : texts.empty;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }
    var ask = debounce(function () {
      var ticket = ++asked;
      var url = new URL(source, window.location.href);
      url.searchParams.set("q", input.value.trim());
      var extra = extraParams();
      Object.keys(extra).forEach(function (key) { url.searchParams.set(key, extra[key]); });
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (ticket === asked && document.activeElement === input) show(data.results || [], data.more); })
        .catch(function () { if (ticket === asked) show([], false); });
    }, 200);

    input.addEventListener("input", ask);
    input.addEventListener("focus", ask);
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) ask(); else highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden) event.preventDefault();
        if (!list.hidden && active >= 0) pick(active);
        else if (!list.hidden && matches.length === 1) pick(0);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    return { close: close };
  }

  function texts(el) {
    return {
      empty: el.dataset.textEmpty || "No match.",
      more: el.dataset.textMore || "…",
      count: el.dataset.textCount || "{n}",
    };
  }

  // One choice: the <select> stays (hidden) and is what the form posts.
  function single(box) {
    var select = box.querySelector("select");
    if (!select || box.dataset.comboBound) return;
    box.dataset.comboBound = "1";
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "_search";
    input.className = "combo__input";
    input.placeholder = box.dataset.placeholder || "";
    var described = select.getAttribute("aria-describedby");
    if (described) input.setAttribute("aria-describedby", described);
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    document.querySelectorAll('label[for="' + select.id + '"]').forEach(function (label) { label.htmlFor = input.id; });
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.insertAdjacentElement("afterend", input);
    function chosenLabel() {
      var option = select.options[select.selectedIndex];
      return option && option.value ? option.textContent.trim() : "";
    }
    input.value = chosenLabel();
    var form = select.form;
    var depends = box.dataset.depends && form ? form.elements[box.dataset.depends] : null;
    function choose(id, label) {
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === String(id); });
      if (!option && id !== "") {
        option = new Option(label, id);
        select.add(option);
      }
      select.value = String(id);
      input.value = id === "" ? "" : label;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    Suggest(input, box.dataset.source, texts(box), function () {
      return depends ? { organisation: depends.value } : {};
    }, function (match) { choose(match.id, match.label); });
    input.addEventListener("change", function () {
      if (!input.value.trim() && select.value) choose("", "");
      else if (input.value !== chosenLabel()) input.value = chosenLabel();
    });
    if (depends) depends.addEventListener("change", function () { choose("", ""); });
  }

  // Several choices: ticked boxes; a match picked is added to them, ticked.
  function several(box) {
    var input = box.querySelector("[data-picker-filter]");
    var listed = box.querySelector(".picker__list");
    if (!input || !listed || box.dataset.comboBound) return;
    box.dataset.comboBound = "1";
    var name = box.dataset.pickerName;
    Suggest(input, box.dataset.pickerSource, texts(box), function () { return {}; }, function (match) {
      var existing = listed.querySelector('input[value="' + String(match.id).replace(/"/g, "") + '"]');
      if (existing) {
        existing.checked = true;
      } else {
        var placeholder = listed.querySelector(".picker__none");
        if (placeholder) placeholder.remove();
        var item = document.createElement("li");
        item.setAttribute("data-picker-item", "");
        var label = document.createElement("label");
        label.className = "check";
        var box_ = document.createElement("input");
        box_.type = "checkbox";
        box_.name = name;
        box_.value = match.id;
        box_.checked = true;
        box_.id = "id_" + name + "_picked_" + match.id;
        label.htmlFor = box_.id;
        var text = document.createElement("span");
        text.textContent = match.label;
        label.appendChild(box_);
        label.appendChild(document.createTextNode(" "));
        label.appendChild(text);
        item.appendChild(label);
        listed.appendChild(item);
      }
      input.value = "";
      box.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  }

  function init(root) {
    root.querySelectorAll("[data-search-select][data-partial]").forEach(single);
    root.querySelectorAll("[data-picker][data-picker-source]").forEach(several);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
