// The review form: appends a judgement through the API. The write token goes in the Authorization header
// (never a cookie, so no other site can make the browser send it); it is kept for the tab in sessionStorage.
"use strict";
(function () {
  const form = document.getElementById("review-form");
  const target = document.getElementById("review-target");
  if (!form || !target) return;
  form.hidden = false;
  const status = document.getElementById("review-status");
  const token = form.elements.namedItem("token");
  const reviewer = form.elements.namedItem("reviewer");
  token.value = sessionStorage.getItem("claimgraph-token") || "";
  reviewer.value = sessionStorage.getItem("claimgraph-reviewer") || "";

  function say(text, kind) {
    status.textContent = text;
    status.className = "review-status " + (kind || "");
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function badge(verdict) {
    const span = document.createElement("span");
    span.className = "verdict verdict-" + verdict;
    span.textContent = verdict;
    return span;
  }

  function show(judgement) {
    const body = document.querySelector("#judgement-history tbody");
    const empty = body.querySelector("tr.empty");
    if (empty) empty.remove();
    const row = document.createElement("tr");
    cell(row, judgement.created_at.replace("T", " ").slice(0, 16));
    cell(row, "").appendChild(badge(judgement.verdict));
    cell(row, Object.entries(judgement.correction || {}).map(([k, v]) => k + "=" + v).join(" "));
    cell(row, judgement.reviewer || "");
    cell(row, judgement.note || "");
    body.insertBefore(row, body.firstChild);
    const inForce = document.getElementById("in-force");
    inForce.textContent = "In force: ";
    inForce.appendChild(badge(judgement.verdict));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const verdict = event.submitter ? event.submitter.value : "confirm";
    const body = {doc_id: target.dataset.doc, statement_id: target.dataset.statement, verdict};
    const note = form.elements.namedItem("note").value.trim();
    if (note) body.note = note;
    if (reviewer.value.trim()) body.reviewer = reviewer.value.trim();
    if (verdict === "correct") {
      const correction = {};
      for (const field of form.querySelectorAll("[name^='fix-']")) {
        if (field.value.trim()) correction[field.name.slice(4)] = field.value.trim();
      }
      if (!Object.keys(correction).length) {
        say("Give at least one corrected field for a correction.", "error");
        return;
      }
      body.correction = correction;
    }
    sessionStorage.setItem("claimgraph-token", token.value.trim());
    sessionStorage.setItem("claimgraph-reviewer", reviewer.value.trim());
    say("Saving…");
    let response;
    try {
      response = await fetch(form.dataset.api, {
        method: "POST", credentials: "omit",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "Authorization": "Bearer " + token.value.trim()},
        body: JSON.stringify(body),
      });
    } catch (error) {
      say("The server did not answer.", "error");
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (response.status === 201) {
      show(data);
      say("Saved: " + data.verdict + " (judgement " + data.id + ").", "saved");
      for (const field of form.querySelectorAll("[name^='fix-'], textarea")) field.value = "";
    } else {
      say(data.detail || data.title || ("HTTP " + response.status), "error");
    }
  });
})();
