// kg views: renders the data block of an article, actor, network or search page.
// Served by kg serve (mode "serve": links to other views) and inlined by kg report (mode
// "report": a self-contained file; links go to Wikidata and the article's own URL). The graph
// and timeline pictures are drawn by the vendored vis-network and vis-timeline (kg/web/vendor).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var serve = data.mode === "serve";
  var root = document.getElementById("view");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function wikidata(qid) { return qid ? el("a", { href: "https://www.wikidata.org/wiki/" + qid, text: qid, class: "qid", rel: "noreferrer" }) : null; }
  function actorHref(a) {
    if (serve) return "/actors/" + a.key.split("/").map(encodeURIComponent).join("/");
    return a.qid ? "https://www.wikidata.org/wiki/" + a.qid : null;
  }
  function actorLink(a) {
    var href = actorHref(a);
    var cls = "chip t-" + String(a.type || "otheractor").toLowerCase();
    return href ? el("a", { href: href, class: cls, text: a.name }) : el("span", { class: cls, text: a.name });
  }
  function articleHref(article, start, end) {
    var frag = start !== null && start !== undefined ? "#span-" + start + "-" + end : "";
    if (serve) return "/articles/" + encodeURIComponent(article.key) + frag;
    return article.url || null;
  }
  function list(items) { var out = []; items.forEach(function (x, i) { if (i) out.push(", "); out.push(x); }); return out; }
  function conf(value) { return value === null || value === undefined ? "" : "confidence " + Number(value).toFixed(2); }
  function section(title, children) { return el("section", {}, [el("h2", { text: title })].concat(children)); }

  // ------------------------------------------------------------------ article view
  function article() {
    var meta = [data.publisher, data.published, (data.authors || []).join(", "), data.language, data.method].filter(Boolean).join(" · ");
    root.appendChild(el("h1", { text: data.title || data.key }));
    root.appendChild(el("p", { class: "meta" }, [meta + " · ", data.url ? el("a", { href: data.url, text: data.url, rel: "noreferrer" }) : "no URL"]));
    root.appendChild(el("p", { class: "legend" }, [el("span", { class: "lq", text: "quote" }), el("span", { class: "lm", text: "meeting" }),
      el("span", { class: "lmi", text: "mission" })].concat(["Person", "Organization", "State", "Place", "Ship", "Position"].map(function (t) {
        return el("span", { class: "t-" + t.toLowerCase(), text: t });
      }))));
    var text = el("div", { class: "text", id: "article-text" });
    if (data.html !== null) text.innerHTML = data.html;  // built and escaped by kg.views.render_spans
    else text.appendChild(el("p", { class: "note", text: "The article text is not stored with this article (a fact sheet without its text); the facts are listed without their places in the text." }));
    var facts = el("ol", { id: "facts" });
    data.facts.forEach(function (f) {
      var who = f.kind === "statement" ? [el("b", { text: (f.type === "direct" ? "quote" : "reported") })].concat([" by "], list(f.speaker.map(actorLink)), f.cue ? [" · " + f.cue] : [])
        : [el("b", { text: f.kind + " · " + f.type })].concat(f.participants && f.participants.length ? [": "].concat(list(f.participants.map(actorLink))) : [],
          f.name ? [" " + f.name] : []);
      var when = [f.date, f.status].filter(Boolean).join(" · ");
      var item = el("li", { class: f.kind, "data-f": f.id, tabindex: "0" }, [el("span", { class: "conf", text: conf(f.confidence) })].concat(who,
        when ? [el("div", { class: "meta", text: when })] : [], [el("div", { text: f.text ? "“" + f.text.slice(0, 240) + (f.text.length > 240 ? "…" : "") + "”" : "" })],
        f.span ? [] : [el("div", { class: "note", text: "no span" })]));
      item.addEventListener("mouseenter", function () { show(f.id, "nearest"); });
      item.addEventListener("click", function () { show(f.id, "center"); });
      item.addEventListener("keydown", function (e) { if (e.key === "Enter") show(f.id, "center"); });
      facts.appendChild(item);
    });
    var actors = el("p", {}, list(data.actors.map(function (a) {
      var parts = [actorLink(a)]; if (a.qid) parts.push(" ", wikidata(a.qid)); return el("span", {}, parts);
    })));
    root.appendChild(el("div", { class: "cols" }, [el("div", {}, [text]),
      el("aside", { class: "facts" }, [el("h2", { text: data.facts.length + " facts" }), facts, el("h2", { text: data.actors.length + " actors" }), actors])]));
    text.addEventListener("click", function (e) {
      var node = e.target.closest("[data-actor]");
      if (node && serve) window.location.href = "/actors/" + node.getAttribute("data-actor").split("/").map(encodeURIComponent).join("/");
      var fact = e.target.closest(".hl:not(.actor)");
      if (fact) mark(fact.getAttribute("data-f"));
    });
    var m = /^#span-(\d+)-(\d+)$/.exec(window.location.hash);
    if (m) {
      var found = data.facts.filter(function (f) { return f.span && f.span.start === +m[1] && f.span.end === +m[2]; })[0];
      if (found) show(found.id, "center");
    }
  }
  function pieces(id) { return Array.prototype.slice.call(document.querySelectorAll('#article-text [data-f="' + id + '"]')); }
  function mark(id) {
    document.querySelectorAll("#facts li.active").forEach(function (li) { li.classList.remove("active"); });
    var li = document.querySelector('#facts li[data-f="' + id + '"]');
    if (li) { li.classList.add("active"); li.scrollIntoView({ block: "nearest" }); }
  }
  // hovering a fact brings its span into view if it is not (block "nearest"), clicking centres it
  function show(id, block) {
    var parts = pieces(id);
    if (!parts.length) return;
    parts[0].scrollIntoView({ block: block, behavior: "smooth" });
    parts.forEach(function (p) { p.classList.remove("flash"); void p.offsetWidth; p.classList.add("flash"); });
    mark(id);
  }

  // ------------------------------------------------------------------ actor view
  var COLORS = { Person: "#d8e8ff", Organization: "#ffe3c2", State: "#d7f2d0", Place: "#e9dcff", Ship: "#cdeff0", Position: "#f3e6a6", OtherActor: "#e4e4e4" };
  function drawNetwork(container, nodes, edges, centre) {
    var byIri = {};
    var visNodes = new vis.DataSet(nodes.map(function (n) {
      byIri[n.iri] = n;
      return { id: n.iri, label: n.name, title: n.name + (n.qid ? " (" + n.qid + ")" : "") + " · " + n.type,
        color: { background: COLORS[n.type] || COLORS.OtherActor, border: n.iri === centre ? "#1f5fbf" : "#8895aa" },
        borderWidth: n.iri === centre ? 3 : 1, shape: "box", font: { size: n.iri === centre ? 18 : 14 } };
    }));
    var visEdges = new vis.DataSet(edges.map(function (e, i) {
      // width grows with the number of meetings (1 → 1 px, 2 → 3 px, 4 → 5 px, …, at most 10 px)
      return { id: i, from: e.from, to: e.to, meetings: e.meetings, width: Math.min(10, 1 + 2 * Math.log2(e.meetings)),
        title: e.meetings + (e.counted === "events" ? " meeting(s)" : " meeting report(s) in articles"), label: e.meetings > 1 ? String(e.meetings) : undefined,
        color: { color: "#8895aa" } };
    }));
    var network = new vis.Network(container, { nodes: visNodes, edges: visEdges }, {
      physics: { solver: "forceAtlas2Based", stabilization: { iterations: 100 } },
      edges: { smooth: false },
      interaction: { hover: true, tooltipDelay: 150 },
    });
    network.on("click", function (params) {
      if (!params.nodes.length) return;
      var href = actorHref(byIri[params.nodes[0]]);
      if (href) window.location.href = href;
    });
    network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); });
    return { network: network, nodes: visNodes, edges: visEdges };
  }
  function actor() {
    var head = [el("span", { class: "chip t-" + data.type.toLowerCase(), text: data.type })];
    if (data.qid) head.push(" ", wikidata(data.qid));
    head.push(" · in " + data.articles + " article(s)");
    root.appendChild(el("h1", { text: data.name }));
    root.appendChild(el("p", { class: "meta" }, head));
    var names = [];
    if (data.labels.de) names.push("de: " + data.labels.de);
    if (data.labels.en) names.push("en: " + data.labels.en);
    if (data.aliases.length) names.push("also: " + data.aliases.join(", "));
    if (names.length) root.appendChild(el("p", { class: "meta", text: names.join(" · ") }));
    if (data.roles.length) {
      root.appendChild(section("Roles as the articles give them", [el("table", { class: "kg" }, [el("tr", {}, [el("th", { text: "role" }), el("th", { text: "first" }), el("th", { text: "last" }), el("th", { text: "articles" })])].concat(
        data.roles.map(function (r) { return el("tr", {}, [el("td", { text: r.role }), el("td", { text: r.first || "" }), el("td", { text: r.last || "" }), el("td", { text: String(r.articles) })]); })))]));
    }
    if (data.offices && data.offices.length) {
      root.appendChild(section("Offices held (Wikidata P39, from kg enrich)", [el("table", { class: "kg", id: "offices" }, [el("tr", {}, [el("th", { text: "position" }), el("th", { text: "from" }), el("th", { text: "until" })])].concat(
        data.offices.map(function (o) { return el("tr", {}, [el("td", {}, [o.label + (o.label_de && o.label_de !== o.label ? " (" + o.label_de + ")" : "") + " ", wikidata(o.qid)]), el("td", { text: o.start || "" }), el("td", { text: o.end || "" })]); })))]));
    }
    var ego = el("div", { id: "ego" });
    root.appendChild(section("Who met whom (" + (data.network.nodes.length - 1) + " actors)", [ego,
      el("p", { class: "note", text: (data.network.counted === "events" ? "Edge width = meetings, counted as events (one per happening, however many articles report it); " :
        "Edge width = meetings reported in articles; ") + "the ties between the counterparts are those among the store's 1000 most frequent pairs. Click an actor for its page." })]));
    var tl = el("div", { id: "timeline" });
    var shown = data.timeline.length < data.timeline_total ? " (the newest " + data.timeline.length + " of " + data.timeline_total + " dated events)" : "";
    root.appendChild(section("Timeline" + shown, [tl]));
    function statements(items, about) {
      if (!items.length) return el("p", { class: "note", text: "none" });
      return el("ul", { class: "statements" }, items.map(function (s) {
        var href = articleHref(s.article, s.start, s.end);
        var quote = el(href ? "a" : "span", { href: href, class: "quote", "data-start": s.start, "data-end": s.end, "data-article": s.article.key, text: (s.direct ? "“" + s.quote + "”" : s.quote) });
        var bits = [quote, el("div", { class: "meta" }, [about && s.speaker ? actorLink(s.speaker) : null, about && s.speaker ? " · " : "",
          [s.date || ("article " + (s.article.published || "undated")), s.cue, s.direct ? "direct" : "reported"].filter(Boolean).join(" · ")])];
        return el("li", {}, bits);
      }));
    }
    root.appendChild(el("div", { class: "grid2" }, [section("Statements by " + data.name, [statements(data.statements_by, false)]),
      section("Statements about " + data.name, [statements(data.statements_about, true)])]));
    if (typeof vis === "undefined") return;
    window.kgEgo = drawNetwork(ego, data.network.nodes, data.network.edges, data.iri);
    settle(window.kgEgo.network);
    var items = new vis.DataSet(data.timeline.map(function (e, i) {
      return { id: i, start: e.date.length === 4 ? e.date + "-01-01" : e.date.length === 7 ? e.date + "-01" : e.date,
        content: e.event_type + ": " + (e.what || e.kind || "").slice(0, 60), title: e.event_type + " · " + e.kind + (e.what ? " · " + e.what : "") + (e.dated_by === "article" ? " (article date)" : "") + (e.sources > 1 ? " · " + e.sources + " sources" : ""),
        className: e.event_type, kgDate: e.date, kgType: e.event_type, kgArticle: e.article_key };
    }));
    var timeline = new vis.Timeline(tl, items, { stack: true, maxHeight: 420, zoomMin: 1000 * 60 * 60 * 24 });
    timeline.on("select", function (props) {
      var item = items.get(props.items[0]);
      if (item && item.kgArticle && serve) window.location.href = "/articles/" + encodeURIComponent(item.kgArticle);
    });
    window.kgTimeline = { timeline: timeline, items: items };
  }

  // ------------------------------------------------------------------ network and search
  function network() {
    root.appendChild(el("h1", { text: "The most connected actors" }));
    root.appendChild(el("p", { class: "meta", text: data.nodes.length + " actors with the most meetings (of the " + data.pairs + " most frequent pairs); edge width = " + (data.counted === "reports" ? "meetings reported in articles" : "meetings, counted as events (one per happening, however many articles report it)") + "; click an actor for its page." }));
    var box = el("div", { id: "network" });
    root.appendChild(box);
    if (typeof vis !== "undefined") {
      window.kgNetwork = drawNetwork(box, data.nodes, data.edges, null);
      settle(window.kgNetwork.network);
    }
  }
  function search() {
    root.appendChild(el("h1", { text: "Search: " + data.term }));
    if (!data.results.length) { root.appendChild(el("p", { text: "No actor's name, other name, Wikidata label or QID matches." })); return; }
    root.appendChild(el("ul", { id: "results" }, data.results.map(function (a) {
      return el("li", {}, [actorLink(a), " ", wikidata(a.qid), " · " + a.type + " · " + a.articles + " article(s)"]);
    })));
  }

  // ------------------------------------------------------------------ the search box
  var box = document.getElementById("kg-q");
  if (box) {
    var suggest = document.getElementById("kg-suggest");
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var term = box.value.trim();
      if (term.length < 2) { suggest.hidden = true; return; }
      timer = setTimeout(function () {
        fetch("/api/search?limit=10&q=" + encodeURIComponent(term)).then(function (r) { return r.ok ? r.json() : []; }).then(function (rows) {
          suggest.textContent = "";
          rows.forEach(function (a) { suggest.appendChild(el("li", {}, [el("a", { href: actorHref(a), text: a.name + (a.qid ? " · " + a.qid : "") + " · " + a.type })])); });
          suggest.hidden = !rows.length;
        });
      }, 150);
    });
  }

  // ready once everything is drawn (a graph after its layout has settled): tests and the
  // benchmark (benchmarks/views.py) wait for it
  var waiting = 1;
  function done() {
    waiting -= 1;
    if (waiting > 0) return;
    window.kgReadyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  }
  function settle(network) {
    waiting += 1;
    var finished = false;
    function once() { if (!finished) { finished = true; done(); } }
    network.once("stabilizationIterationsDone", once);
    network.once("stabilized", once);
  }
  ({ article: article, actor: actor, network: network, search: search })[data.view]();
  done();
})();
