// Small helpers for the dashboard; the pages work without them, only less smoothly.
(function () {
  // After an htmx search/filter/sort pushes a new URL, the export links, "save view" and the
  // filter form's sort follow it (a sort by a column was lost by the next search otherwise).
  function syncListLinks() {
    var query = window.location.search.replace(/^\?/, "");
    var exp = document.getElementById("export-link");
    if (exp) exp.setAttribute("href", "/customers/export" + (query ? "?" + query : ""));
    document.querySelectorAll("a[data-export-format]").forEach(function (link) {
      var params = new URLSearchParams(query);
      params.set("format", link.getAttribute("data-export-format"));
      link.setAttribute("href", "/customers/export?" + params.toString());
    });
    var saved = document.getElementById("view-query");
    if (saved) saved.value = query;
    var sort = document.querySelector("#filters input[name=sort]");
    if (sort) sort.value = new URLSearchParams(query).get("sort") || "";
  }
  document.addEventListener("htmx:pushedIntoHistory", syncListLinks);
  document.addEventListener("htmx:historyRestore", syncListLinks);

  // Tabs: the selected one is marked for screen readers and styles.
  document.addEventListener("click", function (e) {
    var tab = e.target.closest && e.target.closest("[role=tab]");
    if (!tab) return;
    var list = tab.closest("[role=tablist]");
    if (!list) return;
    list.querySelectorAll("[role=tab]").forEach(function (t) {
      t.setAttribute("aria-selected", t === tab ? "true" : "false");
    });
  });

  // Import page. The file input keeps its file when the browser comes Back to the page, but
  // the mapping table (drawn by the preview) is gone, and Import would use the guesses, not
  // what was chosen: the file is previewed again, so what the table shows is what runs.
  window.addEventListener("pageshow", function () {
    var file = document.getElementById("import-file");
    if (file && file.files && file.files.length && !document.getElementById("mapping")) {
      htmx.trigger(file, "change");
    }
  });
  // Mapping: "custom attribute, another name…" asks for the name, and the column is mapped to
  // that attribute (the attr.loyalty_tier for a column named "Tier"); cancelled, the
  // column keeps what it had.
  document.addEventListener("change", function (e) {
    var select = e.target;
    if (!select.matches || !select.matches("#mapping select[name=map]")) return;
    var chosen = select.options[select.selectedIndex];
    if (!chosen || !chosen.hasAttribute("data-named-attribute")) {
      select.dataset.was = select.value;
      return;
    }
    var name = (window.prompt("Name of the custom attribute", chosen.getAttribute("data-named-attribute")) || "").trim();
    if (!name) {  // what it had: chosen before, else as the preview drew it
      var drawn = Array.prototype.find.call(select.options, function (o) { return o.defaultSelected; });
      select.value = select.dataset.was || (drawn ? drawn.value : select.options[0].value);
      return;
    }
    var value = chosen.value + name;
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
    if (!option) {
      option = document.createElement("option");
      option.value = value;
      option.textContent = "custom attribute " + name;
      select.insertBefore(option, chosen);
    }
    select.value = value;
    select.dataset.was = value;
  });

  // Once a file is imported, Import waits for a new preview (another file, other options):
  // a second press imported the same file again.
  function importStarted(on) {
    var button = document.getElementById("import-start");
    if (!button) return;
    setTimeout(function () {  // after htmx gives back the buttons it held during the request
      button.removeAttribute("data-disabled-by-htmx");
      button.disabled = on;
      button.title = on ? "Imported. To import it again, press Preview mapping first." : "";
    }, 0);
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    var target = e.detail.target;
    if (!target) return;
    if (target.id === "run" && target.querySelector(".import-progress[data-dry-run=false]")) {
      importStarted(true);
    } else if (target.id === "preview") {
      importStarted(false);
    }
  });

  // A flash message fades after a while; an error stays until the next action.
  setTimeout(function () {
    document.querySelectorAll(".flash.ok").forEach(function (el) { el.classList.add("fade"); });
  }, 6000);
})();
