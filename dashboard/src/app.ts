/*
 * The operator dashboard: reads the platform's JSON API and renders with DOM calls only
 * (textContent and attributes, never innerHTML), so no text from a cluster, an event or an
 * approver's comment can become markup.
 *
 * Views (hash routes, so a view is a URL one can send): `#/` the fleet, with the pending approvals,
 * the operations (filtered by `cluster` and `status` in the hash's query, paged as the API pages) and
 * the findings; `#/clusters/{id}` one cluster: its conformance report grouped by rule group, its
 * governance and its operations.
 *
 * Refresh: the cheap reads (clusters, the active operations, the first page of the history,
 * approvals, holds) every `?refresh=` ms (default 5 s); the per-cluster reads that make ARM
 * requests (conformance, governance with the budget) every `?detail=` ms (default 60 s), at most
 * three at a time.
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
const pending = (what: string): HTMLElement => el("span", { class: "loading" }, what);

interface Pool { name: string; mode: string; orchestratorVersion: string; nodeImageVersion?: string; count: number; provisioningState?: string }
interface OpSummary { operationId: string; kind?: string; status?: string; targetVersion?: string; position?: number }
interface Cluster {
  id: string; environment: string;
  observed?: { kubernetesVersion: string; pools: Pool[]; provisioningState?: string; at: string };
  activeOperation: OpSummary | null; queuedOperations: OpSummary[];
  findings?: { open: number; bySeverity: Record<string, number> };
}
interface Health { [k: string]: unknown }
interface Step {
  index: number; name: string; kind: string; pool?: string; from: string; to: string; status: string;
  startedAt?: string; endedAt?: string; armOperationId?: string; polls?: number;
  healthBefore?: Health; healthAfter?: Health; error?: { code: string; message: string };
}
interface Approval { step: number; decision: string; approver: string; comment?: string; at: string; ignored?: boolean }
interface ReadinessCheck { id: string; status: string; evidence: string }
interface Operation {
  id: string; clusterId: string; kind: string; status: string; targetVersion?: string; queuePosition?: number;
  trigger: { type: string; by?: string }; steps: Step[]; approvals: Approval[];
  /** The readiness report stored on the plan before any approval (issue 30). */
  plan?: { target: string; readiness?: { targetVersion: string; checks: ReadinessCheck[] } };
  forceUpgrade?: { step: number; approvedBy: string; approvedAt: string; until: string; comment?: string; clearedAt?: string };
  cordonedNodes?: { step: number; pool: string; nodes: string[] }[];
  outcome?: { result: string; message: string; error?: { code: string; message: string } };
  timings: { createdAt: string; startedAt?: string; endedAt?: string; updatedAt: string };
}
interface PendingApproval { operationId: string; clusterId: string; step: number; scope: string; round: number; requestedAt: string; deadline: string; approveUrl?: string; rejectUrl?: string }
interface Caller { mayDecide: boolean; reason?: string }
interface Hold { clusterId: string; id: string; reason: string; since: string; heldTargets: string[]; releaseUrl?: string }
interface Finding { clusterId: string; category: string; rule: string; status: string; severity: string; evidence: string; observedAt: string; firstSeenAt?: string; lastSeenAt?: string; resolvedAt?: string }
interface RuleResult {
  id: string; number: number; title: string; path: string; expected: string; severity: string; citation: string; source: string;
  remediation: string; status: string; evidence: string; group?: string;
  finding?: { status: string; firstSeenAt?: string; lastSeenAt?: string; resolvedAt?: string };
}
interface Conformance {
  clusterId: string; evaluatedAt: string;
  summary: { total: number; pass: number; fail: number; notApplicable: number; failing: Record<string, number> };
  rules: RuleResult[];
}
interface Budget { name?: string; amount?: number; currentSpend?: number; forecastSpend?: number; timeGrain?: string; missing?: boolean; unreadable?: string }
interface GovernanceFinding { id: string; category: string; rule: string; severity?: string; evidence: string; firstSeenAt?: string; resolvedAt?: string; operationId?: string }
interface Governance {
  findings: { open: number; bySeverity: Record<string, number>; items: GovernanceFinding[]; resolved: GovernanceFinding[] };
  budget: Budget;
  alerts: { threshold: number; thresholdType: string; amount: number; spent: number; forecast?: number; actions: string[]; reason: string; receivedAt: string; firedAt?: string }[];
  holds: { id: string; reason: string; since: string; heldTargets: string[]; releasedAt?: string; releasedBy?: string }[];
}
/**
 * A per-cluster read: its value, or why it failed. A refresh that fails after a good read keeps the
 * good value (its report carries its own time) with `failed` saying why, so a throttled ARM (the
 * API answers 503 with Retry-After) never blanks what the page already shows; `notBefore` is when
 * the API said to ask again.
 */
type Loaded<T> = ({ ok: true; value: T; failed?: string } | { ok: false; error: string }) & { at: number; notBefore?: number };
/** `GET /api/operations` with or without paging: `{ value, continuationToken? }`. */
interface OperationPage { value: Operation[]; continuationToken?: string | null; nextLink?: string }

/** `/api/dashboard/` → `/api/`. */
const API = new URL("../", document.baseURI).pathname;
const params = new URLSearchParams(location.search);
const numberParam = (name: string, fallback: number, min: number): number => {
  const v = Number(params.get(name) ?? fallback);
  return Number.isFinite(v) && v >= min ? v : fallback;
};
const EVERY_MS = numberParam("refresh", 5000, 200);
const DETAIL_MS = numberParam("detail", 60_000, 200);
const PAGE_SIZE = numberParam("page", 20, 1);

const ACTIVE = ["Pending", "Queued", "Running", "AwaitingApproval"];
const TERMINAL = ["Succeeded", "Failed", "Rejected", "Expired", "Cancelled", "Blocked"];
const STATUSES = [...ACTIVE, ...TERMINAL];
const SEVERITIES = ["high", "medium", "low", "info"];

/** A non-2xx answer, with its Retry-After (seconds, as the API sends it on 503/429) in ms. */
class HttpError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

async function getJson<T>(route: string): Promise<T> {
  const res = await fetch(route, { headers: { accept: "application/json" }, credentials: "same-origin" });
  if (!res.ok) {
    const retryAfter = Number(res.headers.get("retry-after") ?? Number.NaN);
    throw new HttpError(`${route} answered ${res.status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  return (await res.json()) as T;
}

// ---------------------------------------------------------------- times

/** `12 min ago`, `in 3 h 59 min`, `2 d 4 h ago`: relative to the platform's clock (locally possibly virtual). */
export function relative(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const diff = t - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return diff >= 0 ? "in less than a minute" : "just now";
  const minutes = Math.round(abs / 60_000);
  const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
  const text = d > 0 ? `${d} d${h > 0 ? ` ${h} h` : ""}` : h > 0 ? `${h} h${m > 0 ? ` ${m} min` : ""}` : `${m} min`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The exact instant, as UTC and in the viewer's time zone. */
export function exact(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return `${new Date(t).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC")} (${LOCAL.format(new Date(t))} local)`;
}

/**
 * A `<time>`: relative text (older than a day: the viewer's local date and time), the exact UTC
 * time on hover. A deadline within the hour is `soon`, within 15 minutes `urgent`, past `overdue`.
 */
function when(iso: string | undefined, now: number, opts: { deadline?: boolean } = {}): HTMLElement {
  if (!iso) return na();
  const t = Date.parse(iso);
  const old = Number.isFinite(t) && now - t > 86_400_000 && !opts.deadline;
  let cls = "time";
  if (opts.deadline && Number.isFinite(t)) {
    const left = t - now;
    cls += left < 0 ? " overdue" : left < 15 * 60_000 ? " urgent" : left < 60 * 60_000 ? " soon" : "";
  }
  return el("time", { datetime: iso, title: exact(iso), class: cls }, old ? LOCAL.format(new Date(t)) : relative(iso, now));
}

// ---------------------------------------------------------------- formatting

const MONEY = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

/** `$412 of $1,500, forecast $1,380`. */
export function budgetText(b: Budget): string {
  if (b.missing) return "no budget";
  if (b.unreadable) return "budget unreadable";
  if (b.amount === undefined) return "no amount";
  const spent = b.currentSpend !== undefined ? MONEY.format(b.currentSpend) : "?";
  return `${spent} of ${MONEY.format(b.amount)}${b.forecastSpend !== undefined ? `, forecast ${MONEY.format(b.forecastSpend)}` : ""}`;
}

function budgetCell(b: Budget): HTMLElement {
  const over = b.amount !== undefined && (b.currentSpend ?? 0) > b.amount;
  const forecastOver = b.amount !== undefined && (b.forecastSpend ?? 0) > b.amount;
  return el("span", { class: `budget${over ? " bad" : forecastOver ? " warn" : ""}`, ...(b.unreadable ? { title: b.unreadable } : {}) }, budgetText(b));
}

function failingText(failing: Record<string, number>): string {
  return SEVERITIES.filter((s) => (failing[s] ?? 0) > 0).map((s) => `${failing[s] ?? 0} ${s}`).join(" · ");
}

function conformanceCell(c: Conformance, clusterId: string): HTMLElement {
  const judged = c.summary.pass + c.summary.fail;
  const failing = failingText(c.summary.failing);
  return el("a", { class: "conformance", href: `#/clusters/${encodeURIComponent(clusterId)}`, title: `${c.summary.pass} of ${judged} judged rules pass (${c.summary.notApplicable} not applicable); evaluated ${exact(c.evaluatedAt)}` },
    el("span", { class: "score" }, `${c.summary.pass}/${judged}`),
    failing ? el("span", { class: `failing${(c.summary.failing.high ?? 0) > 0 ? " bad" : " warn"}` }, ` failing: ${failing}`) : el("span", { class: "ok" }, " all pass"));
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

// ---------------------------------------------------------------- state

const state = {
  now: Date.now(),
  caller: { mayDecide: false } as Caller,
  clusters: [] as Cluster[],
  active: [] as Operation[],
  history: [] as Operation[],
  historyToken: undefined as string | undefined,
  /** How many history entries are shown (a page at a time). */
  historyShown: PAGE_SIZE,
  /** The filter the history above was read with. */
  historyKey: "",
  approvals: [] as PendingApproval[],
  holds: [] as Hold[],
  findings: undefined as Finding[] | undefined,
  conformance: new Map<string, Loaded<Conformance>>(),
  governance: new Map<string, Loaded<Governance>>(),
  /** Operations with an open cancel confirmation (re-renders keep it open), and cancel answers. */
  confirming: new Map<string, string>(),
  cancelled: new Map<string, string>(),
  cancelError: new Map<string, string>()
};

interface Route { view: "fleet" | "cluster"; clusterId?: string; cluster?: string; status?: string }

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const q = new URLSearchParams(query);
  const filters = { ...(q.get("cluster") ? { cluster: q.get("cluster") ?? "" } : {}), ...(q.get("status") ? { status: q.get("status") ?? "" } : {}) };
  const m = /^\/clusters\/([^/]+)\/?$/.exec(path);
  if (m?.[1]) return { view: "cluster", clusterId: decodeURIComponent(m[1]), ...filters };
  return { view: "fleet", ...filters };
}

const route = (): Route => parseRoute(location.hash);

function filterHash(r: Route, change: { cluster?: string; status?: string }): string {
  const next = { cluster: r.cluster, status: r.status, ...change };
  const q = new URLSearchParams();
  if (next.cluster) q.set("cluster", next.cluster);
  if (next.status) q.set("status", next.status);
  const base = r.view === "cluster" && r.clusterId ? `#/clusters/${encodeURIComponent(r.clusterId)}` : "#/";
  return q.toString() ? `${base}?${q.toString()}` : base;
}

// ---------------------------------------------------------------- fleet

function fleetTable(clusters: Cluster[], now: number): HTMLElement {
  const rows = clusters.flatMap((c) => {
    const pools = c.observed?.pools ?? [];
    const op = c.activeOperation;
    const span = Math.max(1, pools.length);
    const conformance = state.conformance.get(c.id);
    const governance = state.governance.get(c.id);
    const holds = state.holds.filter((h) => h.clusterId === c.id);
    const first = el("tr", { "data-cluster": c.id },
      el("td", { rowspan: span }, el("a", { class: "cluster-link", href: `#/clusters/${encodeURIComponent(c.id)}` }, el("strong", {}, c.id))),
      el("td", { rowspan: span }, c.environment),
      el("td", { rowspan: span }, orNa(c.observed?.kubernetesVersion)),
      ...poolCells(pools[0], now),
      el("td", { rowspan: span, class: "conformance-cell" }, !conformance ? pending("evaluating…") : conformance.ok ? stillShown(conformanceCell(conformance.value, c.id), conformance.failed) : el("span", { class: "error", title: conformance.error }, "unavailable")),
      el("td", { rowspan: span, class: "budget-cell" }, !governance ? pending("reading…") : governance.ok ? stillShown(budgetCell(governance.value.budget), governance.failed) : el("span", { class: "error", title: governance.error }, "unavailable")),
      el("td", { rowspan: span, class: "holds-cell" }, holdsCell(holds)),
      el("td", { rowspan: span, class: "readiness-cell" }, readinessCell(latestUpgrade(c.id))),
      el("td", { rowspan: span, class: "active-op" },
        op ? el("span", {}, `${op.kind ?? "?"} `, statusBadge(op.status), op.targetVersion ? ` → ${op.targetVersion}` : "") : el("span", { class: "empty" }, "idle"),
        c.queuedOperations.length > 0 ? el("div", {}, `${c.queuedOperations.length} queued`) : null)
    );
    return [first, ...pools.slice(1).map((p) => el("tr", { "data-cluster": c.id }, ...poolCells(p, now)))];
  });
  return el("table", { id: "fleet-table" },
    el("thead", {}, el("tr", {}, ...["cluster", "environment", "control plane", "pool", "pool version", "node image", "image age", "conformance", "budget", "holds", "readiness", "operation"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows));
}

/** The cluster's pending upgrade operation, else its last one (Kubernetes or node image) the page has read. */
function latestUpgrade(clusterId: string): Operation | undefined {
  const upgrades = (ops: Operation[]): Operation[] => ops.filter((o) => o.clusterId === clusterId && (o.kind === "kubernetesUpgrade" || o.kind === "nodeImageRollout"));
  const byTime = (a: Operation, b: Operation): number => b.timings.createdAt.localeCompare(a.timings.createdAt);
  return upgrades(state.active).sort(byTime)[0] ?? upgrades(state.history).sort(byTime)[0];
}

/** Readiness of an upgrade operation as the fleet table shows it: the checks not passing, their evidence on hover. */
function readinessCell(op: Operation | undefined): HTMLElement {
  const checks = op?.plan?.readiness?.checks;
  if (!op || !checks) return el("span", { class: "empty" }, op ? "no report" : "none");
  const fails = checks.filter((c) => c.status === "fail");
  const warns = checks.filter((c) => c.status === "warn");
  const title = [...fails, ...warns].map((c) => `${c.status} ${c.id}: ${c.evidence}`).join("\n") || checks.map((c) => `${c.id}: ${c.evidence}`).join("\n");
  const verdict = fails.length > 0 ? el("span", { class: "bad" }, `${fails.length} fail (${fails.map((c) => c.id).join(", ")})`)
    : warns.length > 0 ? el("span", { class: "warn" }, `${warns.length} warn (${warns.map((c) => c.id).join(", ")})`)
      : el("span", { class: "ok" }, `all ${checks.length} pass`);
  return el("span", { title, "data-operation": op.id }, verdict, el("div", { class: "muted" }, `${op.kind === "nodeImageRollout" ? "node image" : `→ ${op.plan?.readiness?.targetVersion ?? "?"}`} · `, statusBadge(op.status)));
}

/** The readiness report on an operation's plan, each check with its evidence. */
function readinessTable(op: Operation): HTMLElement | null {
  const report = op.plan?.readiness;
  if (!report) return null;
  return el("div", { class: "readiness" }, el("strong", {}, `Readiness for ${report.targetVersion || "the plan"}`),
    el("table", {}, el("thead", {}, el("tr", {}, ...["check", "status", "evidence"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...report.checks.map((c) => el("tr", { "data-check": c.id }, el("td", {}, c.id), el("td", {}, statusBadge(c.status)), el("td", {}, c.evidence))))));
}

function holdsCell(holds: Hold[]): HTMLElement {
  if (holds.length === 0) return el("span", { class: "empty" }, "none");
  return el("div", {}, ...holds.map((h) => el("div", { class: "hold", "data-hold": h.id },
    el("span", { class: "warn" }, `held: ${h.reason}`),
    h.heldTargets.length > 0 ? ` (waiting: ${h.heldTargets.join(", ")})` : "",
    h.releaseUrl ? el("a", { class: "button release", href: h.releaseUrl }, "Release…") : null)));
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

// ---------------------------------------------------------------- operations

const STEP_COLOURS: Record<string, string> = { Succeeded: "#1a7f37", Running: "#0969da", Failed: "#cf222e", Pending: "#d5dae0", Skipped: "#adb5bd", AwaitingApproval: "#9a6700", Cancelled: "#6e7781", Blocked: "#9a6700" };
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Steps as bars on the operation's time axis; approvals as diamonds. Axis ends in the viewer's time zone, exact UTC on hover. */
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
        svg("title", {}, `${s.status} ${s.startedAt ? exact(s.startedAt) : ""} – ${s.endedAt ? exact(s.endedAt) : "…"}`)));
    }
  });
  for (const a of op.approvals) {
    const ax = x(Date.parse(a.at));
    const ay = top + Math.max(0, op.steps.findIndex((s) => s.index === a.step)) * rowH + rowH / 2;
    chart.append(svg("path", { d: `M${ax} ${ay - 6} L${ax + 6} ${ay} L${ax} ${ay + 6} L${ax - 6} ${ay} Z`, fill: a.decision === "approve" ? "#1a7f37" : "#cf222e" },
      svg("title", {}, `${a.decision} by ${a.approver} at ${exact(a.at)}`)));
  }
  const iso = (ms: number): string => new Date(ms).toISOString();
  chart.append(
    svg("text", { x: left, y: height - 4 }, CLOCK.format(new Date(start)), svg("title", {}, exact(iso(start)))),
    svg("text", { x: width - 10, y: height - 4, "text-anchor": "end" }, CLOCK.format(new Date(end)), svg("title", {}, exact(iso(end)))));
  return chart;
}

function health(h: Health | undefined): Child {
  if (!h) return na();
  const parts = Object.entries(h).filter(([, v]) => typeof v === "number" || typeof v === "boolean" || typeof v === "string").map(([k, v]) => `${k}=${String(v)}`);
  return parts.length > 0 ? parts.join(", ") : na();
}

function cancelControl(op: Operation): Child {
  if (!state.caller.mayDecide || !ACTIVE.includes(op.status)) return null;
  const answered = state.cancelled.get(op.id);
  if (answered) return el("span", { class: "cancel-answer" }, `cancel requested: `, statusBadge(answered));
  const error = state.cancelError.get(op.id);
  if (!state.confirming.has(op.id)) {
    const open = el("button", { type: "button", class: "cancel", "data-cancel": op.id }, "Cancel…");
    open.addEventListener("click", (e) => {
      e.preventDefault();
      state.confirming.set(op.id, "");
      state.cancelError.delete(op.id);
      render();
    });
    return el("span", {}, open, error ? el("span", { class: "error" }, ` ${error}`) : null);
  }
  const reason = el("input", { name: "reason", maxlength: 500, placeholder: "reason (optional)", "aria-label": "reason" }) as HTMLInputElement;
  reason.value = state.confirming.get(op.id) ?? "";
  reason.addEventListener("input", () => { state.confirming.set(op.id, reason.value); });
  const confirm = el("button", { type: "submit", class: "confirm-cancel" }, "Cancel operation");
  const keep = el("button", { type: "button", class: "keep" }, "Keep it");
  keep.addEventListener("click", () => { state.confirming.delete(op.id); render(); });
  const form = el("form", { class: "cancel-confirm", "data-operation": op.id },
    el("span", {}, `Cancel ${op.kind}${op.targetVersion ? ` to ${op.targetVersion}` : ""} on ${op.clusterId}? Its running step is stopped and the cluster's queue moves on. `), reason, " ", confirm, " ", keep);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void cancelOperation(op.id, reason.value.trim());
  });
  return form;
}

async function cancelOperation(id: string, reason: string): Promise<void> {
  try {
    const res = await fetch(`${API}operations/${encodeURIComponent(id)}/cancel`, {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(reason ? { reason } : {})
    });
    const body = (await res.json().catch(() => ({}))) as { status?: string; error?: { message?: string } };
    if (res.ok) state.cancelled.set(id, body.status ?? "Cancelled");
    else state.cancelError.set(id, `cancel refused (${res.status}): ${body.error?.message ?? ""}`);
  } catch (err) {
    state.cancelError.set(id, `cancel failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  state.confirming.delete(id);
  render();
  void refreshOnce();
}

function operationView(op: Operation, now: number, open: boolean): HTMLElement {
  const steps = el("table", { class: "steps" },
    el("thead", {}, el("tr", {}, ...["step", "change", "status", "started", "ended", "ARM operation", "health before", "health after", "error"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...op.steps.map((s) => el("tr", { "data-step": s.index },
      el("td", {}, `${s.index + 1}. ${s.name}`), el("td", {}, `${s.from} → ${s.to}`), el("td", {}, statusBadge(s.status)),
      el("td", {}, when(s.startedAt, now)), el("td", {}, when(s.endedAt, now)), el("td", {}, orNa(s.armOperationId)),
      el("td", {}, health(s.healthBefore)), el("td", {}, health(s.healthAfter)),
      el("td", { class: "error" }, s.error ? `${s.error.code}: ${s.error.message}` : "")))));
  const approvals = op.approvals.length === 0 ? null : el("ul", { class: "approvals" },
    ...op.approvals.map((a) => el("li", {}, `step ${a.step + 1}: ${a.decision} by ${a.approver} `, when(a.at, now), `${a.comment ? ` (“${a.comment}”)` : ""}${a.ignored ? " [ignored]" : ""}`)));
  const shownStatus = state.cancelled.get(op.id) && ACTIVE.includes(op.status) ? state.cancelled.get(op.id) : op.status;
  return el("details", { class: "op", "data-operation": op.id, "data-status": shownStatus, ...(open ? { open: "" } : {}) },
    el("summary", {}, el("strong", {}, op.id), " ", statusBadge(shownStatus), ` ${op.kind} on ${op.clusterId}`,
      op.targetVersion ? ` → ${op.targetVersion}` : "", op.queuePosition ? ` (queue position ${op.queuePosition})` : "",
      ` · ${op.steps.filter((s) => s.status === "Succeeded").length}/${op.steps.length} steps · `, when(op.timings.endedAt ?? op.timings.updatedAt, now)),
    el("div", { class: "op-actions" }, cancelControl(op)),
    el("div", {}, `trigger: ${op.trigger.type}${op.trigger.by ? ` by ${op.trigger.by}` : ""} · created `, when(op.timings.createdAt, now),
      op.timings.endedAt ? el("span", {}, " · ended ", when(op.timings.endedAt, now)) : null),
    op.outcome ? el("div", { class: op.outcome.error ? "error" : "" }, `outcome: ${op.outcome.result}: ${op.outcome.message}`) : null,
    readinessTable(op),
    op.forceUpgrade ? el("div", { class: "force warn" }, `forced past AKS's deprecated-API block (step ${op.forceUpgrade.step + 1}) by ${op.forceUpgrade.approvedBy}, override until ${op.forceUpgrade.until}`,
      op.forceUpgrade.clearedAt ? el("span", {}, " · override cleared ", when(op.forceUpgrade.clearedAt, now)) : " · override still set") : null,
    ...(op.cordonedNodes ?? []).map((c) => el("div", { class: "cordoned warn" }, `left cordoned in pool ${c.pool} (step ${c.step + 1}): ${c.nodes.join(", ")}`)),
    op.steps.length > 0 ? operationTimeline(op, now) : null,
    op.steps.length > 0 ? steps : null,
    approvals);
}

function filtersView(r: Route): HTMLElement {
  const cluster = el("select", { id: "filter-cluster", "aria-label": "cluster" }, el("option", { value: "" }, "all clusters"),
    ...state.clusters.map((c) => el("option", { value: c.id, ...(r.cluster === c.id ? { selected: "" } : {}) }, c.id))) as HTMLSelectElement;
  const status = el("select", { id: "filter-status", "aria-label": "status" }, el("option", { value: "" }, "any status"),
    ...STATUSES.map((s) => el("option", { value: s, ...(r.status === s ? { selected: "" } : {}) }, s))) as HTMLSelectElement;
  cluster.addEventListener("change", () => { location.hash = filterHash(route(), { cluster: cluster.value }); });
  status.addEventListener("change", () => { location.hash = filterHash(route(), { status: status.value }); });
  return el("div", { class: "filters" }, el("label", {}, "cluster ", cluster), " ", el("label", {}, "status ", status));
}

function operationsView(r: Route, openIds: Set<string | undefined>, withFilters: boolean): HTMLElement {
  const now = state.now;
  const active = state.active.filter((o) => (!r.cluster || o.clusterId === r.cluster) && (!r.status || o.status === r.status));
  const shown = state.history.slice(0, state.historyShown);
  const more = state.history.length > state.historyShown || state.historyToken !== undefined;
  const moreButton = el("button", { type: "button", id: "history-more" }, "Show more");
  moreButton.addEventListener("click", () => { void loadMoreHistory(); });
  const hideActive = r.status !== undefined && r.status !== "" && TERMINAL.includes(r.status);
  return el("div", {},
    withFilters ? filtersView(r) : null,
    hideActive ? null : el("h3", {}, `Queue and running (${active.length})`),
    hideActive ? null : active.length === 0 ? el("p", { class: "empty" }, "Nothing running.") : el("div", { id: "active-operations" }, ...active.map((o) => operationView(o, now, openIds.has(o.id) || o.status === "Running" || o.status === "AwaitingApproval"))),
    el("h3", {}, r.status && ACTIVE.includes(r.status) ? `Operations ${r.status}` : "History"),
    shown.length === 0 ? el("p", { class: "empty" }, "No operation matches.") : el("div", { id: "operation-history" }, ...shown.map((o) => operationView(o, now, openIds.has(o.id)))),
    el("p", { class: "paging" }, `${shown.length} shown${more ? "" : " (all)"} `, more ? moreButton : null));
}

// ---------------------------------------------------------------- approvals, findings

function approvalsView(list: PendingApproval[], now: number): HTMLElement {
  if (list.length === 0) return el("p", { class: "empty" }, "No approval is pending.");
  return el("div", {},
    state.caller.mayDecide ? null : el("p", { class: "no-right" }, `You see the approvals without their links: ${state.caller.reason ?? "you are not allowed to decide"}.`),
    el("table", { id: "approvals-table" },
      el("thead", {}, el("tr", {}, ...["operation", "cluster", "for", "requested", "deadline", "decide"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...list.map((a) => el("tr", { "data-operation": a.operationId },
        el("td", {}, a.operationId), el("td", {}, el("a", { href: `#/clusters/${encodeURIComponent(a.clusterId)}` }, a.clusterId)), el("td", {}, a.scope === "operation" || a.scope === "upgrade" ? "whole operation" : `step ${a.step + 1}`),
        el("td", {}, when(a.requestedAt, now)), el("td", {}, when(a.deadline, now, { deadline: true })),
        el("td", {}, a.approveUrl && a.rejectUrl
          ? el("span", {}, el("a", { class: "button approve", href: a.approveUrl }, "Approve…"), el("a", { class: "button reject", href: a.rejectUrl }, "Reject…"))
          : el("span", { class: "no-right" }, "approvers decide")))))));
}

function findingsView(list: Finding[] | undefined, now: number): HTMLElement {
  if (!list) return el("p", { class: "na" }, "n/a");
  if (list.length === 0) return el("p", { class: "empty" }, "No findings recorded yet.");
  return el("table", { id: "findings-table" },
    el("thead", {}, el("tr", {}, ...["cluster", "category", "rule", "status", "severity", "evidence", "first seen", "last seen", "resolved"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...list.map((f) => el("tr", {}, el("td", {}, el("a", { href: `#/clusters/${encodeURIComponent(f.clusterId)}` }, f.clusterId)), el("td", {}, f.category), el("td", {}, f.rule), el("td", {}, statusBadge(f.status)), el("td", {}, f.severity), el("td", {}, f.evidence),
      el("td", {}, when(f.firstSeenAt ?? f.observedAt, now)), el("td", {}, when(f.lastSeenAt ?? f.observedAt, now)), el("td", {}, f.resolvedAt ? when(f.resolvedAt, now) : "")))));
}

// ---------------------------------------------------------------- cluster view

/** A kept value whose last refresh failed: marked, with the reason on hover. */
function stillShown<N extends Element>(node: N, failed: string | undefined): N {
  if (failed) {
    node.classList.add("stale");
    node.setAttribute("title", `${node.getAttribute("title") ? `${node.getAttribute("title") ?? ""}\n` : ""}Shown as last read; the latest refresh failed: ${failed}`);
  }
  return node;
}

function conformanceReport(c: Conformance, now: number): HTMLElement {
  const groups = new Map<string, RuleResult[]>();
  for (const r of c.rules) {
    const g = r.group ?? "Other";
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const judged = c.summary.pass + c.summary.fail;
  const failing = failingText(c.summary.failing);
  return el("div", { id: "conformance-report" },
    el("p", {}, `${c.summary.pass} of ${judged} judged rules pass${failing ? `; failing: ${failing}` : ""}; ${c.summary.notApplicable} not applicable here. Evaluated `, when(c.evaluatedAt, now), " from ARM."),
    ...[...groups.entries()].map(([name, rules]) => {
      const failingRules = rules.filter((r) => r.status === "fail");
      const rest = rules.filter((r) => r.status !== "fail");
      const table = (list: RuleResult[]): HTMLElement => el("table", { class: "rules" },
          el("thead", {}, el("tr", {}, ...["#", "rule", "status", "severity", "evidence", "expected", "recommended by", "fix", "failing since"].map((h) => el("th", {}, h)))),
          el("tbody", {}, ...list.map((r) => el("tr", { "data-rule": r.id, class: `rule-${r.status}` },
            el("td", {}, String(r.number)), el("td", {}, el("strong", {}, r.title), el("div", { class: "muted" }, r.id)),
            el("td", {}, statusBadge(r.status)), el("td", { class: `sev-${r.severity}` }, r.severity),
            el("td", { class: "evidence" }, r.evidence), el("td", {}, r.expected),
            el("td", { class: "citation" }, r.citation, el("div", { class: "muted" }, r.source)),
            el("td", {}, r.remediation),
            el("td", {}, r.status === "fail" && r.finding?.firstSeenAt ? when(r.finding.firstSeenAt, now) : "")))));
      const passing = rest.filter((r) => r.status === "pass").length;
      return el("section", { class: "rule-group", "data-group": name },
        el("h4", {}, name, el("span", { class: failingRules.length > 0 ? "failing bad" : "ok" }, failingRules.length > 0 ? ` · ${failingRules.length} failing` : " · all judged rules pass")),
        failingRules.length > 0 ? table(failingRules) : null,
        rest.length > 0 ? el("details", { class: "passing" }, el("summary", {}, `${passing} passing, ${rest.length - passing} not applicable`), table(rest)) : null);
    }));
}

function governanceReport(g: Governance, now: number): HTMLElement {
  // Conformance findings are the report's; governance is the drift of what the platform keeps (diagnostic setting, budget).
  const drift = g.findings.items.filter((f) => f.category === "drift");
  const diag = drift.filter((f) => f.rule.startsWith("diagnostics."));
  const other = drift.filter((f) => !f.rule.startsWith("diagnostics."));
  const row = (f: GovernanceFinding): HTMLElement => el("tr", { "data-rule": f.rule }, el("td", {}, f.rule), el("td", {}, f.severity ?? ""), el("td", { class: "evidence" }, f.evidence), el("td", {}, when(f.firstSeenAt, now)), el("td", {}, f.operationId ?? ""));
  const table = (rows: GovernanceFinding[]): HTMLElement => el("table", { class: "drift" },
    el("thead", {}, el("tr", {}, ...["rule", "severity", "evidence", "since", "remediation"].map((h) => el("th", {}, h)))), el("tbody", {}, ...rows.map(row)));
  return el("div", { id: "governance-report" },
    el("h4", {}, "Diagnostic settings"),
    diag.length === 0
      ? el("p", { class: "ok", id: "diagnostics-state" }, "The platform's diagnostic setting reaches the cluster's workspace (no open drift).")
      : el("div", { id: "diagnostics-state" }, el("p", { class: "bad" }, `${diag.length} open drift finding(s):`), table(diag)),
    el("h4", {}, "Budget"),
    el("p", { id: "budget-state" }, budgetCell(g.budget), g.budget.timeGrain ? ` per ${g.budget.timeGrain.toLowerCase()}` : ""),
    el("h4", {}, "Budget alerts"),
    g.alerts.length === 0 ? el("p", { class: "empty" }, "No budget alert received.") : el("ul", { id: "alerts" }, ...g.alerts.map((a) => el("li", {},
      `${a.thresholdType} ${a.threshold} %: ${MONEY.format(a.spent)} of ${MONEY.format(a.amount)}${a.forecast !== undefined ? `, forecast ${MONEY.format(a.forecast)}` : ""} → ${a.actions.join(", ") || "nothing"} (${a.reason}) `, when(a.receivedAt, now)))),
    el("h4", {}, "Holds"),
    g.holds.length === 0 ? el("p", { class: "empty" }, "No upgrade hold.") : el("ul", { id: "holds" }, ...g.holds.map((h) => {
      const live = state.holds.find((x) => x.id === h.id);
      return el("li", { "data-hold": h.id }, `${h.reason} since `, when(h.since, now), h.releasedAt ? el("span", {}, ` · released by ${h.releasedBy ?? "?"} `, when(h.releasedAt, now)) : " · active",
        live?.releaseUrl ? el("a", { class: "button release", href: live.releaseUrl }, "Release…") : null);
    })),
    other.length > 0 ? el("div", {}, el("h4", {}, "Other open drift"), table(other)) : null,
    g.findings.resolved.filter((f) => f.category === "drift").length > 0 ? el("details", {}, el("summary", {}, "Put right lately"),
      el("ul", {}, ...g.findings.resolved.filter((f) => f.category === "drift").map((f) => el("li", {}, `${f.rule}: ${f.evidence} · resolved `, when(f.resolvedAt, now))))) : null);
}

function clusterView(id: string, r: Route, openIds: Set<string | undefined>): HTMLElement {
  const now = state.now;
  const c = state.clusters.find((x) => x.id.toLowerCase() === id.toLowerCase());
  if (!c) return el("div", {}, el("p", {}, el("a", { href: "#/" }, "← fleet")), el("p", { class: "error" }, `No registered cluster ${id}.`));
  const conformance = state.conformance.get(c.id);
  const governance = state.governance.get(c.id);
  const pools = c.observed?.pools ?? [];
  return el("div", { id: "cluster-view", "data-cluster": c.id },
    el("p", {}, el("a", { href: "#/" }, "← fleet")),
    el("h2", {}, `${c.id} `, el("span", { class: "muted" }, `${c.environment} · control plane ${c.observed?.kubernetesVersion ?? "?"}`)),
    el("table", { class: "pools" }, el("thead", {}, el("tr", {}, ...["pool", "pool version", "node image", "image age"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...pools.map((p) => el("tr", {}, ...poolCells(p, now))))),
    el("section", { "aria-labelledby": "conf-h" }, el("h3", { id: "conf-h" }, "Conformance"),
      !conformance ? pending("evaluating against the baseline…") : conformance.ok ? stillShown(conformanceReport(conformance.value, now), conformance.failed) : el("p", { class: "error" }, conformance.error)),
    el("section", { "aria-labelledby": "gov-h" }, el("h3", { id: "gov-h" }, "Governance"),
      !governance ? pending("reading…") : governance.ok ? stillShown(governanceReport(governance.value, now), governance.failed) : el("p", { class: "error" }, governance.error)),
    el("section", { "aria-labelledby": "cops-h" }, el("h3", { id: "cops-h" }, "Operations"), operationsView({ ...r, cluster: c.id }, openIds, false)));
}

// ---------------------------------------------------------------- render and refresh

function replace(id: string, node: Node): void {
  document.getElementById(id)?.replaceChildren(node);
}

function render(): void {
  const r = route();
  const openIds = new Set([...document.querySelectorAll<HTMLDetailsElement>("details.op[open]")].map((d) => d.dataset.operation));
  const fleetView = document.getElementById("view-fleet");
  const clusterPane = document.getElementById("view-cluster");
  if (fleetView) fleetView.hidden = r.view !== "fleet";
  if (clusterPane) clusterPane.hidden = r.view !== "cluster";
  // An open cancel confirmation is kept as it is (a re-render would take the focus from its reason).
  const keepOperations = state.confirming.size > 0 && document.querySelector("form.cancel-confirm") !== null;
  if (r.view === "cluster" && r.clusterId) {
    if (!keepOperations) replace("view-cluster", clusterView(r.clusterId, r, openIds));
  } else {
    const fleet = [...state.clusters].sort((a, b) => a.id.localeCompare(b.id));
    replace("fleet-chart", fleetChart(fleet));
    replace("fleet", fleetTable(fleet, state.now));
    replace("approvals", approvalsView(state.approvals, state.now));
    if (!keepOperations) replace("operations", operationsView(r, openIds, true));
    replace("findings", findingsView(state.findings, state.now));
  }
}

/** The history's query: the route's filters (the cluster view's cluster), terminal statuses unless a status is asked for. */
function historyQuery(r: Route, token?: string): string {
  const q = new URLSearchParams();
  const cluster = r.view === "cluster" ? r.clusterId : r.cluster;
  if (cluster) q.set("clusterId", cluster);
  q.set("status", r.status || TERMINAL.join(","));
  q.set("top", String(PAGE_SIZE));
  if (token) q.set("continuationToken", token);
  return `${API}operations?${q.toString()}`;
}

function tokenOf(page: OperationPage): string | undefined {
  return typeof page.continuationToken === "string" && page.continuationToken !== "" ? page.continuationToken : undefined;
}

async function loadMoreHistory(): Promise<void> {
  if (state.history.length <= state.historyShown && state.historyToken) {
    const page = await getJson<OperationPage>(historyQuery(route(), state.historyToken));
    const seen = new Set(state.history.map((o) => o.id));
    state.history = [...state.history, ...page.value.filter((o) => !seen.has(o.id))];
    state.historyToken = tokenOf(page);
  }
  state.historyShown += PAGE_SIZE;
  render();
}

async function refresh(): Promise<void> {
  const status = document.getElementById("refresh-state");
  try {
    const r = route();
    const key = `${r.view}|${r.clusterId ?? ""}|${r.cluster ?? ""}|${r.status ?? ""}`;
    const [clusters, active, history, approvals, holds, findings] = await Promise.all([
      getJson<{ value: Cluster[] }>(`${API}clusters`),
      getJson<OperationPage>(`${API}operations?status=${ACTIVE.join(",")}`),
      getJson<OperationPage>(historyQuery(r)),
      getJson<{ value: PendingApproval[]; now?: string; caller?: Caller }>(`${API}dashboard/data/approvals`),
      getJson<{ value: Hold[] }>(`${API}dashboard/data/holds`).catch(() => ({ value: [] as Hold[] })),
      getJson<{ value: Finding[] }>(`${API}dashboard/data/findings`).catch(() => undefined)
    ]);
    state.now = approvals.now ? Date.parse(approvals.now) : Date.now();
    state.caller = approvals.caller ?? { mayDecide: false };
    state.clusters = clusters.value;
    state.active = active.value.filter((o) => !o.timings.endedAt);
    if (key !== state.historyKey) {
      state.historyKey = key;
      state.historyShown = PAGE_SIZE;
      state.history = history.value;
      state.historyToken = tokenOf(history);
    } else {
      // The first page again; pages read with "Show more" after it are kept.
      const first = new Set(history.value.map((o) => o.id));
      const later = state.history.slice(history.value.length).filter((o) => !first.has(o.id));
      state.history = [...history.value, ...later];
      if (later.length === 0) state.historyToken = tokenOf(history);
    }
    for (const id of [...state.cancelled.keys()]) if (!state.active.some((o) => o.id === id)) state.cancelled.delete(id);
    state.approvals = approvals.value;
    state.holds = holds.value;
    state.findings = findings?.value;
    render();
    if (status) {
      status.textContent = `updated · platform time ${LOCAL.format(new Date(state.now))}`;
      status.setAttribute("title", exact(new Date(state.now).toISOString()));
    }
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? "0") + 1);
    void refreshDetails();
  } catch (err) {
    if (status) status.textContent = `refresh failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Per-cluster reads that cost ARM requests: when older than `detail` ms (the viewed cluster first), three at a time. */
let detailing = false;
async function refreshDetails(): Promise<void> {
  if (detailing) return;
  detailing = true;
  try {
    const r = route();
    const stale = (m: Map<string, Loaded<unknown>>, id: string): boolean => {
      const loaded = m.get(id);
      return !loaded || (Date.now() - loaded.at >= DETAIL_MS && Date.now() >= (loaded.notBefore ?? 0));
    };
    // The cluster view reads the viewed cluster's details; another cluster's only until the page has them once.
    const elsewhere = (m: Map<string, Loaded<unknown>>, id: string): boolean => r.view === "cluster" && !!r.clusterId && id.toLowerCase() !== r.clusterId.toLowerCase() && m.has(id);
    const ids = state.clusters.map((c) => c.id).sort((a, b) => (a === r.clusterId ? -1 : b === r.clusterId ? 1 : a.localeCompare(b)));
    const jobs: (() => Promise<void>)[] = [];
    for (const id of ids) {
      if (!elsewhere(state.conformance, id) && stale(state.conformance, id)) jobs.push(() => load(`${API}clusters/${encodeURIComponent(id)}/conformance`, (v: Conformance) => v, state.conformance, id));
      if (!elsewhere(state.governance, id) && stale(state.governance, id)) jobs.push(() => load(`${API}clusters/${encodeURIComponent(id)}`, (v: { governance: Governance }) => v.governance, state.governance, id));
    }
    if (jobs.length === 0) return;
    const workers = Array.from({ length: 3 }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await job();
    });
    await Promise.all(workers);
    render();
    document.body.dataset.details = String(Number(document.body.dataset.details ?? "0") + 1);
  } finally {
    detailing = false;
  }
}

async function load<R, T>(route: string, pick: (v: R) => T, into: Map<string, Loaded<T>>, id: string): Promise<void> {
  try {
    into.set(id, { ok: true, value: pick(await getJson<R>(route)), at: Date.now() });
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const notBefore = err instanceof HttpError && err.retryAfterMs !== undefined ? Date.now() + err.retryAfterMs : undefined;
    const before = into.get(id);
    into.set(id, before?.ok ? { ok: true, value: before.value, failed: error, at: Date.now(), notBefore } : { ok: false, error, at: Date.now(), notBefore });
  }
}

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

window.addEventListener("hashchange", () => {
  state.confirming.clear();
  render();
  void refreshOnce();
});
void refreshOnce();
setInterval(() => { void refreshOnce(); }, EVERY_MS);
