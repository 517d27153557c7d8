/*
 * The operator dashboard: reads the platform's JSON API and renders with DOM calls only
 * (textContent and attributes, never innerHTML), so no text from a cluster, an event or an
 * approver's comment can become markup.
 */

type Attrs = Record<string, string | number | undefined>;
type Child = Node | string | null | undefined | false;

const SVG_NS = "http://www.w3.org/2000/svg";

function el(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const na = (): HTMLElement => el("span", { class: "na" }, "n/a");
const orNa = (v: string | number | undefined | null): Child => (v === undefined || v === null || v === "" ? na() : String(v));

interface Pool { name: string; mode: string; orchestratorVersion: string; nodeImageVersion?: string; count: number; provisioningState?: string }
interface OpSummary { operationId: string; kind?: string; status?: string; targetVersion?: string; position?: number }
interface Cluster {
  id: string; environment: string;
  observed?: { kubernetesVersion: string; pools: Pool[]; provisioningState?: string; at: string };
  activeOperation: OpSummary | null; queuedOperations: OpSummary[];
  conformance?: { score?: number }; budget?: { used?: number; limit?: number }; holds?: unknown[];
}
interface Health { [k: string]: unknown }
interface Step {
  index: number; name: string; kind: string; pool?: string; from: string; to: string; status: string;
  startedAt?: string; endedAt?: string; armOperationId?: string; polls?: number;
  healthBefore?: Health; healthAfter?: Health; error?: { code: string; message: string };
}
interface Approval { step: number; decision: string; approver: string; comment?: string; at: string; ignored?: boolean }
interface Operation {
  id: string; clusterId: string; kind: string; status: string; targetVersion?: string; queuePosition?: number;
  trigger: { type: string; by?: string }; steps: Step[]; approvals: Approval[];
  outcome?: { result: string; message: string; error?: { code: string; message: string } };
  timings: { createdAt: string; startedAt?: string; endedAt?: string; updatedAt: string };
}
interface PendingApproval { operationId: string; clusterId: string; step: number; scope: string; round: number; requestedAt: string; deadline: string; approveUrl: string; rejectUrl: string }
interface Finding { clusterId: string; category: string; rule: string; status: string; severity: string; evidence: string; observedAt: string; firstSeenAt?: string; lastSeenAt?: string; resolvedAt?: string }

/** `/api/dashboard/` → `/api/`. */
const API = new URL("../", document.baseURI).pathname;

async function getJson<T>(route: string): Promise<T> {
  const res = await fetch(route, { headers: { accept: "application/json" }, credentials: "same-origin" });
  if (!res.ok) throw new Error(`${route} answered ${res.status}`);
  return (await res.json()) as T;
}

/** `AKSUbuntu-2204gen2containerd-202511.10.0` → 2025-11-10. */
export function nodeImageDate(version: string | undefined): Date | undefined {
  const m = /(\d{4})(\d{2})\.(\d{2})\.\d+$/.exec(version ?? "");
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
}

function ageDays(version: string | undefined, now: number): string | undefined {
  const d = nodeImageDate(version);
  return d ? `${Math.max(0, Math.floor((now - d.getTime()) / 86_400_000))} d` : undefined;
}

function minorOf(v: string): number {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : 0;
}

function statusBadge(status: string | undefined): HTMLElement {
  return el("span", { class: `status status-${status ?? "unknown"}` }, status ?? "unknown");
}

function fleetTable(clusters: Cluster[], now: number): HTMLElement {
  const rows = clusters.flatMap((c) => {
    const pools = c.observed?.pools ?? [];
    const op = c.activeOperation;
    const first = el("tr", { "data-cluster": c.id },
      el("td", { rowspan: Math.max(1, pools.length) }, el("strong", {}, c.id)),
      el("td", { rowspan: Math.max(1, pools.length) }, c.environment),
      el("td", { rowspan: Math.max(1, pools.length) }, orNa(c.observed?.kubernetesVersion)),
      ...poolCells(pools[0], now),
      el("td", { rowspan: Math.max(1, pools.length) }, c.conformance?.score !== undefined ? String(c.conformance.score) : na()),
      el("td", { rowspan: Math.max(1, pools.length) }, c.budget?.used !== undefined ? `${c.budget.used}${c.budget.limit !== undefined ? ` / ${c.budget.limit}` : ""}` : na()),
      el("td", { rowspan: Math.max(1, pools.length) }, c.holds ? String(c.holds.length) : na()),
      el("td", { rowspan: Math.max(1, pools.length), class: "active-op" },
        op ? el("span", {}, `${op.kind ?? "?"} `, statusBadge(op.status), op.targetVersion ? ` → ${op.targetVersion}` : "") : el("span", { class: "empty" }, "idle"),
        c.queuedOperations.length > 0 ? el("div", {}, `${c.queuedOperations.length} queued`) : null)
    );
    return [first, ...pools.slice(1).map((p) => el("tr", { "data-cluster": c.id }, ...poolCells(p, now)))];
  });
  return el("table", { id: "fleet-table" },
    el("thead", {}, el("tr", {}, ...["cluster", "environment", "control plane", "pool", "pool version", "node image", "image age", "conformance", "budget", "holds", "operation"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows));
}

function poolCells(p: Pool | undefined, now: number): HTMLElement[] {
  if (!p) return [el("td", {}, na()), el("td", {}, na()), el("td", {}, na()), el("td", {}, na())];
  return [
    el("td", {}, `${p.name} (${p.mode}, ${p.count})`),
    el("td", {}, p.orchestratorVersion),
    el("td", {}, orNa(p.nodeImageVersion)),
    el("td", {}, orNa(ageDays(p.nodeImageVersion, now)))
  ];
}

/** One row per cluster: control plane and each pool on a minor-version axis; a pool two minors behind is skew AKS would refuse to widen. */
function fleetChart(clusters: Cluster[]): SVGElement {
  const versions = clusters.flatMap((c) => [c.observed?.kubernetesVersion, ...(c.observed?.pools ?? []).map((p) => p.orchestratorVersion)]).filter((v): v is string => !!v);
  const minors = [...new Set(versions.map(minorOf))].sort((a, b) => a - b);
  const lo = (minors[0] ?? 0) - 1, hi = (minors[minors.length - 1] ?? 0) + 1;
  const left = 110, width = 560, rowH = 34, top = 24;
  const x = (v: string): number => left + ((minorOf(v) - lo) / Math.max(1, hi - lo)) * (width - left - 20);
  const height = top + rowH * clusters.length + 10;
  const chart = svg("svg", { id: "version-chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Kubernetes versions and skew per cluster" });
  chart.append(svg("title", {}, "Kubernetes versions and skew per cluster"));
  for (let m = lo + 1; m < hi; m++) {
    const label = `${Math.floor(m / 1000)}.${m % 1000}`;
    const gx = x(label);
    chart.append(svg("line", { x1: gx, x2: gx, y1: top - 6, y2: height - 6, stroke: "#d5dae0" }), svg("text", { x: gx, y: 12, "text-anchor": "middle" }, label));
  }
  clusters.forEach((c, i) => {
    const y = top + i * rowH + rowH / 2;
    const g = svg("g", { "data-cluster": c.id });
    g.append(svg("text", { x: 4, y: y + 4 }, c.id));
    const cp = c.observed?.kubernetesVersion;
    if (cp) {
      for (const p of c.observed?.pools ?? []) {
        const skew = minorOf(cp) - minorOf(p.orchestratorVersion);
        const colour = skew >= 2 ? "#cf222e" : skew === 1 ? "#9a6700" : "#1a7f37";
        g.append(svg("line", { x1: x(p.orchestratorVersion), x2: x(cp), y1: y, y2: y, stroke: colour, "stroke-width": 3 }));
        g.append(svg("circle", { cx: x(p.orchestratorVersion), cy: y + 8, r: 4, fill: colour }, svg("title", {}, `${p.name}: ${p.orchestratorVersion} (skew ${skew})`)));
      }
      g.append(svg("rect", { x: x(cp) - 5, y: y - 9, width: 10, height: 10, fill: "#0969da" }, svg("title", {}, `control plane ${cp}`)));
      g.append(svg("text", { x: x(cp) + 9, y: y - 1 }, cp));
    }
    chart.append(g);
  });
  return chart;
}

const STEP_COLOURS: Record<string, string> = { Succeeded: "#1a7f37", Running: "#0969da", Failed: "#cf222e", Pending: "#d5dae0", Skipped: "#adb5bd", AwaitingApproval: "#9a6700" };

/** Steps as bars on the operation's time axis; approvals as diamonds. */
function operationTimeline(op: Operation, now: number): SVGElement {
  const t = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);
  const start = t(op.timings.startedAt) ?? t(op.timings.createdAt) ?? now;
  const end = Math.max(t(op.timings.endedAt) ?? now, ...op.steps.map((s) => t(s.endedAt) ?? t(s.startedAt) ?? start), start + 1);
  const left = 150, width = 640, rowH = 20, top = 8;
  const x = (ms: number): number => left + ((ms - start) / (end - start)) * (width - left - 10);
  const height = top + rowH * Math.max(1, op.steps.length) + 22;
  const chart = svg("svg", { class: "timeline", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `timeline of ${op.id}` });
  op.steps.forEach((s, i) => {
    const y = top + i * rowH;
    chart.append(svg("text", { x: 4, y: y + 13 }, `${s.index + 1}. ${s.kind === "controlPlane" ? "control plane" : `pool ${s.pool ?? "?"}`}`));
    const s0 = t(s.startedAt);
    if (s0 !== undefined) {
      const s1 = t(s.endedAt) ?? (s.status === "Running" ? now : s0);
      chart.append(svg("rect", { class: `step step-${s.status}`, x: x(s0), y: y + 3, width: Math.max(2, x(s1) - x(s0)), height: rowH - 6, fill: STEP_COLOURS[s.status] ?? "#6e7781" },
        svg("title", {}, `${s.status} ${s.startedAt ?? ""} – ${s.endedAt ?? "…"}`)));
    }
  });
  for (const a of op.approvals) {
    const ax = x(Date.parse(a.at));
    const ay = top + Math.max(0, op.steps.findIndex((s) => s.index === a.step)) * rowH + rowH / 2;
    chart.append(svg("path", { d: `M${ax} ${ay - 6} L${ax + 6} ${ay} L${ax} ${ay + 6} L${ax - 6} ${ay} Z`, fill: a.decision === "approve" ? "#1a7f37" : "#cf222e" },
      svg("title", {}, `${a.decision} by ${a.approver} at ${a.at}`)));
  }
  chart.append(svg("text", { x: left, y: height - 4 }, new Date(start).toISOString()), svg("text", { x: width - 10, y: height - 4, "text-anchor": "end" }, new Date(end).toISOString()));
  return chart;
}

function health(h: Health | undefined): Child {
  if (!h) return na();
  const parts = Object.entries(h).filter(([, v]) => typeof v === "number" || typeof v === "boolean" || typeof v === "string").map(([k, v]) => `${k}=${String(v)}`);
  return parts.length > 0 ? parts.join(", ") : na();
}

function operationView(op: Operation, now: number, open: boolean): HTMLElement {
  const steps = el("table", { class: "steps" },
    el("thead", {}, el("tr", {}, ...["step", "change", "status", "started", "ended", "ARM operation", "health before", "health after", "error"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...op.steps.map((s) => el("tr", { "data-step": s.index },
      el("td", {}, `${s.index + 1}. ${s.name}`), el("td", {}, `${s.from} → ${s.to}`), el("td", {}, statusBadge(s.status)),
      el("td", {}, orNa(s.startedAt)), el("td", {}, orNa(s.endedAt)), el("td", {}, orNa(s.armOperationId)),
      el("td", {}, health(s.healthBefore)), el("td", {}, health(s.healthAfter)),
      el("td", { class: "error" }, s.error ? `${s.error.code}: ${s.error.message}` : "")))));
  const approvals = op.approvals.length === 0 ? null : el("ul", { class: "approvals" },
    ...op.approvals.map((a) => el("li", {}, `step ${a.step + 1}: ${a.decision} by ${a.approver} at ${a.at}${a.comment ? ` (“${a.comment}”)` : ""}${a.ignored ? " [ignored]" : ""}`)));
  const details = el("details", { class: "op", "data-operation": op.id, ...(open ? { open: "" } : {}) },
    el("summary", {}, el("strong", {}, op.id), " ", statusBadge(op.status), ` ${op.kind} on ${op.clusterId}`,
      op.targetVersion ? ` → ${op.targetVersion}` : "", op.queuePosition ? ` (queue position ${op.queuePosition})` : "",
      ` · ${op.steps.filter((s) => s.status === "Succeeded").length}/${op.steps.length} steps`),
    el("div", {}, `trigger: ${op.trigger.type}${op.trigger.by ? ` by ${op.trigger.by}` : ""} · created ${op.timings.createdAt}${op.timings.endedAt ? ` · ended ${op.timings.endedAt}` : ""}`),
    op.outcome ? el("div", { class: op.outcome.error ? "error" : "" }, `outcome: ${op.outcome.result}: ${op.outcome.message}`) : null,
    op.steps.length > 0 ? operationTimeline(op, now) : null,
    op.steps.length > 0 ? steps : null,
    approvals);
  return details;
}

function approvalsView(list: PendingApproval[]): HTMLElement {
  if (list.length === 0) return el("p", { class: "empty" }, "No approval is pending.");
  return el("table", { id: "approvals-table" },
    el("thead", {}, el("tr", {}, ...["operation", "cluster", "for", "requested", "deadline", "decide"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...list.map((a) => el("tr", { "data-operation": a.operationId },
      el("td", {}, a.operationId), el("td", {}, a.clusterId), el("td", {}, a.scope === "upgrade" ? "whole upgrade" : `step ${a.step + 1}`),
      el("td", {}, a.requestedAt), el("td", {}, a.deadline),
      el("td", {}, a.approveUrl && a.rejectUrl ? el("span", {}, el("a", { class: "button approve", href: a.approveUrl }, "Approve…"), el("a", { class: "button reject", href: a.rejectUrl }, "Reject…")) : el("span", { class: "no-right" }, "approvers decide (Teams card)"))))));
}

function findingsView(list: Finding[] | undefined): HTMLElement {
  if (!list) return el("p", { class: "na" }, "n/a");
  if (list.length === 0) return el("p", { class: "empty" }, "No findings recorded yet.");
  return el("table", { id: "findings-table" },
    el("thead", {}, el("tr", {}, ...["cluster", "category", "rule", "status", "severity", "evidence", "first seen", "last seen", "resolved"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...list.map((f) => el("tr", {}, el("td", {}, f.clusterId), el("td", {}, f.category), el("td", {}, f.rule), el("td", {}, statusBadge(f.status)), el("td", {}, f.severity), el("td", {}, f.evidence),
      el("td", {}, f.firstSeenAt ?? f.observedAt), el("td", {}, f.lastSeenAt ?? f.observedAt), el("td", {}, f.resolvedAt ?? "")))));
}

function replace(id: string, node: Node): void {
  document.getElementById(id)?.replaceChildren(node);
}

async function refresh(): Promise<void> {
  const state = document.getElementById("refresh-state");
  try {
    const [clusters, ops, approvals, findings] = await Promise.all([
      getJson<{ value: Cluster[] }>(`${API}clusters`),
      getJson<{ value: Operation[] }>(`${API}operations`),
      getJson<{ value: PendingApproval[]; now?: string }>(`${API}dashboard/data/approvals`),
      getJson<{ value: Finding[] }>(`${API}dashboard/data/findings`).catch(() => undefined)
    ]);
    const now = approvals.now ? Date.parse(approvals.now) : Date.now();
    const openIds = new Set([...document.querySelectorAll<HTMLDetailsElement>("details.op[open]")].map((d) => d.dataset.operation));
    const fleet = [...clusters.value].sort((a, b) => a.id.localeCompare(b.id));
    replace("fleet-chart", fleetChart(fleet));
    replace("fleet", fleetTable(fleet, now));
    replace("approvals", approvalsView(approvals.value));
    const active = ops.value.filter((o) => !o.timings.endedAt);
    const done = ops.value.filter((o) => o.timings.endedAt);
    replace("operations", el("div", {},
      el("h3", {}, `Queue and running (${active.length})`),
      active.length === 0 ? el("p", { class: "empty" }, "Nothing running.") : el("div", { id: "active-operations" }, ...active.map((o) => operationView(o, now, openIds.has(o.id) || o.status === "Running" || o.status === "AwaitingApproval"))),
      el("h3", {}, `History (${done.length})`),
      el("div", { id: "operation-history" }, ...done.map((o) => operationView(o, now, openIds.has(o.id))))));
    replace("findings", findingsView(findings?.value));
    if (state) state.textContent = `updated ${new Date(now).toISOString()}`;
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? "0") + 1);
  } catch (err) {
    if (state) state.textContent = `refresh failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

const every = Number(new URLSearchParams(location.search).get("refresh") ?? "5000");
/**
 * One refresh at a time: on a slow API (a loaded host, a large fleet) ticks that find the previous
 * refresh still running skip, instead of piling up requests whose stale answers land last.
 */
let refreshing = false;
async function refreshOnce(): Promise<void> {
  if (refreshing) return;
  refreshing = true;
  try {
    await refresh();
  } finally {
    refreshing = false;
  }
}
void refreshOnce();
setInterval(() => { void refreshOnce(); }, Number.isFinite(every) && every >= 200 ? every : 5000);
