// Small helpers for the dashboard; the pages work without them, only less smoothly.
(function () {
  // After an htmx search/filter/sort pushes a new URL, the export link, "save view" and the
  // filter form's sort follow it (a sort by a column was lost by the next search otherwise).
  function syncListLinks() {
    var query = window.location.search.replace(/^\?/, "");
    var exp = document.getElementById("export-link");
    if (exp) exp.setAttribute("href", "/customers/export" + (query ? "?" + query : ""));
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

  // A flash message fades after a while; an error stays until the next action.
  setTimeout(function () {
    document.querySelectorAll(".flash.ok").forEach(function (el) { el.classList.add("fade"); });
  }, 6000);
})();
