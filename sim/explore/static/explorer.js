// musclebrain explorer: controls -> the local server (which runs the model) -> SVG charts.
// Illustrative teaching model, not clinical. No request leaves this computer.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const state = {
  catalogue: null, base: "combined", changes: {}, values: {},
  seq: 0, cseq: 0, busy: false, pending: false, pins: [], claim: 0, shown: {}, body: null,
  page: Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(16)).join(""),
};

// The text of a cell of the ledger (safe HTML from the server) without its markup.
function plain(html) {
  return new DOMParser().parseFromString(html, "text/html").body.textContent;
}

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}, text = "") {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

// Round, readable axis ticks for [lo, hi].
function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) { hi = lo + 1; }
  const raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function label(v) {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1000 || a < 0.01) return v.toExponential(1);
  return String(+v.toPrecision(4));
}

// One panel: {title, ylabel, xlabel, lines: [{label, x, y, color, dash}], band, bars, span}.
function chart(panel) {
  const W = 560, H = 340, L = 76, R = 12, T = 36, B = 52;
  const box = el("div", { class: "chart" });
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": panel.title });
  const xs = [], ys = [];
  for (const line of panel.lines) { xs.push(...line.x); ys.push(...line.y); }
  if (panel.bars) { xs.push(...panel.bars.x); ys.push(...panel.bars.y, 0); }
  if (panel.band) ys.push(...panel.band);
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (!isFinite(x0)) { x0 = 0; x1 = 1; }
  if (!isFinite(y0)) { y0 = 0; y1 = 1; }
  const mid = (y0 + y1) / 2, minSpan = Math.max(0.1 * Math.abs(mid), 1e-6);
  if (y1 - y0 < minSpan) { y0 = mid - minSpan / 2; y1 = mid + minSpan / 2; }
  const pad = 0.05 * (y1 - y0); y0 -= pad; y1 += pad;
  if (x1 === x0) x1 = x0 + 1;
  const px = (x) => L + (x - x0) / (x1 - x0) * (W - L - R);
  const py = (y) => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  s.append(svg("text", { x: W / 2, y: 18, "text-anchor": "middle", "font-size": 17, "font-weight": 600 }, panel.title));
  for (const v of ticks(y0, y1)) {
    s.append(svg("line", { x1: L, x2: W - R, y1: py(v), y2: py(v), stroke: "#e5e5e5" }));
    s.append(svg("text", { x: L - 6, y: py(v) + 4, "text-anchor": "end", "font-size": 14 }, label(v)));
  }
  for (const v of ticks(x0, x1, 6)) {
    s.append(svg("line", { x1: px(v), x2: px(v), y1: H - B, y2: H - B + 5, stroke: "#777" }));
    s.append(svg("text", { x: px(v), y: H - B + 20, "text-anchor": "middle", "font-size": 14 }, label(v)));
  }
  s.append(svg("text", { x: (L + W - R) / 2, y: H - 8, "text-anchor": "middle", "font-size": 15 }, panel.xlabel));
  // a long axis label gets a smaller font rather than losing its end (its unit)
  const ysize = Math.min(13, (13 * 40) / Math.max(panel.ylabel.length, 1)).toFixed(1);
  s.append(svg("text", { x: 16, y: (T + H - B) / 2, "text-anchor": "middle", "font-size": ysize,
    transform: `rotate(-90 16 ${(T + H - B) / 2})` }, panel.ylabel));
  if (panel.band) {
    s.append(svg("rect", { x: L, width: W - L - R, y: py(panel.band[1]), height: py(panel.band[0]) - py(panel.band[1]),
      fill: "#F0E442", "fill-opacity": 0.35 }));
  }
  if (panel.span) {
    s.append(svg("rect", { x: px(panel.span[0]), width: px(panel.span[1]) - px(panel.span[0]), y: T,
      height: H - T - B, fill: "#F0E442", "fill-opacity": 0.35 }));
  }
  if (panel.bars) {
    const b = panel.bars, w = Math.max(1, 0.8 * (px(x0 + 1 / 7) - px(x0)));
    b.x.forEach((x, i) => { if (b.y[i] > 0) s.append(svg("rect", { x: px(x), width: w, y: py(b.y[i]), height: py(0) - py(b.y[i]), fill: b.color })); });
  }
  for (const line of panel.lines) {
    const d = line.x.map((x, i) => `${i ? "L" : "M"}${px(x).toFixed(1)},${py(line.y[i]).toFixed(1)}`).join("");
    s.append(svg("path", { d, fill: "none", stroke: line.color, "stroke-width": 2.2, "stroke-dasharray": line.dash || "none",
      "data-label": line.label, "data-last": String(line.y[line.y.length - 1]) }));
  }
  s.append(svg("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#999" }));
  box.append(s);
  const legend = el("div", { class: "legend" });
  const items = [...panel.lines.map((l) => [l.label, l.color, l.dash]), ...(panel.bars ? [[panel.bars.label, panel.bars.color, ""]] : []),
    ...(panel.band ? [[panel.band_label, "#F0E442", ""]] : [])];
  for (const [text, color, dash] of items) {
    const key = svg("svg", { width: 34, height: 12 });
    key.append(svg("line", { x1: 1, x2: 33, y1: 6, y2: 6, stroke: color, "stroke-width": 3, "stroke-dasharray": dash || "none" }));
    const item = el("span", { class: "key" }); item.append(key, document.createTextNode(" " + text + "  "));
    legend.append(item);
  }
  box.append(legend);
  return box;
}

function draw(target, panels) {
  const node = document.getElementById(target);
  node.replaceChildren(...panels.map(chart));
}

function headlineTable(table, rows) {
  // rows: [{label, headline: [{key, words, unit, value, shown}]}]
  const head = el("tr"); head.append(el("th", {}, "Regimen"));
  for (const h of rows[0].headline) head.append(el("th", {}, h.unit ? `${h.words} [${h.unit}]` : h.words));
  const body = rows.map((r) => {
    const tr = el("tr"); tr.append(el("td", {}, r.label));
    for (const h of r.headline) tr.append(el("td", { "data-key": h.key, "data-value": String(h.value) }, h.shown));
    return tr;
  });
  table.replaceChildren(head, ...body);
}

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return response;
}

function settings() { return { base: state.base, changes: { ...state.changes } }; }

function showError(text) {
  const node = document.getElementById("error");
  node.textContent = text || ""; node.hidden = !text;
}

// Never more than one run in flight: a change during a run marks one more run as pending;
// the server also drops a request that a newer one overtook (409).
function schedule() {
  if (state.busy) { state.pending = true; return; }
  run();
}

async function run() {
  state.busy = true; state.pending = false;
  const seq = ++state.seq, body = { settings: settings(), seq, page: state.page };
  state.body = body;
  const started = performance.now();
  document.getElementById("status").textContent = "Running the model...";
  try {
    const response = await post("/api/run", body);
    const out = await response.json();
    if (response.status === 422) {
      showError(out.error + "\n(The charts still show the last settings that worked.)");
      document.getElementById("status").textContent = "";
    } else if (response.ok && !state.pending) {
      showError("");
      render(out);
      const ms = Math.round(performance.now() - started);
      document.getElementById("status").textContent = `Updated in ${ms} ms.`;
      document.body.dataset.seq = String(seq);
      state.shown = {};
      await detail(body);
    }
  } catch (err) {
    showError("The explorer's server does not answer: is `musclebrain explore` still running?");
  } finally {
    state.busy = false;
    if (state.pending) run();
  }
}

function render(out) {
  state.values = out.values;
  document.getElementById("title").textContent = `${out.name} (illustrative, not clinical)`;
  headlineTable(document.getElementById("headline"), [{ label: out.name, headline: out.headline }]);
  document.getElementById("headline").dataset.name = out.name;
  draw("slow", out.slow);
  draw("performance", out.performance.panels);
  document.getElementById("performance-caption").textContent = out.performance.caption;
  syncControls();
}

// The session and the pathways each need a finer re-run: fetched for the tab on show only.
async function detail(body) {
  const tab = document.querySelector('.tabs button[aria-selected="true"]').dataset.tab;
  if (!["session", "why"].includes(tab) || state.shown[tab] === body.seq) return;
  const response = await post("/api/detail", { ...body, views: [tab] });
  if (!response.ok || state.pending || body.seq !== state.seq) return;
  const out = await response.json();
  if (out.session) renderSession(out.session);
  if (out.why) renderWhy(out.why);
  state.shown[tab] = body.seq;
  document.body.dataset.detail = `${tab}-${body.seq}`;
}

function renderSession(session) {
  draw("session", session.panels);
  document.getElementById("session-about").textContent = `${session.about}. ${session.caption}`;
}

// A table of text cells: one header row, then the body rows.
function table(head, rows) {
  const t = el("table", { class: "numbers" }), tr = el("tr");
  tr.append(...head.map((h) => el("th", {}, h)));
  t.append(tr);
  for (const cells of rows) {
    const row = el("tr"); row.append(...cells.map((c) => el("td", {}, c))); t.append(row);
  }
  return t;
}

function renderWhy(why) {
  const parts = table(["Regimen", ...why.parts, "change"], why.rows.map((r) => [r.arm, ...r.cells, r.total]));
  const words = why.rows.map((r) => el("p", {}, r.largest));
  const sources = table(["Brain BDNF's sources [% of its drive]", ...why.sources], why.source_rows.map((r) => [r.arm, ...r.cells]));
  document.getElementById("why").replaceChildren(parts, ...words, sources);
}

function syncControls() {
  for (const c of state.catalogue.controls) {
    const input = document.getElementById("c-" + c.key);
    if (!input || document.activeElement === input) continue;
    input.value = String(state.values[c.key]);
    showValue(c, input.value);
  }
}

function showValue(c, value) {
  const out = document.getElementById("v-" + c.key);
  if (out) out.textContent = c.options.length ? "" : `${value}${c.unit ? " " + c.unit : ""}`;
}

function buildControls() {
  const groups = { participant: "Participant", regimen: "Regimen (a week)", programme: "Programme", recovery: "Recovery" };
  const root = document.getElementById("groups");
  for (const [g, title] of Object.entries(groups)) {
    const fs = el("fieldset"); fs.append(el("legend", {}, title));
    for (const c of state.catalogue.controls.filter((x) => x.group === g)) {
      const wrap = el("label", { class: "control" });
      wrap.append(document.createTextNode(c.label + " "), el("span", { class: "value", id: "v-" + c.key }));
      let input;
      if (c.options.length) {
        input = el("select", { id: "c-" + c.key, name: c.key });
        for (const o of c.options) input.append(el("option", { value: o }, o.replace("_", " ")));
      } else {
        input = el("input", { id: "c-" + c.key, name: c.key, type: "range", min: c.low, max: c.high, step: c.step });
      }
      input.addEventListener("input", () => {
        const v = c.options.length ? input.value : Number(input.value);
        state.changes[c.key] = v; showValue(c, input.value); schedule();
      });
      wrap.append(input); fs.append(wrap);
    }
    root.append(fs);
  }
}

function loadBase(name) {
  state.base = name; state.changes = {};
  document.getElementById("base").value = name;
  const s = state.catalogue.scenarios.find((x) => x.name === name);
  document.getElementById("lesson").textContent = s ? "Teaches: " + s.lesson : "";
  schedule();
}

async function download(path, fallback) {
  // On the side-by-side tab with regimens pinned, the report is of those regimens.
  const tab = document.querySelector('.tabs button[aria-selected="true"]').dataset.tab;
  const what = path === "/api/report" && tab === "compare" && state.pins.length ? { items: state.pins } : { settings: settings() };
  const response = await post(path, { ...what, seq: 0, page: state.page + "-dl" });
  if (!response.ok) { showError((await response.json()).error); return; }
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || fallback;
  const url = URL.createObjectURL(await response.blob());
  const a = el("a", { href: url, download: name }); document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function compareInto(items, tableId, chartsId) {
  const response = await post("/api/compare", { items, seq: ++state.cseq, page: state.page + "-" + chartsId });
  const out = await response.json();
  if (!response.ok) { if (response.status !== 409) showError(out.error); return; }
  headlineTable(document.getElementById(tableId), out.rows);
  draw(chartsId, out.panels);
}

function renderPins() {
  const list = document.getElementById("pins");
  list.replaceChildren(...state.pins.map((p, i) => {
    const li = el("li"); const words = Object.fromEntries(state.catalogue.controls.map((c) => [c.key, c.label.toLowerCase()]));
    const names = Object.entries(p.changes).map(([k, v]) => `${words[k] || k} ${v}`).join(", ");
    li.append(document.createTextNode(`${p.base}${names ? " with " + names : ""} `));
    const rm = el("button", { type: "button" }, "Unpin");
    rm.addEventListener("click", () => { state.pins.splice(i, 1); renderPins(); });
    li.append(rm); return li;
  }));
  if (state.pins.length) compareInto(state.pins, "compare-table", "compare");
  else { document.getElementById("compare").replaceChildren(); document.getElementById("compare-table").replaceChildren(); }
}

function showClaim(i) {
  const claims = state.catalogue.claims;
  state.claim = (i + claims.length) % claims.length;
  const c = claims[state.claim];
  document.getElementById("claim-pick").value = String(state.claim);
  const box = document.getElementById("claim");
  // The ledger's cells come from the server already escaped (Markdown to safe HTML).
  box.innerHTML = `<h3>${c.number}: ${c.claim}</h3><p><strong>Scenarios:</strong> ${c.scenarios.join(", ")}. ` +
    `<strong>Metric:</strong> ${c.metric}.</p><p><strong>What the evidence says, and the verdict:</strong> ${c.verdict}</p>` +
    `<p><strong>Robustness over sets of the illustrative parameters:</strong> ${c.robustness}</p>`;
  compareInto(c.scenarios.map((name) => ({ base: name, changes: {} })), "claim-table", "claim-charts");
}

function tabs() {
  for (const b of document.querySelectorAll(".tabs button")) {
    b.addEventListener("click", () => {
      for (const o of document.querySelectorAll(".tabs button")) o.setAttribute("aria-selected", String(o === b));
      for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== "tab-" + b.dataset.tab;
      if (b.dataset.tab === "claims" && !document.getElementById("claim").textContent) showClaim(state.claim);
      if (state.body && !state.busy) detail(state.body);
    });
  }
}

async function start() {
  const response = await fetch("/api/catalogue");
  state.catalogue = await response.json();
  const base = document.getElementById("base");
  for (const s of state.catalogue.scenarios) base.append(el("option", { value: s.name }, s.name.replaceAll("_", " ")));
  base.addEventListener("change", () => loadBase(base.value));
  const pick = document.getElementById("claim-pick");
  state.catalogue.claims.forEach((c, i) => pick.append(el("option", { value: String(i) }, `${c.number}: ${plain(c.claim)}`)));
  pick.addEventListener("change", () => showClaim(Number(pick.value)));
  document.getElementById("claim-prev").addEventListener("click", () => showClaim(state.claim - 1));
  document.getElementById("claim-next").addEventListener("click", () => showClaim(state.claim + 1));
  document.getElementById("pin").addEventListener("click", () => {
    if (state.pins.length >= 4) { showError("Four regimens are pinned already: unpin one first."); return; }
    state.pins.push(settings()); renderPins();
  });
  document.getElementById("reset").addEventListener("click", () => loadBase(state.base));
  document.getElementById("download-scenario").addEventListener("click", () => download("/api/scenario", "scenario.yaml"));
  document.getElementById("download-report").addEventListener("click", () => download("/api/report", "report.html"));
  buildControls(); tabs();
  const wanted = new URLSearchParams(location.search).get("scenario");
  loadBase(state.catalogue.scenarios.some((s) => s.name === wanted) ? wanted : "combined");
}

document.addEventListener("DOMContentLoaded", start);
