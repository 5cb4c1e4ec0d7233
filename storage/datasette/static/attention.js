// khabar: attention over time. On the canned queries that link to each other (search, attention,
// matches_per_day) the links marked khabar-carry-query keep the page's q, site, since and until,
// so "attention over time" on a search opens the chart of that search; a search of the articles
// table gets the same link beside its search box. On the attention query the
// matches per day per site (the matches_per_day canned query, as JSON) are drawn above the list
// with Vega-Lite, whose scripts Datasette serves itself (datasette-dashboards' copies): no CDN.
(function () {
  const PARAMS = ["q", "site", "since", "until"];
  const page = new URLSearchParams(window.location.search);

  function carried() {
    const kept = new URLSearchParams();
    for (const name of PARAMS) {
      if (page.has(name)) kept.set(name, page.get(name));
    }
    return kept;
  }

  // The articles table's own search (?_search=...): the same words, charted.
  const searchRow = document.querySelector("form.filters .search-row");
  if (searchRow && (page.get("_search") || "").trim()) {
    const link = document.createElement("a");
    link.className = "khabar-attention-link";
    const words = new URLSearchParams({ q: page.get("_search") });
    link.href = new URL("attention?" + words, window.location.href);
    link.textContent = "attention over time · الاهتمام عبر الزمن";
    searchRow.append(" ", link);
  }

  for (const link of document.querySelectorAll("a.khabar-carry-query")) {
    const url = new URL(link.getAttribute("href"), window.location.href);
    url.search = carried().toString();
    link.href = url.toString();
  }

  const chart = document.getElementById("khabar-attention-chart");
  if (!chart || !(page.get("q") || "").trim()) return;
  const form = document.querySelector("form.sql");
  if (form) form.after(chart.parentElement); // between the query's form and its list

  async function draw() {
    const query = carried();
    for (const name of PARAMS) if (!query.has(name)) query.set(name, "");
    query.set("_shape", "objects");
    const response = await fetch("matches_per_day.json?" + query.toString());
    const data = await response.json();
    if (!response.ok || data.ok === false) {
      throw new Error(data.error || response.statusText); // e.g. Datasette's time limit
    }
    const days = (data.rows || []).filter((r) => r.day); // a row per day: {site: matches} in sites
    const total = (data.rows || []).reduce((sum, r) => sum + r.matches, 0);
    const undated = total - days.reduce((sum, r) => sum + r.matches, 0);
    const dated = days.flatMap((r) =>
      Object.entries(JSON.parse(r.sites)).map(([site, matches]) => ({ day: r.day, site, matches })),
    );
    const summary = document.getElementById("khabar-attention-summary");
    summary.textContent =
      `${total} ${total === 1 ? "match" : "matches"} on ${days.length} ` +
      (days.length === 1 ? "day" : "days") +
      (undated ? `; ${undated} without a published date (listed, not charted)` : "") +
      (data.truncated ? "; more days than one page of rows holds: the oldest are not charted" : "");
    if (!dated.length) return;
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: "container",
      height: 260,
      // each bar's accessible name (its aria-label) says its day, site and count as the JSON has them
      data: { values: dated.map((r) => ({ ...r, label: `${r.day} ${r.site}: ${r.matches}` })) },
      mark: { type: "bar", tooltip: true },
      encoding: {
        x: { field: "day", type: "temporal", timeUnit: "utcyearmonthdate", title: "day" },
        y: { field: "matches", type: "quantitative", aggregate: "sum", title: "matches" },
        color: { field: "site", type: "nominal" },
        description: { field: "label" },
        tooltip: [
          { field: "day", type: "nominal" },
          { field: "site", type: "nominal" },
          { field: "matches", type: "quantitative" },
        ],
      },
    };
    await vegaEmbed(chart, spec, { actions: false, renderer: "svg" });
  }

  draw().catch((error) => {
    document.getElementById("khabar-attention-summary").textContent =
      "the chart could not be drawn: " + error.message;
  });
})();
