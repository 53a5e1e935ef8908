// kg review page: the article text with the draft's facts highlighted, a card per fact to accept,
// reject or edit, and quotes/actors added by selecting text. The corrected sheet is built by the
// loopback server (POST /api/sheet or /api/save) from the decisions this page sends.
// Offsets are Unicode code points of the article text (as the fact sheet counts them), computed
// from the text nodes before a selection's ends and the offsets within their own text nodes.
// Values are shown with textContent only; the one HTML, the marked article text, is built and
// escaped by the server.
"use strict";

const $ = (id) => document.getElementById(id);
const LISTS = [["statements", "Statements"], ["meetings", "Meetings"], ["missions", "Missions"], ["actors", "Actors"]];
const state = {
  doc: null, chars: [], cards: new Map(), added: [], newActors: [], selection: null,
};

function setStatus(text) { $("status").textContent = text; }
function showError(text) { $("error").textContent = text; $("error").hidden = !text; }
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}
const cpLength = (s) => Array.from(s).length;

// ------------------------------------------------------------------ actors

function actors() {
  return [...state.doc.sheet.actors, ...state.newActors];
}
function actorName(id) {
  const actor = actors().find((a) => a.id === id);
  return actor ? actor.name : id;
}
function fillActorSelect(select) {
  const multiple = select.multiple;
  const chosen = multiple ? [...select.selectedOptions].map((o) => o.value) : [select.value];
  const initial = select.dataset.initial ? JSON.parse(select.dataset.initial) : null;
  const want = select.options.length ? chosen : (multiple ? initial || [] : [initial == null ? "" : initial]);
  select.replaceChildren();
  if (!multiple && select.dataset.nullable === "true") select.append(el("option", { value: "" }, "— none —"));
  for (const actor of [...actors()].sort((a, b) => a.name.localeCompare(b.name))) {
    const option = el("option", { value: actor.id }, `${actor.name} (${actor.type})`);
    option.selected = want.includes(actor.id);
    select.append(option);
  }
  if (!multiple) select.value = want[0] || "";
}
function refreshActorSelects() {
  for (const select of document.querySelectorAll("select[data-actors]")) fillActorSelect(select);
}

// ------------------------------------------------------------------ fields

function fieldWidget(kind, name, value, choices) {
  let input;
  if (kind === "ref" || kind === "refs") {
    input = el("select", { dataset: { actors: "true", nullable: String(name !== "speaker"), initial: JSON.stringify(value ?? null) } });
    if (kind === "refs") input.multiple = true;
    fillActorSelect(input);
  } else if (kind === "choice") {
    input = el("select");
    input.append(el("option", { value: "" }, "— not stated —"));
    for (const choice of choices) input.append(el("option", { value: choice }, choice));
    input.value = value || "";
  } else if (kind === "bool") {
    input = el("input", { type: "checkbox" });
    input.checked = Boolean(value);
  } else {
    input = el("input", { placeholder: kind === "date" ? "YYYY-MM-DD" : "" });
    input.value = value || "";
  }
  input.dataset.field = name;
  input.dataset.kind = kind;
  return input;
}
function fieldValue(input) {
  const kind = input.dataset.kind;
  if (kind === "refs") { // the draft's order for those kept, then the ones chosen
    const chosen = [...input.selectedOptions].map((o) => o.value);
    const initial = JSON.parse(input.dataset.initial || "null") || [];
    return [...initial.filter((id) => chosen.includes(id)), ...chosen.filter((id) => !initial.includes(id))];
  }
  if (kind === "bool") return input.checked;
  const value = input.value.trim();
  return value === "" ? null : value;
}
function normal(value) {
  if (value === undefined || value === "") return null;
  return value;
}
function same(a, b) { return JSON.stringify(normal(a)) === JSON.stringify(normal(b)); }

function fieldsFor(key, item) {
  const c = state.doc.choices;
  if (key === "statements") {
    return [["speaker", "ref"], ["date", "date"], ["direct", "bool"], ["cue", "text"], ["about", "refs"]];
  }
  if (key === "meetings") {
    return [["kind", "choice", c.meeting_kinds], ["participants", "refs"], ["date", "date"],
      ["place", "ref"], ["status", "choice", c.meeting_statuses]];
  }
  if (key === "missions") {
    return [["participants", "refs"], ["lead", "ref"], ["place", "ref"], ["status", "choice", c.mission_statuses]];
  }
  return [["type", "choice", c.actor_types]];
}

// ------------------------------------------------------------------ fact cards

function summaryText(key, item) {
  if (key === "statements") {
    return `${actorName(item.speaker)}${item.cue ? ` (${item.cue})` : ""}${item.date ? `, ${item.date}` : ""}: «${item.quote}»`;
  }
  if (key === "meetings") {
    return `${item.kind}: ${item.participants.map(actorName).join(", ")}${item.date ? ` (${item.date})` : ""}`;
  }
  if (key === "missions") {
    return `${item.name || item.kind || "mission"}: ${item.participants.map(actorName).join(", ")}`;
  }
  return `${item.name} (${item.type}${item.qid ? `, ${item.qid}` : ""})`;
}

function makeCard(key, index, item) {
  const ref = `${key}[${index}]`;
  const card = el("li", { className: "fact", id: `fact-${key}-${index}`, dataset: { ref } });
  const label = key.slice(0, -1);
  const summary = el("div", { className: "summary-line" }, el("span", { className: "kind" }, label), summaryText(key, item));
  if (item.confidence != null) {
    summary.append(el("span", { className: "confidence", title: "the extractor's confidence" }, ` ${Number(item.confidence).toFixed(2)}`));
  }
  summary.addEventListener("click", () => focusSpan(ref));
  const accept = el("button", { type: "button", className: "accept", "aria-pressed": "false" }, "Accept");
  const reject = el("button", { type: "button", className: "reject", "aria-pressed": "false" }, "Reject");
  accept.addEventListener("click", () => setAction(ref, accept.getAttribute("aria-pressed") === "true" ? null : "accept"));
  reject.addEventListener("click", () => setAction(ref, reject.getAttribute("aria-pressed") === "true" ? null : "reject"));
  const edit = el("button", { type: "button", className: "edit", "aria-expanded": "false" }, "Edit");
  const fields = el("div", { className: "fields" });
  fields.hidden = true;
  edit.addEventListener("click", () => {
    fields.hidden = !fields.hidden;
    edit.setAttribute("aria-expanded", String(!fields.hidden));
  });
  card.append(summary, el("div", { className: "actions" }, accept, reject, edit), fields);
  const inputs = [];
  for (const [name, kind, choices] of fieldsFor(key, item)) {
    const input = fieldWidget(kind, name, item[name], choices);
    input.id = `${key}-${index}-${name}`;
    input.addEventListener("change", () => updateCard(ref));
    inputs.push(input);
    fields.append(el("div", { className: "field" }, el("label", { for: input.id }, name), input));
  }
  state.cards.set(ref, { key, index, item, card, inputs, action: null });
  return card;
}

function edits(entry) {
  const out = {};
  for (const input of entry.inputs) {
    const value = fieldValue(input);
    if (!same(value, entry.item[input.dataset.field])) out[input.dataset.field] = value;
  }
  return out;
}

function setAction(ref, action) {
  state.cards.get(ref).action = action;
  updateCard(ref);
  for (const piece of marked(ref)) piece.classList.toggle("rejected", action === "reject");
}

function updateCard(ref) {
  const entry = state.cards.get(ref);
  const changed = Object.keys(edits(entry)).length > 0;
  entry.card.classList.toggle("rejected", entry.action === "reject");
  entry.card.classList.toggle("accepted", entry.action === "accept");
  entry.card.classList.toggle("edited", changed && entry.action !== "reject");
  entry.card.querySelector("button.accept").setAttribute("aria-pressed", String(entry.action === "accept"));
  entry.card.querySelector("button.reject").setAttribute("aria-pressed", String(entry.action === "reject"));
  for (const input of entry.inputs) input.disabled = entry.action === "reject";
}

function renderFacts() {
  const box = $("facts");
  box.replaceChildren();
  for (const [key, title] of LISTS) {
    const items = state.doc.sheet[key];
    const list = el("ol", { className: "facts", id: `list-${key}` });
    items.forEach((item, index) => list.append(makeCard(key, index, item)));
    const group = el("details", { className: "group", id: `group-${key}` },
      el("summary", {}, `${title} (${items.length})`), list);
    group.open = key !== "actors";
    box.append(group);
  }
}

// ------------------------------------------------------------------ the decisions

function decisions() {
  const facts = {};
  for (const [ref, entry] of state.cards) {
    if (entry.action === "reject") { facts[ref] = { action: "reject" }; continue; }
    const changed = edits(entry);
    if (Object.keys(changed).length) facts[ref] = { action: "edit", ...changed };
    else if (entry.action === "accept") facts[ref] = { action: "accept" };
  }
  return { facts, added: state.added, new_actors: state.newActors };
}

// ------------------------------------------------------------------ the article

// The article text with the facts marked is HTML built (and escaped) by the server with the
// article view's renderer (kg.views.render_spans): nested <span class="hl …" data-f="REF">.
// Adding or removing a quote or an actor asks for it again; rejecting only toggles a class.
async function renderArticle() {
  document.body.dataset.busy = "true";
  try {
    const response = await fetch("/api/preview", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(decisions()),
    });
    if (response.ok) $("article").innerHTML = (await response.json()).html;
  } finally {
    delete document.body.dataset.busy;
  }
}

function marked(ref) {
  return [...document.querySelectorAll(`#article [data-f="${CSS.escape(ref)}"]`)];
}

function focusSpan(ref) {
  for (const old of document.querySelectorAll("#article .focus")) old.classList.remove("focus");
  const pieces = marked(ref);
  for (const piece of pieces) piece.classList.add("focus");
  if (pieces.length) pieces[0].scrollIntoView({ block: "center" });
}

function focusCard(ref) {
  const entry = state.cards.get(ref);
  if (!entry) return;
  const group = entry.card.closest("details");
  if (group) group.open = true;
  entry.card.scrollIntoView({ block: "center" });
  entry.card.classList.add("focus");
  setTimeout(() => entry.card.classList.remove("focus"), 1500);
}

// ------------------------------------------------------------------ selection → offsets

// The code-point offset in the article text of a DOM point (node, offset) inside #article: the
// code points of the text nodes before it plus those of its own text node up to the offset. It
// holds for any markup inside #article (segments here, nested highlight spans elsewhere), as long
// as #article holds the article text and nothing else.
function pointOffset(node, offset) {
  const before = document.createRange();
  before.selectNodeContents($("article"));
  before.setEnd(node, offset);
  return cpLength(before.toString());
}

function onSelection() {
  const selection = document.getSelection();
  if (!selection || !selection.rangeCount || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  const article = $("article");
  if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) return;
  let start = pointOffset(range.startContainer, range.startOffset);
  let end = pointOffset(range.endContainer, range.endOffset);
  while (start < end && /\s/u.test(state.chars[start])) start += 1;
  while (end > start && /\s/u.test(state.chars[end - 1])) end -= 1;
  if (start >= end) return;
  state.selection = { start, end };
  $("sel-range").textContent = `[${start}, ${end}]`;
  $("sel-range").dataset.start = String(start);
  $("sel-range").dataset.end = String(end);
  $("sel-text").textContent = state.chars.slice(start, end).join("");
  $("selection").hidden = false;
}

function slug(text) {
  const base = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "actor";
  const taken = new Set(actors().map((a) => a.id));
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  return id;
}

function addQuote() {
  if (!state.selection) return;
  const speaker = $("sel-speaker").value;
  if (!speaker) { showError("choose the speaker of the quote"); return; }
  showError("");
  state.added.push({
    type: "statement", start: state.selection.start, end: state.selection.end, speaker,
    direct: $("sel-direct").checked, cue: $("sel-cue").value.trim() || null, date: $("sel-date").value.trim() || null,
  });
  renderAdded();
  renderArticle();
}

function addActor() {
  if (!state.selection) return;
  const name = state.chars.slice(state.selection.start, state.selection.end).join("");
  state.newActors.push({ id: slug(name), name, type: $("sel-type").value, start: state.selection.start, end: state.selection.end });
  refreshActorSelects();
  renderAdded();
  renderArticle();
}

function renderAdded() {
  const list = $("added");
  list.replaceChildren();
  const rows = [
    ...state.added.map((q, i) => [`quote`, `${actorName(q.speaker)}: «${state.chars.slice(q.start, q.end).join("")}» [${q.start}, ${q.end}]`, () => state.added.splice(i, 1), `added[${i}]`]),
    ...state.newActors.map((a, i) => [`actor`, `${a.name} (${a.type}) [${a.start}, ${a.end}]`, () => state.newActors.splice(i, 1), `new_actors[${i}]`]),
  ];
  for (const [kind, text, remove, ref] of rows) {
    const button = el("button", { type: "button", className: "remove" }, "Remove");
    button.addEventListener("click", () => { remove(); refreshActorSelects(); renderAdded(); renderArticle(); });
    const summary = el("div", { className: "summary-line" }, el("span", { className: "kind" }, kind), text);
    summary.addEventListener("click", () => focusSpan(ref));
    list.append(el("li", { className: "fact added", dataset: { ref } }, summary, el("div", { className: "actions" }, button)));
  }
  $("added-count").textContent = `(${rows.length})`;
}

// ------------------------------------------------------------------ download / save

async function post(url) {
  showError("");
  const response = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(decisions()),
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { message = JSON.parse(text).message || text; } catch (_) { /* plain text */ }
    showError(message);
    setStatus("");
    return null;
  }
  return text;
}

function stem() {
  const name = (state.doc.source || "article").split(/[\\/]/).pop().replace(/\.[^.]*$/, "");
  return `${name || "article"}.corrected`;
}

async function download(fmt) {
  const text = await post(`/api/sheet?format=${fmt}`);
  if (text === null) return;
  const link = el("a", { download: `${stem()}.${fmt}` });
  link.href = URL.createObjectURL(new Blob([text], { type: fmt === "json" ? "application/json" : "application/yaml" }));
  document.body.append(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  setStatus(`downloaded ${stem()}.${fmt}`);
}

async function save() {
  const text = await post("/api/save");
  if (text === null) return;
  setStatus(`saved ${JSON.parse(text).saved}`);
}

// ------------------------------------------------------------------ start

async function start() {
  try {
    const response = await fetch("/api/review", { headers: { Accept: "application/json" } });
    state.doc = await response.json();
  } catch (error) {
    showError(`could not load the draft: ${error}`);
    return;
  }
  state.chars = Array.from(state.doc.text);
  $("source").textContent = state.doc.source || "";
  $("article").lang = state.doc.sheet.language || "";
  if (state.doc.save) {
    $("save").hidden = false;
    $("save").textContent = `Save ${state.doc.save}`;
  }
  for (const type of state.doc.choices.actor_types) $("sel-type").append(el("option", { value: type }, type));
  renderFacts();
  $("sel-speaker").dataset.actors = "true";
  fillActorSelect($("sel-speaker"));
  $("article").innerHTML = state.doc.html; // escaped by the server (kg.views.render_spans)
  $("article").addEventListener("click", (event) => {
    const piece = event.target.closest(".hl:not(.actor)") || event.target.closest(".hl");
    if (piece && document.getSelection().isCollapsed) focusCard(piece.dataset.f);
  });
  document.addEventListener("selectionchange", onSelection);
  $("add-quote").addEventListener("click", addQuote);
  $("add-actor").addEventListener("click", addActor);
  $("download-yaml").addEventListener("click", () => download("yaml"));
  $("download-json").addEventListener("click", () => download("json"));
  $("save").addEventListener("click", save);
  document.body.dataset.ready = "true";
  setStatus(`${state.doc.facts.length} facts in the draft`);
}

start();
