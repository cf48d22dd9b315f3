// The network page: draws the actor graph of the window (sigma.js + graphology, built at set-up), lays it out
// with ForceAtlas2 in short steps between frames, and shows an edge's statements when it is clicked.
// Text from the store is only ever set with textContent: never parsed as HTML.
"use strict";
(function () {
  const box = document.getElementById("graph");
  const status = document.getElementById("graph-status");
  if (!box || !window.ClaimgraphVendor) return;
  const { Graph, Sigma, forceAtlas2 } = window.ClaimgraphVendor;
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(name).trim() || "#9aa3b2";
  const FAMILY = {
    verbal_cooperation: colour("--vcoop"), material_cooperation: colour("--mcoop"),
    verbal_conflict: colour("--vconf"), material_conflict: colour("--mconf"),
  };
  const STANCE = {
    asserts: colour("--asserts"), denies: colour("--denies"),
    predicts: colour("--predicts"), speculates: colour("--speculates"),
  };
  const typeColour = (type) => colour("--t-" + (type || "other"));
  const api = new URL(box.dataset.api, location.origin);
  const panel = document.getElementById("edge-statements");
  const hint = document.getElementById("edge-hint");
  const colourBy = document.getElementById("edge-colour");

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  fetch(api, { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
    .then(draw)
    .catch((err) => { status.textContent = "Could not load the graph: " + err.message; });

  function draw(data) {
    if (!data.nodes.length) {
      status.textContent = "No edges in this window.";
      return;
    }
    const graph = new Graph({ multi: true, type: "directed" });
    const small = data.nodes.length < 300;
    data.nodes.forEach((node, i) => {
      // A sunflower spiral, busiest actors in the middle: a readable start before the layout moves anything.
      const angle = i * 2.399963, radius = Math.sqrt(i + 1);
      graph.addNode(node.key, {
        x: radius * Math.cos(angle), y: radius * Math.sin(angle), label: node.name,
        size: Math.min(18, (small ? 5 : 2) + Math.sqrt(node.statements)), color: typeColour(node.type), actorType: node.type || "other",
      });
    });
    data.edges.forEach((e, i) => {
      graph.addDirectedEdgeWithKey("e" + i, e.source, e.target, {
        size: Math.min(8, 0.6 + Math.log2(1 + e.weight)), color: FAMILY[e.family], family: e.family,
        stance: e.stance, weight: e.weight, cooperation: e.cooperation, conflict: e.conflict,
      });
    });
    status.textContent = data.nodes.length.toLocaleString() + " actors, " + data.edges.length.toLocaleString() +
      " edges, " + data.statements.toLocaleString() + " statements" + (data.truncated ? " (heaviest only)" : "");
    let hovered = null;
    // Thousands of edges: highlighting a hovered actor's neighbourhood re-runs the reducers over every edge and
    // redraws them all (seconds per frame in software WebGL), so a big graph only changes the cursor on hover,
    // and hides edges and labels while the camera moves.
    const big = data.edges.length > 5000;
    const renderer = new Sigma(graph, box, {
      enableEdgeEvents: true, defaultEdgeType: "arrow", labelRenderedSizeThreshold: small ? 4 : big ? 12 : 8,
      zIndex: !big, hideEdgesOnMove: big, hideLabelsOnMove: big, stagePadding: 40,
      nodeReducer: (node, attrs) => {
        if (hovered && node !== hovered && !graph.areNeighbors(node, hovered)) return { ...attrs, color: "#e3e6ec", label: "" };
        return attrs;
      },
      edgeReducer: (edge, attrs) => {
        if (hovered && !graph.hasExtremity(edge, hovered)) return { ...attrs, hidden: true };
        return attrs;
      },
    });
    renderer.on("enterNode", ({ node }) => {
      box.style.cursor = "pointer";
      if (!big) { hovered = node; renderer.refresh({ skipIndexation: true }); }
    });
    renderer.on("leaveNode", () => {
      box.style.cursor = "";
      if (hovered) { hovered = null; renderer.refresh({ skipIndexation: true }); }
    });
    renderer.on("enterEdge", () => { box.style.cursor = "pointer"; });
    renderer.on("leaveEdge", () => { box.style.cursor = ""; });
    renderer.on("clickNode", ({ node }) => { location.href = "/actors/" + encodeURIComponent(node); });
    renderer.on("clickEdge", ({ edge }) => showEdge(edge));
    if (colourBy) {
      colourBy.addEventListener("change", () => {
        graph.updateEachEdgeAttributes((edge, attrs) => ({
          ...attrs, color: colourBy.value === "stance" ? STANCE[attrs.stance] : FAMILY[attrs.family],
        }));
      });
    }
    const state = { graph, sigma: renderer, showEdge, layoutDone: false, iterations: 0 };
    window.claimgraphNetwork = state;
    layout(graph, state);

    function showEdge(edge) {
      const source = graph.source(edge), target = graph.target(edge), attrs = graph.getEdgeAttributes(edge);
      const url = new URL("/api/v1/statements", location.origin);
      url.searchParams.set("subject", source);
      url.searchParams.set("object", target);
      url.searchParams.set("stance", attrs.stance);
      ["since", "until", "asserter", "min_confidence"].forEach((k) => api.searchParams.getAll(k).forEach((v) => url.searchParams.append(k, v)));
      url.searchParams.set("limit", "50");
      hint.textContent = graph.getNodeAttribute(source, "label") + " → " + graph.getNodeAttribute(target, "label") +
        " (" + attrs.stance + ", " + attrs.weight + " statements)";
      panel.replaceChildren(el("p", "muted", "Loading…"));
      fetch(url, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
        .then((page) => {
          const list = el("ul", "claims");
          page.items.forEach((c) => {
            const li = el("li", "claim");
            li.dataset.statement = c.statement_id;
            const head = el("div", "claim-head");
            head.append(el("span", "date", c.date || "undated"), el("strong", null, c.asserter_name),
              el("span", "stance stance-" + c.stance, c.stance), el("span", "event", (c.negated ? "NOT " : "") + c.event_type));
            const link = el("a", null, c.title || c.doc_id);
            link.href = "/documents/" + encodeURIComponent(c.doc_id) + "#s-" + encodeURIComponent(c.statement_id);
            const doc = el("div", "claim-doc");
            doc.append(link, document.createTextNode(" · confidence " + c.confidence.toFixed(2)));
            li.append(head, el("q", "quote", c.quote), doc);
            list.append(li);
          });
          panel.replaceChildren(list);
          if (page.next_cursor) panel.append(el("p", "muted", "The newest 50 are shown."));
        })
        .catch((err) => panel.replaceChildren(el("p", "empty", "Could not load the statements: " + err.message)));
    }
  }

  // ForceAtlas2 a few iterations per frame, for a bounded time, so the page stays responsive meanwhile.
  function layout(graph, state) {
    const order = graph.order;
    const settings = Object.assign(forceAtlas2.inferSettings(graph), { barnesHutOptimize: order > 300, adjustSizes: false });
    const perFrame = order > 2000 ? 1 : order > 300 ? 3 : 10;
    const deadline = performance.now() + (order > 2000 ? 6000 : 3000);
    function step() {
      forceAtlas2.assign(graph, { iterations: perFrame, settings });
      state.iterations += perFrame;
      if (performance.now() < deadline && state.iterations < 600) requestAnimationFrame(step);
      else state.layoutDone = true;
    }
    requestAnimationFrame(step);
  }
})();
