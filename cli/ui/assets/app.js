// use-durable UI: the executions list and one execution's timeline, in plain JS (no framework, no
// CDN). Every value from the engine reaches the page through esc() or textContent, never as markup.
// Mutations send the run's token (from <meta name="ud-token">) in a header; the server refuses
// them without it.

const token = document.querySelector('meta[name="ud-token"]').content;
const app = document.getElementById("app");
const TERMINAL = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED", "CANCELLED"]);
const COLLAPSE_AT = 2000;

const state = { view: "list", arn: "", selected: "", status: "", fn: "", detail: null, list: null };

function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function duration(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} m`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const time = (ms) => new Date(ms).toLocaleString();

async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json", "x-use-durable-token": token }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  const json = await response.json();
  if (!response.ok) throw new Error(json.error ? `${json.error.type}: ${json.error.message}` : `HTTP ${response.status}`);
  return json;
}

// ---- routing and refresh ------------------------------------------------------------------------

function route() {
  const hash = location.hash.replace(/^#/, "");
  const match = /^\/execution\/(.+)$/.exec(hash);
  if (match) {
    const arn = decodeURIComponent(match[1]);
    if (arn !== state.arn) state.selected = "";
    Object.assign(state, { view: "execution", arn });
  } else {
    const query = new URLSearchParams(hash.split("?")[1] ?? "");
    Object.assign(state, { view: "list", arn: "", status: query.get("status") ?? "", fn: query.get("function") ?? "" });
  }
  refresh();
}

let inflight = false;
let again = false;
async function refresh() {
  if (inflight) return void (again = true);
  inflight = true;
  try {
    if (state.view === "list") {
      const query = new URLSearchParams();
      if (state.status) query.set("status", state.status);
      if (state.fn) query.set("function", state.fn);
      state.list = await api(`/api/executions?${query}`);
      if (state.view === "list") renderList();
    } else {
      const arn = state.arn;
      state.detail = await api(`/api/execution?arn=${encodeURIComponent(arn)}`);
      if (state.arn === arn) renderExecution();
    }
  } catch (error) {
    app.replaceChildren(el("p", { class: "msg", text: String(error.message ?? error) }));
  } finally {
    inflight = false;
    if (again) {
      again = false;
      refresh();
    }
  }
}

function listen() {
  const live = document.getElementById("live");
  const source = new EventSource("/api/events");
  source.addEventListener("open", () => live.classList.add("on"));
  source.addEventListener("error", () => live.classList.remove("on"));
  source.addEventListener("change", (event) => {
    const { arns } = JSON.parse(event.data);
    if (state.view === "list" || arns.includes(state.arn)) refresh();
  });
}

// ---- the executions list ------------------------------------------------------------------------

function renderList() {
  const { functions, executions } = state.list;
  const status = el("select", { "aria-label": "status", onchange: (e) => filter({ status: e.target.value }) });
  for (const s of ["", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"]) status.append(el("option", { value: s, text: s || "any status" }));
  status.value = state.status;
  const fn = el("select", { "aria-label": "function", onchange: (e) => filter({ fn: e.target.value }) });
  for (const f of ["", ...functions]) fn.append(el("option", { value: f, text: f || "any function" }));
  fn.value = state.fn;
  const filters = el("div", { class: "filters" }, el("span", { text: "Executions" }), status, fn, el("span", { class: "live", text: `${executions.length} shown` }));
  if (executions.length === 0) return app.replaceChildren(filters, el("p", { class: "empty", text: "No executions yet." }));
  const now = Date.now();
  const rows = executions
    .map((x) => `<tr data-arn="${esc(x.arn)}"><td><span class="badge s-${esc(x.status)}">${esc(x.status)}</span>${x.waiting ? ' <span class="badge s-PENDING">waiting</span>' : ""}</td><td>${esc(x.function)}</td>` +
      `<td><a href="#/execution/${esc(encodeURIComponent(x.arn))}">${esc(x.name)}</a></td><td>${esc(time(x.start))}</td><td>${esc(duration((x.end ?? now) - x.start))}${x.end ? "" : " …"}</td></tr>`)
    .join("");
  const table = el("table", { class: "list" });
  table.innerHTML = `<thead><tr><th>Status</th><th>Function</th><th>Name</th><th>Started</th><th>Duration</th></tr></thead><tbody>${rows}</tbody>`;
  app.replaceChildren(filters, table);
}

function filter(change) {
  const next = { status: state.status, fn: state.fn, ...change };
  const query = new URLSearchParams();
  if (next.status) query.set("status", next.status);
  if (next.fn) query.set("function", next.fn);
  location.hash = `#/?${query}`;
}

// ---- one execution ------------------------------------------------------------------------------

/** Depth-first order: each operation under its parent, children in creation order. */
function tree(operations) {
  const children = new Map();
  const ids = new Set(operations.map((op) => op.id));
  for (const op of operations) {
    const parent = op.parentId && ids.has(op.parentId) ? op.parentId : "";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(op);
  }
  const out = [];
  const walk = (parent, depth) => {
    for (const op of children.get(parent) ?? []) {
      out.push([op, depth]);
      walk(op.id, depth + 1);
    }
  };
  walk("", 0);
  return out;
}

function bars(op, x, now) {
  const bar = (cls, from, to, title) => `<div class="bar ${cls}" style="left:${x(from)}%;width:${Math.max(0, x(to) - x(from))}%" title="${esc(title)}"></div>`;
  const end = op.end ?? now;
  if (op.type === "CONTEXT") return op.start === undefined ? "" : bar(`ctx ${op.status === "FAILED" ? "failed" : ""}`, op.start, end, `${op.subType ?? "context"} ${duration(end - op.start)}`);
  let html = "";
  if (op.segments.length > 0) {
    let last;
    op.segments.forEach((s, i) => {
      if (last !== undefined) html += bar("gap", last, s.start, `retry wait ${duration(s.start - last)}`);
      const to = s.end ?? now;
      html += bar(s.outcome, s.start, to, `attempt ${i + 1}: ${s.outcome} ${duration(to - s.start)}`);
      last = to;
    });
    if (op.status === "PENDING" && last !== undefined) html += bar("pending", last, Math.min(op.nextAttempt ?? now, now), `retry at ${op.nextAttempt ? time(op.nextAttempt) : "?"}`);
    return html;
  }
  if (op.start === undefined) return "";
  const waiting = !TERMINAL.has(op.status) && op.type !== "STEP";
  const cls = waiting ? "pending" : op.status === "SUCCEEDED" ? "" : op.status === "FAILED" || op.status === "TIMED_OUT" ? "failed" : op.status === "STARTED" ? "running" : "stopped";
  const what = waiting ? (op.type === "WAIT" && op.scheduledEnd ? `waiting until ${time(op.scheduledEnd)}` : `pending ${op.type.toLowerCase()}`) : `${op.status.toLowerCase()} ${duration(end - op.start)}`;
  return bar(cls, op.start, end, what);
}

function renderExecution() {
  performance.mark("ud-render-start");
  const { execution, operations, now } = state.detail;
  const from = execution.start;
  const to = Math.max(execution.end ?? now, from + 1);
  const x = (t) => Math.min(100, Math.max(0, ((t - from) / (to - from)) * 100));

  const head = el("div", {},
    el("h1", { text: execution.name }),
    el("div", { class: "meta" },
      el("span", { class: `badge s-${execution.status}`, text: execution.status }),
      el("span", { text: `function ${execution.function}` }),
      el("span", { text: `started ${time(execution.start)}` }),
      el("span", { text: `duration ${duration((execution.end ?? now) - execution.start)}` }),
      el("a", { href: "#/", text: "all executions" }),
      execution.status === "RUNNING" ? el("button", { class: "danger", id: "stop", text: "Stop", onclick: stop }) : null));

  let ticks = "";
  for (let i = 0; i <= 4; i++) ticks += `<span style="left:${i * 25}%">${esc(duration(((to - from) * i) / 4))}</span>`;
  const rows = tree(operations)
    .map(([op, depth]) => `<div class="row${op.id === state.selected ? " sel" : ""}" data-id="${esc(op.id)}" data-depth="${depth}" data-type="${esc(op.type)}"><div class="label" style="padding-left:${6 + depth * 14}px">` +
      `<span class="badge s-${esc(op.status)}">${esc(op.status)}</span> <span title="${esc(op.id)}">${esc(op.name ?? `(${(op.subType ?? op.type).toLowerCase()})`)}</span><span class="t">${esc((op.subType ?? op.type).toLowerCase())}</span></div>` +
      `<div class="track">${bars(op, x, now)}</div></div>`)
    .join("");
  const timeline = el("div", { class: "timeline", id: "timeline" });
  timeline.innerHTML = `<div class="axis"><div class="label">operation</div><div class="track">${ticks}</div></div>${rows || '<p class="empty">No operations yet.</p>'}`;
  timeline.addEventListener("click", (event) => {
    const row = event.target.closest(".row");
    if (!row) return;
    state.selected = row.dataset.id;
    timeline.querySelector(".row.sel")?.classList.remove("sel");
    row.classList.add("sel");
    panel.replaceChildren(...details());
  });
  const panel = el("aside", { class: "panel", id: "panel" }, ...details());
  app.replaceChildren(head, el("div", { class: "split" }, timeline, panel));
  void app.offsetHeight; // layout belongs to the measured render
  performance.measure("ud-render", "ud-render-start");
}

function payload(label, text) {
  if (text === undefined || text === null) return [];
  let shown = typeof text === "string" ? text : JSON.stringify(text, null, 2);
  if (typeof text === "string") {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON: shown as it is
    }
  }
  const pre = el("pre", { class: "payload", text: shown });
  if (shown.length <= COLLAPSE_AT) return [el("h3", { text: label }), pre];
  return [el("details", {}, el("summary", { text: `${label} (${(shown.length / 1024).toFixed(1)} KB, collapsed)` }), pre)];
}

function details() {
  const { execution, operations } = state.detail;
  const op = operations.find((o) => o.id === state.selected);
  if (!op) {
    return [el("h2", { text: "Execution" }), ...payload("Input", execution.input), ...payload("Result", execution.result), ...payload("Error", execution.error), el("p", { class: "empty", text: "Select an operation in the timeline." })];
  }
  const dl = el("dl");
  const row = (k, v) => v !== undefined && v !== "" && dl.append(el("dt", { text: k }), el("dd", { text: String(v) }));
  row("type", op.subType ? `${op.type} (${op.subType})` : op.type);
  row("status", op.status);
  row("id", op.id);
  row("attempts", op.attempt ?? (op.segments.length || undefined));
  row("source", op.location ?? "(no manifest)");
  row("started", op.start !== undefined ? time(op.start) : undefined);
  row("duration", op.start !== undefined ? duration((op.end ?? state.detail.now) - op.start) : undefined);
  row("next attempt", op.nextAttempt ? time(op.nextAttempt) : undefined);
  row("wait until", op.scheduledEnd ? time(op.scheduledEnd) : undefined);
  row("callback id", op.callbackId);
  const out = [el("h2", { text: op.name ?? op.id }), dl, ...payload("Input", op.input), ...payload("Result", op.result), ...payload("Error", op.error)];
  if (op.type === "CALLBACK" && op.status === "STARTED") out.push(answerBox(op));
  return out;
}

function answerBox(op) {
  const box = el("textarea", { id: "callback-payload", placeholder: "payload (JSON or text); for Fail: the error message" });
  const msg = el("div", { class: "msg" });
  const answer = (outcome) => async () => {
    try {
      await api("/api/callback", { callbackId: op.callbackId, outcome, payload: box.value });
      msg.textContent = "";
      refresh();
    } catch (error) {
      msg.textContent = String(error.message ?? error);
    }
  };
  return el("div", {}, el("h3", { text: "Answer this callback" }), box,
    el("div", { class: "actions" }, el("button", { class: "primary", id: "callback-succeed", text: "Succeed", onclick: answer("succeed") }), el("button", { class: "danger", id: "callback-fail", text: "Fail", onclick: answer("fail") })), msg);
}

async function stop() {
  if (!confirm(`Stop ${state.detail.execution.name}?`)) return;
  try {
    await api("/api/stop", { arn: state.arn });
    refresh();
  } catch (error) {
    alert(String(error.message ?? error));
  }
}

window.addEventListener("hashchange", route);
route();
listen();
