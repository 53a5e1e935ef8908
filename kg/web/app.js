// kg query page: type SPARQL (or pick a stored query), run it against /sparql or /api/queries/NAME,
// see the rows as a table, download them as CSV or JSON. No external scripts; values are shown
// with textContent only (never as HTML).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { queries: {}, last: null };

function setStatus(text) { $("status").textContent = text; }

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
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
  $("query").value = query.sparql;
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

// The request for the current inputs: a stored query by name when its text is unchanged,
// otherwise the typed SPARQL posted to /sparql.
function currentRequest(accept) {
  const query = state.queries[$("stored").value];
  if (query && $("query").value === query.sparql) {
    const search = new URLSearchParams();
    for (const input of $("params").querySelectorAll("input")) {
      if (input.value.trim()) search.set(input.name, input.value.trim());
    }
    search.set("format", accept === "text/csv" ? "csv" : "json");
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

function cellText(term) {
  if (!term) return "";
  return term.type === "bnode" ? `_:${term.value}` : term.value;
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
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const variable of variables) {
        const cell = row.insertCell();
        cell.textContent = cellText(binding[variable]);
        if (binding[variable] && binding[variable].type === "uri") cell.className = "uri";
      }
    }
  }
  table.hidden = false;
}

async function run() {
  showError("");
  $("results").hidden = true;
  $("graph").hidden = true;
  setStatus("running…");
  const started = performance.now();
  const { url, options } = currentRequest("application/sparql-results+json, text/turtle;q=0.9");
  try {
    const response = await fetch(url, options);
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      let message = text;
      try { message = JSON.parse(text).message || text; } catch (_) { /* plain text error */ }
      showError(`${response.status} ${response.statusText}: ${message}`);
      setStatus(`failed after ${ms} ms`);
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    state.last = { text, type };
    if (type.includes("json") && !type.includes("ld+json")) {
      const data = JSON.parse(text);
      renderTable(data);
      const rows = "boolean" in data ? 1 : data.results.bindings.length;
      setStatus(`${rows} row${rows === 1 ? "" : "s"} in ${ms} ms`);
      $("download-csv").disabled = "boolean" in data;
    } else {
      $("graph").textContent = text;
      $("graph").hidden = false;
      setStatus(`graph result in ${ms} ms`);
      $("download-csv").disabled = true;
    }
    $("download-json").disabled = false;
  } catch (error) {
    showError(`request failed: ${error}`);
    setStatus("");
  }
}

function saveBlob(text, type, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  document.body.appendChild(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

async function downloadCsv() {
  const { url, options } = currentRequest("text/csv");
  const response = await fetch(url, options);
  const text = await response.text();
  if (!response.ok) { showError(text); return; }
  saveBlob(text, "text/csv", `${$("stored").value || "query"}.csv`);
}

function downloadJson() {
  if (!state.last) return;
  const isGraph = !state.last.type.includes("sparql-results");
  saveBlob(state.last.text, state.last.type, `${$("stored").value || "query"}.${isGraph ? "ttl" : "json"}`);
}

$("stored").addEventListener("change", pickStoredQuery);
$("run").addEventListener("click", run);
$("download-csv").addEventListener("click", downloadCsv);
$("download-json").addEventListener("click", downloadJson);
$("query").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
});
loadStoredQueries();
