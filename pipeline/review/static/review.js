// review.js: the review page's filters, keyboard and posts. Every post carries the page's token.
(function () {
  "use strict";
  var main = document.querySelector("main.review-app");
  if (!main) { return; }
  var stem = main.getAttribute("data-stem");
  var token = document.querySelector('meta[name="review-token"]').getAttribute("content");
  var list = document.getElementById("decisions");
  var status = document.getElementById("status");
  var editor = document.getElementById("editor");
  var items = Array.prototype.slice.call(list.querySelectorAll("li.decision-item"));
  var saved = window.localStorage && window.localStorage.getItem("teipipe-editor");
  if (saved && !editor.defaultValue) { editor.value = saved; }

  function visible() { return items.filter(function (li) { return !li.hidden; }); }
  function current() { return document.activeElement && document.activeElement.closest ? document.activeElement.closest("li.decision-item") : null; }

  function highlight(li) {
    document.querySelectorAll("mark.current").forEach(function (m) { m.classList.remove("current"); });
    if (!li) { return; }
    document.querySelectorAll('mark[data-d="' + li.getAttribute("data-d") + '"]').forEach(function (m) {
      m.classList.add("current");
    });
  }

  function focusItem(li) {
    if (!li) { return; }
    li.focus();
    li.scrollIntoView({block: "nearest"});
    var mark = document.getElementById("r-" + li.getAttribute("data-d")) || document.querySelector('mark[data-d="' + li.getAttribute("data-d") + '"]');
    if (mark) { mark.scrollIntoView({block: "nearest"}); }
    highlight(li);
    if (history.replaceState) { history.replaceState(null, "", "#d-" + li.getAttribute("data-d")); }
  }

  function step(delta, test) {
    var shown = visible();
    var at = shown.indexOf(current());
    for (var i = 1; i <= shown.length; i++) {
      var li = shown[(at + delta * i + shown.length * 2) % shown.length];
      if (!test || test(li)) { focusItem(li); return; }
    }
  }

  function filter() {
    var kind = document.getElementById("filter-kind").value;
    var cert = document.getElementById("filter-cert").value;
    var state = document.getElementById("filter-state").value;
    var count = 0;
    items.forEach(function (li) {
      var c = li.getAttribute("data-cert"), s = li.getAttribute("data-state");
      var show = (!kind || li.getAttribute("data-kind") === kind)
        && (!cert || c === cert || (cert === "uncertain" && (c === "low" || c === "medium")))
        && (!state || s === state || (state === "reviewed" && s !== "open"));
      li.hidden = !show;
      if (show) { count++; }
    });
    status.textContent = count + " of " + items.length + " decisions shown";
  }
  ["filter-kind", "filter-cert", "filter-state"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", filter);
  });
  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });

  function post(entries, li, withdraw) {
    var by = editor.value.trim();
    if (!by) { status.textContent = "Give your name as editor first."; editor.focus(); return; }
    if (window.localStorage) { window.localStorage.setItem("teipipe-editor", by); }
    status.textContent = "Saving…";
    fetch("/api/doc/" + encodeURIComponent(stem), {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-Review-Token": token},
      body: JSON.stringify({by: by, entries: entries, withdraw: withdraw || []})
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (!result.ok) { status.textContent = "Not saved: " + result.data.error; return; }
      var anchor = li ? "#d-" + li.getAttribute("data-d") : "";
      window.location.replace(window.location.pathname + "?saved=" + Date.now() + anchor);
    }).catch(function (error) { status.textContent = "Not saved: " + error; });
  }

  function anchorOf(li) {
    var d = li.dataset;
    return {what: d.what, line: parseInt(d.line, 10), quote: d.quote, occurrence: parseInt(d.occurrence, 10), field: d.field};
  }

  function openForm(li) {
    var form = li.querySelector("form.correct-form");
    var button = li.querySelector("button.correct");
    if (!form) { return; }
    form.hidden = false;
    button.setAttribute("aria-expanded", "true");
    var control = form.querySelector("select, input");
    if (control) { control.focus(); }
  }

  items.forEach(function (li) {
    li.addEventListener("focusin", function () { highlight(li); });
    li.addEventListener("click", function (e) {
      var button = e.target.closest("button");
      if (!button) { return; }
      var action = button.getAttribute("data-action");
      if (button.hasAttribute("data-undo")) {
        post([], li, [anchorOf(li)]);
      } else if (action) {
        var entry = anchorOf(li); entry.action = action;
        post([entry], li);
      } else if (button.classList.contains("correct")) {
        var form = li.querySelector("form.correct-form");
        if (form.hidden) { openForm(li); } else { form.hidden = true; button.setAttribute("aria-expanded", "false"); }
      }
    });
    var form = li.querySelector("form.correct-form");
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var entry = anchorOf(li); entry.action = "correct";
        entry.reading = form.elements.reading.value;
        post([entry], li);
      });
    }
  });

  document.querySelectorAll("li.orphan button.undo").forEach(function (button) {
    button.addEventListener("click", function () { post([], null, [anchorOf(button.closest("li"))]); });
  });

  document.getElementById("missed").addEventListener("submit", function (e) {
    e.preventDefault();
    var f = e.target.elements;
    post([{what: f.what.value, action: "add", line: parseInt(f.line.value, 10), quote: f.quote.value, occurrence: 1}], null);
  });

  document.querySelectorAll("mark[data-d]").forEach(function (mark) {
    mark.addEventListener("click", function () { focusItem(document.getElementById("d-" + mark.getAttribute("data-d"))); });
  });

  document.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (e.key === "Escape") {
      var open = current();
      if (open) {
        var form = open.querySelector("form.correct-form");
        if (form && !form.hidden) { form.hidden = true; open.querySelector("button.correct").setAttribute("aria-expanded", "false"); open.focus(); }
      }
      return;
    }
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    var li = current();
    if (e.key === "j") { step(1); }
    else if (e.key === "k") { step(-1); }
    else if (e.key === "n") { step(1, function (x) { return x.getAttribute("data-state") === "open" && /cert-(low|medium)/.test(x.className); }); }
    else if (e.key === "a" && li) { var entry = anchorOf(li); entry.action = "accept"; post([entry], li); }
    else if (e.key === "c" && li) { openForm(li); }
    else { return; }
    e.preventDefault();
  });

  filter();
  var target = window.location.hash.match(/^#d-(\d+)$/);
  if (target) { focusItem(document.getElementById("d-" + target[1])); }
})();
