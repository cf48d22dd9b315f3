// Document view: a statement in the list and its span in the text light up together.
"use strict";
(function () {
  const text = document.getElementById("doc-text");
  if (!text) return;
  const items = Array.from(document.querySelectorAll(".statement[data-s]"));
  function focus(id, scrollList) {
    text.querySelectorAll(".seg.focus").forEach((el) => el.classList.remove("focus"));
    items.forEach((el) => el.classList.toggle("focus", el.dataset.s === id));
    let first = null;
    text.querySelectorAll(".seg").forEach((el) => {
      if (el.dataset.s.split(" ").includes(id)) {
        el.classList.add("focus");
        first = first || el;
      }
    });
    if (first) first.scrollIntoView({ block: "nearest", behavior: "smooth" });
    const item = items.find((el) => el.dataset.s === id);
    if (scrollList && item) item.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
  items.forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (ev.target.closest("a")) return;
      focus(el.dataset.s, false);
    });
    el.addEventListener("keydown", (ev) => { if (ev.key === "Enter") focus(el.dataset.s, false); });
  });
  text.addEventListener("click", (ev) => {
    const seg = ev.target.closest(".seg");
    if (seg && seg.dataset.s) focus(seg.dataset.s.split(" ").pop(), true);
  });
  const wanted = decodeURIComponent(location.hash.replace(/^#s-/, ""));
  if (wanted && location.hash.startsWith("#s-")) focus(wanted, true);
})();
