// kg query page: type SPARQL (or pick a stored query), run it against /sparql or /api/queries/NAME,
// see the rows as a table, page through a stored query's rows (Prev/Next), download them as CSV or
// JSON, and keep a permalink (the URL's #fragment holds the query and its parameters). IRIs and
// QIDs are links: actors and articles to their views, Wikidata items to Wikidata. No external
// scripts; values are shown with textContent only (never as HTML).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { queries: {}, last: null, page: null, offset: 0, limit: null };
const WIKIDATA = /^https?:\/\/(?:www\.)?wikidata\.org\/(?:entity|wiki)\/(Q[1-9][0-9]*)$/;
const QID = /^Q[1-9][0-9]*$/;
const KG_ACTOR = /^https?:\/\/.+?\/actor\/(.+)$/;
const KG_ARTICLE = /^https?:\/\/.+?\/article\/([^/]+)$/;
const WEB = /^https?:\/\/\S+$/;
const KG_NODE = /^https?:\/\/.+?\/(meeting|statement|mission|event|mention|role|link|activity)\/([^/]+(?:\/span)?)$/;

function setStatus(text) { $("status").textContent = text; }

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
}

// A stored query's text as shown: without its "#+" header (summary, description, tags …).
function shownText(sparql) {
  return sparql.split("\n").filter((line) => !line.startsWith("#+")).join("\n").replace(/^\n+/, "");
}

async function loadStoredQueries() {
  try {
    const response = await fetch("/api/queries", { headers: { Accept: "application/json" } });
    const queries = await response.json();
    const select = $("stored");
    for (const query of queries) {
      state.queries[query.name] = query;
      const option = document.createElement("option");
      option.value = query.name;
      option.textContent = query.summary ? `${query.name} — ${query.summary}` : query.name;
      select.appendChild(option);
    }
    select.dataset.loaded = "true";
  } catch (error) {
    showError(`could not load the stored queries: ${error}`);
  }
}

function pickStoredQuery() {
  const query = state.queries[$("stored").value];
  const params = $("params");
  params.replaceChildren();
  $("summary").textContent = query ? (query.description || query.summary || "") : "";
  if (!query) return;
  $("query").value = shownText(query.sparql);
  for (const p of query.parameters) {
    const row = document.createElement("div");
    row.className = "param";
    const label = document.createElement("label");
    label.htmlFor = `param-${p.name}`;
    label.textContent = `${p.name}${p.required ? " *" : ""} (${p.type})`;
    const input = document.createElement("input");
    input.id = `param-${p.name}`;
    input.name = p.name;
    input.placeholder = p.type === "iri" ? "Q57792 or an IRI" : p.type === "xsd:date" ? "YYYY-MM-DD" : p.type;
    input.required = p.required;
    row.append(label, input);
    params.appendChild(row);
  }
}

function storedQueryUnchanged() {
  const query = state.queries[$("stored").value];
  return query && $("query").value === shownText(query.sparql) ? query : null;
}

function paramValues() {
  const values = {};
  for (const input of $("params").querySelectorAll("input")) {
    if (input.value.trim()) values[input.name] = input.value.trim();
  }
  return values;
}

// The request for the current inputs: a stored query by name when its text is unchanged (one
// page of its rows), otherwise the typed SPARQL posted to /sparql.
function currentRequest(accept) {
  const query = storedQueryUnchanged();
  if (query) {
    const search = new URLSearchParams(paramValues());
    search.set("format", accept === "text/csv" ? "csv" : "json");
    if (state.limit) search.set("limit", String(state.limit)); // the page shown (CSV too)
    if (state.offset) search.set("offset", String(state.offset));
    return { url: `${query.url}?${search}`, options: { headers: { Accept: accept } } };
  }
  return {
    url: "/sparql",
    options: {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
      body: new URLSearchParams({ query: $("query").value }),
    },
  };
}

// ------------------------------------------------------------------ permalinks

function permalink() {
  const query = storedQueryUnchanged();
  const search = new URLSearchParams();
  if (query) {
    search.set("query", query.name);
    for (const [name, value] of Object.entries(paramValues())) search.set(name, value);
    if (state.offset) search.set("offset", String(state.offset));
    if (state.limit) search.set("limit", String(state.limit));
  } else {
    search.set("sparql", $("query").value);
  }
  return `#${search}`;
}

function updatePermalink() {
  const hash = permalink();
  history.replaceState(null, "", hash);
  const link = $("permalink");
  link.href = hash;
  link.hidden = false;
}

// Restore the form from the #fragment and run it; false when there is nothing to restore.
function restore() {
  const search = new URLSearchParams(location.hash.slice(1));
  const name = search.get("query");
  if (name && state.queries[name]) {
    $("stored").value = name;
    pickStoredQuery();
    for (const input of $("params").querySelectorAll("input")) input.value = search.get(input.name) || "";
    state.offset = Number(search.get("offset")) || 0;
    state.limit = Number(search.get("limit")) || null;
  } else if (search.has("sparql")) {
    $("stored").value = "";
    pickStoredQuery();
    $("query").value = search.get("sparql");
    state.offset = 0;
  } else {
    return false;
  }
  run(false);
  return true;
}

// ------------------------------------------------------------------ cells

function link(href, text, external) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  if (external) { a.rel = "noopener noreferrer"; a.className = "external"; }
  return a;
}

function actorLinks(qid) {
  const span = document.createElement("span");
  span.className = "qid";
  span.append(link(`/actors/${encodeURIComponent(qid)}`, qid), " ", link(`https://www.wikidata.org/wiki/${qid}`, "wd", true));
  span.lastChild.title = `${qid} on Wikidata`;
  return span;
}

function pathLink(prefix, key) {
  return `${prefix}${key.split("/").map(encodeURIComponent).join("/")}`;
}

// The content of a result cell: text, or links for IRIs, QIDs and web addresses.
function cellContent(term) {
  if (!term) return "";
  const value = term.value;
  if (term.type === "bnode") return `_:${value}`;
  if (term.type === "literal") {
    if (QID.test(value)) return actorLinks(value);
    if (WEB.test(value) && !term["xml:lang"]) {
      const span = document.createElement("span");
      span.append(link(value, value.replace(/^https?:\/\/(www\.)?/, ""), true), " ",
        link(`/articles/${encodeURIComponent(value)}`, "view"));
      span.lastChild.title = "the article view (when this is a stored article's address)";
      return span;
    }
    return value;
  }
  const wikidata = value.match(WIKIDATA);
  if (wikidata) return actorLinks(wikidata[1]);
  const actor = value.match(KG_ACTOR);
  if (actor) {
    const a = link(pathLink("/actors/", actor[1]), QID.test(actor[1]) ? actor[1] : `actor/${actor[1]}`);
    a.title = value;
    return a;
  }
  const article = value.match(KG_ARTICLE);
  if (article) {
    const a = link(pathLink("/articles/", article[1]), `article/${article[1]}`);
    a.title = value;
    return a;
  }
  const node = value.match(KG_NODE);
  if (node) { // a meeting, statement … of kg: its IRI names it, but no page shows it alone
    const span = document.createElement("span");
    span.className = "kg-node";
    span.textContent = `${node[1]}/${node[2]}`;
    span.title = value;
    return span;
  }
  return link(value, value, true);
}

// The QID column that names the actor of a label column, by the stored queries' naming:
// "counterpart" ← "counterpart_qid", "actor_a" ← "qid_a", "name" ← "qid".
function qidColumns(variables) {
  const pairs = {};
  for (const v of variables) {
    const suffix = v.includes("_") ? v.slice(v.lastIndexOf("_") + 1) : null;
    const found = [`${v}_qid`, suffix && `qid_${suffix}`, v === "name" && "qid"].find((c) => c && c !== v && variables.includes(c));
    if (found) pairs[v] = found;
  }
  return pairs;
}

function renderTable(data) {
  const table = $("results");
  const head = table.tHead;
  const body = table.tBodies[0];
  head.replaceChildren();
  body.replaceChildren();
  const variables = data.head.vars || [];
  const headerRow = head.insertRow();
  if ("boolean" in data) {
    const th = document.createElement("th");
    th.textContent = "ASK";
    headerRow.appendChild(th);
    body.insertRow().insertCell().textContent = String(data.boolean);
  } else {
    for (const variable of variables) {
      const th = document.createElement("th");
      th.textContent = variable;
      headerRow.appendChild(th);
    }
    const qids = qidColumns(variables);
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const variable of variables) {
        const cell = row.insertCell();
        const term = binding[variable];
        const qid = qids[variable] && binding[qids[variable]];
        if (term && term.type === "literal" && qid && QID.test(qid.value)) { // a label: to its actor's view
          cell.append(link(`/actors/${encodeURIComponent(qid.value)}`, term.value));
        } else {
          cell.append(cellContent(term));
        }
        if (term && term.type === "uri") cell.className = "uri";
        if (term && term.type === "literal" && /^-?\d{4}(-\d{2}){0,2}$/.test(term.value)) cell.className = "date";
      }
    }
  }
  table.hidden = false;
}

// ------------------------------------------------------------------ running

function showPaging(page, rows) {
  const nav = $("paging");
  if (!page || (!page.offset && !page.more)) {
    nav.hidden = true;
    return "";
  }
  nav.hidden = false;
  $("prev").disabled = !page.offset;
  $("next").disabled = !page.more;
  const shown = rows ? `rows ${page.offset + 1}–${page.offset + rows}` : `no rows from ${page.offset + 1}`;
  $("page-info").textContent = shown + (page.more ? ", more follow" : "");
  return shown;
}

async function run(fromStart = true) {
  if (fromStart === true) state.offset = 0;
  showError("");
  $("results").hidden = true;
  $("graph").hidden = true;
  setStatus("running…");
  const started = performance.now();
  const { url, options } = currentRequest("application/sparql-results+json, text/turtle;q=0.9");
  updatePermalink();
  try {
    const response = await fetch(url, options);
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      let message = text;
      try { message = JSON.parse(text).message || text; } catch (_) { /* plain text error */ }
      showError(`${response.status} ${response.statusText}: ${message}`);
      setStatus(`failed after ${ms} ms`);
      showPaging(null);
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    state.last = { text, type };
    if (type.includes("json") && !type.includes("ld+json")) {
      const data = JSON.parse(text);
      renderTable(data);
      const rows = "boolean" in data ? 1 : data.results.bindings.length;
      state.page = data.page || null;
      const span = showPaging(state.page, rows);
      setStatus(`${span || `${rows} row${rows === 1 ? "" : "s"}`} in ${ms} ms`);
      $("download-csv").disabled = "boolean" in data;
    } else {
      $("graph").textContent = text;
      $("graph").hidden = false;
      showPaging(null);
      setStatus(`graph result in ${ms} ms`);
      $("download-csv").disabled = true;
    }
    $("download-json").disabled = false;
  } catch (error) {
    showError(`request failed: ${error}`);
    setStatus("");
  }
}

function turnPage(step) {
  if (!state.page) return;
  state.limit = state.page.limit;
  state.offset = Math.max(0, state.page.offset + step * state.page.limit);
  run(false);
}

function saveBlob(text, type, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

// The next page's URL from a Link header (RFC 8288), as the stored-query API sends it.
function nextLink(header) {
  const match = /<([^>]*)>\s*;\s*rel="next"/.exec(header || "");
  return match ? match[1] : null;
}

// CSV of every row: a stored query's pages are fetched in turn (one header line kept).
async function downloadCsv() {
  let { url, options } = currentRequest("text/csv");
  if (storedQueryUnchanged()) {
    const search = new URL(url, location.href).searchParams;
    search.delete("offset"); // from the first row, in pages of the size shown
    url = `${storedQueryUnchanged().url}?${search}`;
  }
  const parts = [];
  for (let pages = 0; url && pages < 10000; pages += 1) {
    setStatus(`downloading CSV… page ${pages + 1}`);
    const response = await fetch(url, options);
    const text = await response.text();
    if (!response.ok) { showError(text); setStatus(""); return; }
    parts.push(pages === 0 ? text : text.slice(text.indexOf("\n") + 1));
    url = nextLink(response.headers.get("Link"));
  }
  saveBlob(parts.join(""), "text/csv", `${$("stored").value || "query"}.csv`);
  setStatus(`downloaded ${$("stored").value || "query"}.csv`);
}

function downloadJson() {
  if (!state.last) return;
  const isGraph = !state.last.type.includes("sparql-results");
  saveBlob(state.last.text, state.last.type, `${$("stored").value || "query"}.${isGraph ? "ttl" : "json"}`);
}

$("stored").addEventListener("change", () => { pickStoredQuery(); state.offset = 0; state.limit = null; });
$("run").addEventListener("click", () => run(true));
$("prev").addEventListener("click", () => turnPage(-1));
$("next").addEventListener("click", () => turnPage(1));
$("download-csv").addEventListener("click", downloadCsv);
$("download-json").addEventListener("click", downloadJson);
$("query").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(true);
});
window.addEventListener("hashchange", () => { if (location.hash !== permalink()) restore(); });
loadStoredQueries().then(() => { restore(); });
