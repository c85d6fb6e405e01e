// The explore page's HTML, CSS and script (see explore_page.h).
#include "engine/explore/explore_page.h"

namespace nsrg {

namespace {

const char kPage[] = R"PAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nsrg-engine explore</title>
<style>
body { font: 14px/1.4 sans-serif; margin: 0; background: #1d1f21; color: #e6e6e6; }
header { padding: 10px 16px; background: #2b2e31; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header img { height: 72px; border: 1px solid #555; }
h1 { font-size: 18px; margin: 0 12px 0 0; }
#controls { display: flex; flex-wrap: wrap; gap: 18px; padding: 10px 16px; background: #25282b; }
fieldset { border: 1px solid #444; padding: 6px 10px; }
legend { color: #aaa; }
label { margin-right: 8px; }
input[type=number] { width: 4.5em; }
button { background: #3b6ea5; color: #fff; border: 0; padding: 4px 9px; border-radius: 3px; cursor: pointer; }
button:hover { background: #4b83c2; }
button[data-action=discard] { background: #6a3b3b; }
#message { padding: 6px 16px; min-height: 1.4em; color: #f0c674; }
#grid { display: flex; flex-wrap: wrap; gap: 12px; padding: 12px 16px; }
.tile { background: #2b2e31; border: 2px solid #2b2e31; border-radius: 4px; padding: 6px; width: 200px; }
.tile.picked { border-color: #f0c674; }
.tile.kept .name::after { content: " \2605 kept"; color: #b5bd68; }
.tile img { width: 200px; height: 200px; object-fit: contain; background: #111; display: block; }
.tile .lineage { color: #aaa; font-size: 12px; min-height: 2.6em; }
.tile .state { font-size: 12px; color: #8abeb7; }
.tile .error { font-size: 12px; color: #cc6666; word-break: break-word; }
.tile progress { width: 100%; height: 6px; }
.tile .actions { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
.tile .actions button { padding: 2px 6px; font-size: 12px; }
</style>
</head>
<body>
<header>
  <h1>explore <span id="config"></span></h1>
  <figure><img id="content" alt="content"><figcaption>content</figcaption></figure>
  <span id="styles"></span>
  <span id="queue"></span>
</header>
<div id="controls">
  <fieldset><legend>new siblings</legend>
    <label>count <input id="sib-count" type="number" min="1" max="16" value="4"></label>
    <label>mode <select id="sib-mode"></select></label>
    <label>range <input id="sib-lo" type="number" step="0.1" min="0" max="10" value="0.1">
      .. <input id="sib-hi" type="number" step="0.1" min="0" max="10" value="1.9"></label>
    <label>mix <input id="sib-mix" type="number" step="0.05" min="0" max="1" value="1"></label>
    <label>layer <select id="sib-layer"><option value="">all</option></select></label>
    <label>seed <input id="sib-seed" type="number" min="0" placeholder="next"></label>
    <button data-action="siblings">render siblings</button>
  </fieldset>
  <fieldset><legend>more like this</legend>
    <label>children <input id="breed-count" type="number" min="1" max="16" value="4"></label>
    <label>strength <input id="breed-strength" type="range" min="0.05" max="1" step="0.05" value="0.3">
      <span id="breed-strength-value">0.30</span></label>
    <label>mode <select id="breed-mode"></select></label>
  </fieldset>
  <fieldset><legend>two picked tiles</legend>
    <label>weight of the first <input id="cross-weight" type="range" min="0" max="1" step="0.05" value="0.5">
      <span id="cross-weight-value">0.50</span></label>
    <button data-action="cross">cross</button>
    <label>frames <input id="morph-frames" type="number" min="2" max="12" value="5"></label>
    <button data-action="morph">morph</button>
  </fieldset>
  <fieldset><legend>promote</legend>
    <label>size <input id="promote-size" type="number" min="16" max="4096" value="512"></label>
    <label>iterations <input id="promote-iterations" type="number" min="1" max="10000" value="100"></label>
  </fieldset>
</div>
<div id="message"></div>
<div id="grid"></div>
<script>
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const withToken = path => path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
const $ = id => document.getElementById(id);
const tiles = new Map();    // id -> element
const morphs = new Map();   // group -> {element, frames: [ids]}
let picked = [];
let state = null;
let controlsReady = false;

function say(text) { $("message").textContent = text; }

async function post(path, body) {
  const response = await fetch(path, {method: "POST", body: JSON.stringify(body),
    headers: {"X-Explore-Token": token, "Content-Type": "application/json"}});
  const text = await response.text();
  if (!response.ok) { say(response.status + ": " + text.trim()); return null; }
  return JSON.parse(text);
}

function number(id) { return Number($(id).value); }

function lineage(tile) {
  const [a, b] = tile.parents;
  switch (tile.kind) {
    case "sibling": return "sibling, seed " + tile.seed + ", " + tile.mode +
                           (tile.layer ? ", " + tile.layer : "");
    case "child": return "child of " + a + ", range " + tile.range[0].toFixed(2) + ".." +
                         tile.range[1].toFixed(2);
    case "cross": return "cross of " + a + " \u00d7 " + b + " (" + tile.weight.toFixed(2) + ")";
    case "morph": return "morph " + a + " \u2192 " + b;
    case "promote": return a + " promoted to " + tile.size + " px";
  }
  return tile.kind;
}

function button(action, text, onclick) {
  const element = document.createElement("button");
  element.dataset.action = action;
  element.textContent = text;
  element.addEventListener("click", onclick);
  return element;
}

function makeTile(tile) {
  const element = document.createElement("div");
  element.className = "tile";
  element.dataset.tile = tile.id;
  element.innerHTML = '<img alt=""><div><b class="name"></b> <span class="state"></span></div>' +
    '<div class="lineage"></div><progress max="1" value="0"></progress><div class="error"></div>' +
    '<div class="actions"></div>';
  element.querySelector(".name").textContent = tile.id;
  element.querySelector(".lineage").textContent = lineage(tile);
  const actions = element.querySelector(".actions");
  actions.append(
    button("breed", "more like this", async () => {
      const made = await post("/api/breed", {tile: tile.id, count: number("breed-count"),
        strength: number("breed-strength"), mode: $("breed-mode").value});
      if (made) say("breeding " + made.tiles.join(", ") + " from " + tile.id);
    }),
    button("keep", "keep", async () => {
      const kept = await post("/api/keep", {tile: tile.id});
      if (kept) say("kept " + tile.id + ": " + kept.style + ", full size: " + kept.command);
    }),
    button("promote", "promote", async () => {
      const made = await post("/api/promote", {tile: tile.id, size: number("promote-size"),
        iterations: number("promote-iterations")});
      if (made) say("promoting " + tile.id + " as " + made.tiles.join(", "));
    }),
    button("select", "pick", () => pick(tile.id)),
    button("discard", "\u00d7", async () => {
      if (await post("/api/discard", {tile: tile.id})) element.remove();
    }));
  return element;
}

function pick(id) {
  picked = picked.includes(id) ? picked.filter(p => p !== id) : picked.concat([id]).slice(-2);
  for (const [tileId, element] of tiles) element.classList.toggle("picked", picked.includes(tileId));
  say(picked.length ? "picked " + picked.join(" and ") : "");
}

function pictureUrl(tile) {
  return withToken("/tile/" + tile.id + ".png?v=" + tile.version + "-" + tile.state);
}

function updateTile(element, tile) {
  element.dataset.state = tile.state;
  element.classList.toggle("kept", tile.kept);
  element.querySelector(".state").textContent =
    tile.state === "rendering" ? tile.iteration + "/" + tile.iterations : tile.state;
  const bar = element.querySelector("progress");
  bar.max = Math.max(1, tile.iterations);
  bar.value = tile.iteration;
  element.querySelector(".error").textContent = tile.error || "";
  const img = element.querySelector("img");
  if ((tile.version > 0 || tile.state === "done") && img.dataset.src !== pictureUrl(tile)) {
    img.dataset.src = pictureUrl(tile);
    img.src = img.dataset.src;
  }
}

function updateMorph(group, frames) {
  let entry = morphs.get(group);
  if (!entry) {
    const element = document.createElement("div");
    element.className = "tile";
    element.dataset.morph = group;
    element.innerHTML = '<img alt=""><div><b class="name"></b> <span class="state"></span></div>' +
      '<div class="lineage"></div>';
    element.querySelector(".name").textContent = "morph " + group;
    element.querySelector(".lineage").textContent = lineage(frames[0]);
    $("grid").prepend(element);
    entry = {element, frames: [], shown: 0};
    morphs.set(group, entry);
  }
  entry.frames = frames.filter(f => f.version > 0 || f.state === "done").map(pictureUrl);
  const done = frames.filter(f => f.state === "done").length;
  entry.element.querySelector(".state").textContent = done + "/" + frames.length + " frames";
}

setInterval(() => {   // the morph animation: each path's frames in turn, there and back
  for (const entry of morphs.values()) {
    const n = entry.frames.length;
    if (n === 0) continue;
    entry.shown = (entry.shown + 1) % Math.max(1, 2 * n - 2);
    const index = entry.shown < n ? entry.shown : 2 * n - 2 - entry.shown;
    entry.element.querySelector("img").src = entry.frames[index];
  }
}, 300);

function fillSelect(select, names, first) {
  for (const name of names) {
    const option = document.createElement("option");
    option.value = option.textContent = name;
    select.append(option);
  }
  if (first) select.value = first;
}

function setUpControls() {
  $("config").textContent = state.config;
  $("content").src = withToken("/input/content");
  for (let i = 0; i < state.styles; ++i) {
    const img = document.createElement("img");
    img.alt = "style " + (i + 1);
    img.src = withToken("/input/style/" + i);
    $("styles").append(img);
  }
  fillSelect($("sib-mode"), state.modes, "scale_eigenvectors");
  fillSelect($("breed-mode"), state.modes, "scale_eigenvectors");
  fillSelect($("sib-layer"), state.layers, "");
  $("breed-count").value = state.children;
  $("promote-size").value = state.promote_size;
  controlsReady = true;
}

function render() {
  if (!controlsReady) setUpControls();
  $("queue").textContent = (state.running ? "rendering " + state.running + ", " : "") +
                           state.waiting + " waiting";
  const groups = new Map();
  for (const tile of state.tiles) {
    if (tile.kind === "morph") {
      if (tile.state !== "cancelled") groups.set(tile.group, (groups.get(tile.group) || []).concat([tile]));
      continue;
    }
    let element = tiles.get(tile.id);
    if (tile.state === "cancelled") {
      if (element) { element.remove(); tiles.delete(tile.id); }
      continue;
    }
    if (!element) {
      element = makeTile(tile);
      tiles.set(tile.id, element);
      $("grid").prepend(element);   // newest first, as the queue renders them
    }
    updateTile(element, tile);
  }
  for (const [group, frames] of groups) updateMorph(group, frames);
}

async function poll() {
  try {
    const response = await fetch(withToken("/api/state"));
    if (response.ok) { state = await response.json(); render(); }
    else say(response.status + ": " + (await response.text()).trim());
  } catch (error) {
    say("the explore server does not answer (" + error + ")");
  }
  setTimeout(poll, 700);
}

document.querySelector('[data-action="siblings"]').addEventListener("click", async () => {
  const body = {count: number("sib-count"), mode: $("sib-mode").value,
                range: [number("sib-lo"), number("sib-hi")], mix: number("sib-mix"),
                layer: $("sib-layer").value};
  if ($("sib-seed").value !== "") body.seed = number("sib-seed");
  const made = await post("/api/siblings", body);
  if (made) say("rendering siblings " + made.tiles.join(", "));
});
for (const action of ["cross", "morph"])
  document.querySelector('[data-action="' + action + '"]').addEventListener("click", async () => {
    if (picked.length !== 2) { say(action + ": pick two tiles first"); return; }
    const made = await post("/api/" + action, {a: picked[0], b: picked[1],
      weight: number("cross-weight"), frames: number("morph-frames")});
    if (made) say(action + " of " + picked.join(" and ") + ": " + made.tiles.join(", "));
  });
for (const [input, label] of [["breed-strength", "breed-strength-value"], ["cross-weight", "cross-weight-value"]])
  $(input).addEventListener("input", () => { $(label).textContent = number(input).toFixed(2); });
poll();
</script>
</body>
</html>
)PAGE";

}  // namespace

const char* explore_page_html() {
  return kPage;
}

}  // namespace nsrg
