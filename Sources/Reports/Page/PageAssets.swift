/// The style sheet and script every report page inlines, so a page opens from disk with nothing fetched.
///
/// Both sit inside commented CDATA sections (`/*<![CDATA[*/ ... /*]]>*/`): an HTML parser reads them as plain
/// text and an XML parser as character data, so the page stays well-formed XML too, which the tests check. The
/// script is optional: without it every table still reads, every picture is a link, and only sorting, the method
/// filter and the enlarged view are missing.
enum PageAssets {
    static let style = """
        :root { --ink: #1d1f23; --paper: #ffffff; --muted: #5b6270; --rule: #d7dbe2;
          --band: #f3f5f8; --best: #1b7f3b; --accent: #2a56c6; --bad: #b3261e; --moved: #fff1c2; }
        @media (prefers-color-scheme: dark) {
          :root { --ink: #e6e8ec; --paper: #15171b; --muted: #a3aab6; --rule: #3a3f48; --band: #1f2228;
            --best: #5cd17f; --accent: #8fb0ff; --bad: #ff8a80; --moved: #4a3f12; } }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
          background: var(--paper); margin: 0 auto; padding: 16px 24px 48px; max-width: 1600px; }
        h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px;
          border-bottom: 1px solid var(--rule); padding-bottom: 4px; } h3 { font-size: 15px; margin: 16px 0 6px; }
        nav a { margin-right: 14px; color: var(--accent); } a { color: var(--accent); }
        .muted, figcaption, .note { color: var(--muted); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
        dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child, td.text, th.text { text-align: left; }
        td.text { white-space: normal; max-width: 720px; overflow-wrap: anywhere; }
        thead th { background: var(--band); position: sticky; top: 0; }
        th.sortable { cursor: pointer; } th.sortable::after { content: " \\2195"; color: var(--muted); }
        td.best { color: var(--best); font-weight: 700; } td.best::before { content: "\\2605 "; }
        td.regression { color: var(--bad); font-weight: 700; } tr.moved td { background: var(--moved); }
        .ci { color: var(--muted); font-size: 12px; }
        .scroll { overflow-x: auto; }
        .filter { display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 8px 0; align-items: center; }
        .filter label { white-space: nowrap; } .filter button { font: inherit; }
        .hidden { display: none !important; }
        .gallery-image { margin: 14px 0 22px; } .figures { display: flex; flex-wrap: wrap; gap: 8px; }
        figure { margin: 0; width: 164px; } figure img { width: 160px; height: auto; display: block;
          border: 1px solid var(--rule); image-rendering: auto; }
        figcaption { font-size: 12px; line-height: 1.3; margin-top: 2px; overflow-wrap: anywhere; }
        figcaption b { color: var(--ink); }
        .pair { display: flex; gap: 16px; }
        details summary { cursor: pointer; color: var(--accent); margin: 4px 0; }
        svg.plot { max-width: 100%; height: auto; display: block; margin: 6px 0 12px; }
        #lightbox { position: fixed; top: 0; right: 0; bottom: 0; left: 0; background: rgba(0, 0, 0, 0.85); display: flex; flex-direction: column;
          align-items: center; justify-content: center; z-index: 10; cursor: zoom-out; }
        #lightbox img { max-width: 92vw; max-height: 86vh; width: auto; height: 86vh; image-rendering: pixelated; }
        #lightbox p { color: #fff; margin: 8px; }
        @media print { nav, .filter, #lightbox { display: none !important; } body { max-width: none; padding: 0; }
          thead th { position: static; } a { color: inherit; text-decoration: none; }
          .scroll { overflow: visible; } table { font-size: 10px; } th, td { padding: 1px 4px; }
          th.sortable::after { content: none; } .gallery-image, svg { break-inside: avoid; } }
        """

    static let script = """
        (function () {
          function numeric(cell) {
            var value = cell ? parseFloat(cell.getAttribute("data-value")) : NaN;
            return isNaN(value) ? null : value;
          }
          document.querySelectorAll("table.sortable").forEach(function (table) {
            table.querySelectorAll("thead th").forEach(function (header, column) {
              header.classList.add("sortable");
              header.addEventListener("click", function () {
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                var descending = header.getAttribute("data-order") !== "descending";
                table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("data-order"); });
                header.setAttribute("data-order", descending ? "descending" : "ascending");
                rows.sort(function (a, b) {
                  var x = numeric(a.cells[column]), y = numeric(b.cells[column]);
                  if (x === null && y === null) {
                    var s = a.cells[column].textContent, t = b.cells[column].textContent;
                    return descending ? t.localeCompare(s) : s.localeCompare(t);
                  }
                  if (x === null) { return 1; }
                  if (y === null) { return -1; }
                  return descending ? y - x : x - y;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              });
            });
          });
          var toggles = document.querySelectorAll("input.method-toggle");
          function applyFilter() {
            var shown = {};
            toggles.forEach(function (toggle) { shown[toggle.value] = toggle.checked; });
            document.querySelectorAll("[data-method]").forEach(function (element) {
              var method = element.getAttribute("data-method");
              if (Object.prototype.hasOwnProperty.call(shown, method)) {
                element.classList.toggle("hidden", !shown[method]);
              }
            });
          }
          toggles.forEach(function (toggle) { toggle.addEventListener("change", applyFilter); });
          document.querySelectorAll("button[data-select]").forEach(function (button) {
            button.addEventListener("click", function () {
              var all = button.getAttribute("data-select") === "all";
              toggles.forEach(function (toggle) { toggle.checked = all; });
              applyFilter();
            });
          });
          document.querySelectorAll("a.zoom").forEach(function (link) {
            link.addEventListener("click", function (event) {
              event.preventDefault();
              var box = document.createElement("div");
              box.id = "lightbox";
              var picture = document.createElement("img");
              picture.src = link.getAttribute("href");
              picture.alt = link.getAttribute("title") || "";
              var caption = document.createElement("p");
              caption.textContent = link.getAttribute("title") || "";
              box.appendChild(picture);
              box.appendChild(caption);
              box.addEventListener("click", function () { box.remove(); });
              document.body.appendChild(box);
            });
          });
          // Printing shows every collapsed part (settings, per-class tables, per-image metrics).
          window.addEventListener("beforeprint", function () {
            document.querySelectorAll("details").forEach(function (part) { part.open = true; });
          });
          document.addEventListener("keydown", function (event) {
            var box = document.getElementById("lightbox");
            if (event.key === "Escape" && box) { box.remove(); }
          });
        })();
        """
}
