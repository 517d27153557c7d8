import { ArmError, type ArmResource, type SimKernel, type SimRequest } from "../kernel";
import type { FleetHistory } from "../monitor";
import { CURRENCY } from "./prices";
import { currentPeriod, forecast, hourlyRate, isTimeGrain, roundMoney, segmentsCost, type TimeGrain } from "./spend";

/**
 * `Microsoft.Consumption/budgets` at subscription and resource-group scope (api-version
 * 2021-10-01; shapes from the spec examples CreateOrUpdateBudget.json / Budget.json):
 * `properties { category, amount, timeGrain, timePeriod { startDate, endDate }, filter,
 * notifications, currentSpend { amount, unit }, forecastSpend { amount, unit } }` and an `eTag`.
 * Spend is computed at read time from the fleet's node-hours in scope over the current grain;
 * reading fires no notification (budgets/index.ts evaluates them on Azure's schedule).
 */

const SCOPES = [
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}",
  "/subscriptions/{subscriptionId}"
];
const TYPE = "Microsoft.Consumption/budgets";
const OPERATORS = ["EqualTo", "GreaterThan", "GreaterThanOrEqualTo"];
const MAX_NOTIFICATIONS = 5;
const ACTION_GROUP_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Insights\/actionGroups\/[^/]+$/i;

/** `onWrite` runs after every successful PUT (the evaluation schedule arms itself on the first budget). */
export function registerBudgetRoutes(kernel: SimKernel, fleet: FleetHistory, onWrite: () => void): void {
  const withSpend = (budget: ArmResource): ArmResource => withCurrentSpend(kernel, fleet, budget);
  for (const scopeTemplate of SCOPES) {
    const scopeOf = (p: Record<string, string>): string => p.resourceGroupName
      ? `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}`
      : `/subscriptions/${p.subscriptionId}`;
    const base = `${scopeTemplate}/providers/Microsoft.Consumption/budgets`;

    kernel.router.arm("PUT", `${base}/{budgetName}`, (req, p) => {
      const res = putBudget(kernel, withSpend, req, scopeOf(p), p.budgetName ?? "");
      onWrite();
      return res;
    },
      { operation: "Budgets_CreateOrUpdate", kind: "write" });

    kernel.router.arm("GET", `${base}/{budgetName}`, (_req, p) => {
      const id = `${scopeOf(p)}/providers/Microsoft.Consumption/budgets/${p.budgetName}`;
      const budget = kernel.store.get(id);
      if (!budget) throw new ArmError(404, "NotFound", `Budget '${p.budgetName}' was not found in scope '${scopeOf(p)}'.`);
      return { status: 200, body: withSpend(budget) };
    }, { operation: "Budgets_Get", kind: "read" });

    kernel.router.arm("DELETE", `${base}/{budgetName}`, (_req, p) => {
      kernel.store.delete(`${scopeOf(p)}/providers/Microsoft.Consumption/budgets/${p.budgetName}`);
      return { status: 200 };
    }, { operation: "Budgets_Delete", kind: "delete" });

    kernel.router.arm("GET", base, (req, p) => {
      const scope = scopeOf(p);
      const prefix = `${scope}/providers/Microsoft.Consumption/budgets/`.toLowerCase();
      const budgets = kernel.store.list({ prefix: scope, type: TYPE }).filter((b) => b.id.toLowerCase().startsWith(prefix));
      return kernel.page(req, budgets.map(withSpend));
    }, { operation: "Budgets_List", kind: "read" });
  }
}

interface BudgetProperties {
  category?: unknown;
  amount?: unknown;
  timeGrain?: unknown;
  timePeriod?: { startDate?: unknown; endDate?: unknown };
  filter?: unknown;
  notifications?: Record<string, { enabled?: unknown; operator?: unknown; threshold?: unknown; contactEmails?: unknown; contactGroups?: unknown; contactRoles?: unknown; thresholdType?: unknown }>;
}

function putBudget(kernel: SimKernel, withSpend: (b: ArmResource) => ArmResource, req: SimRequest, scope: string, name: string): { status: number; body: ArmResource } {
  if (/\/resourceGroups\//i.test(scope) && !kernel.store.has(scope)) throw kernel.notFound(scope);
  const body = (req.body ?? {}) as { eTag?: unknown; properties?: BudgetProperties };
  const props = body.properties ?? {};
  const problems = validate(props);
  if (problems.length > 0) throw new ArmError(400, "BadRequest", problems.join(" "));
  const id = `${scope}/providers/Microsoft.Consumption/budgets/${name}`;
  const existing = kernel.store.get(id);
  // Budgets use optimistic concurrency: an update must carry the current eTag.
  if (existing && body.eTag !== undefined && body.eTag !== existing["eTag"]) {
    throw new ArmError(412, "PreconditionFailed", `The eTag ${JSON.stringify(body.eTag)} does not match the budget's current eTag ${String(existing["eTag"])}.`);
  }
  const stored = kernel.store.put(id, {
    id,
    name,
    type: TYPE,
    eTag: `"${kernel.clock.now().toString(16)}"`,
    properties: {
      category: props.category ?? "Cost",
      amount: props.amount,
      timeGrain: props.timeGrain,
      timePeriod: props.timePeriod,
      ...(props.filter ? { filter: props.filter } : {}),
      notifications: props.notifications ?? {}
    }
  });
  return { status: existing ? 200 : 201, body: withSpend(stored) };
}

function validate(props: BudgetProperties): string[] {
  const problems: string[] = [];
  if (props.category !== undefined && props.category !== "Cost") problems.push(`Category ${JSON.stringify(props.category)} is not supported; budgets track Cost.`);
  if (typeof props.amount !== "number" || !(props.amount > 0)) problems.push("Amount must be a number greater than 0.");
  if (!isTimeGrain(props.timeGrain)) problems.push("TimeGrain must be one of Monthly, Quarterly, Annually, BillingMonth, BillingQuarter, BillingAnnual.");
  const start = typeof props.timePeriod?.startDate === "string" ? Date.parse(props.timePeriod.startDate) : NaN;
  if (Number.isNaN(start)) problems.push("TimePeriod.StartDate is required.");
  else if (new Date(start).getUTCDate() !== 1) problems.push("The start date must be first of the month.");
  else if (start < Date.UTC(2017, 5, 1)) problems.push("Budget start date must be on or after June 1, 2017.");
  const end = typeof props.timePeriod?.endDate === "string" ? Date.parse(props.timePeriod.endDate) : undefined;
  if (end !== undefined && (Number.isNaN(end) || end <= start)) problems.push("The end date must be after the start date.");
  const notifications = Object.entries(props.notifications ?? {});
  if (notifications.length > MAX_NOTIFICATIONS) problems.push(`A budget can have up to ${MAX_NOTIFICATIONS} notifications.`);
  for (const [key, n] of notifications) {
    if (typeof n.enabled !== "boolean") problems.push(`Notification '${key}': enabled is required.`);
    if (typeof n.operator !== "string" || !OPERATORS.includes(n.operator)) problems.push(`Notification '${key}': operator must be one of ${OPERATORS.join(", ")}.`);
    if (typeof n.threshold !== "number" || n.threshold <= 0 || n.threshold > 1000) problems.push(`Notification '${key}': threshold must be greater than 0 and at most 1000 (percent of the amount).`);
    const emails = Array.isArray(n.contactEmails) ? n.contactEmails : [];
    const groups = Array.isArray(n.contactGroups) ? n.contactGroups : [];
    const roles = Array.isArray(n.contactRoles) ? n.contactRoles : [];
    for (const g of groups) {
      if (typeof g !== "string" || !ACTION_GROUP_ID.test(g)) problems.push(`Notification '${key}': contactGroups must be fully qualified action group resource ids; ${JSON.stringify(g)} is not one.`);
    }
    if (emails.length + groups.length + roles.length === 0) problems.push(`Notification '${key}': contactEmails, contactGroups or contactRoles is required.`);
    if (n.thresholdType !== undefined && n.thresholdType !== "Actual" && n.thresholdType !== "Forecasted") problems.push(`Notification '${key}': thresholdType must be Actual or Forecasted.`);
  }
  return problems;
}

/** The budget with `currentSpend` and `forecastSpend` as of now. */
export function withCurrentSpend(kernel: SimKernel, fleet: FleetHistory, budget: ArmResource): ArmResource {
  const spend = budgetSpend(kernel, fleet, budget);
  return {
    ...budget,
    properties: {
      ...budget.properties,
      currentSpend: { amount: spend.current, unit: CURRENCY },
      forecastSpend: { amount: spend.forecast, unit: CURRENCY }
    }
  };
}

export function budgetSpend(kernel: SimKernel, fleet: FleetHistory, budget: ArmResource): { current: number; forecast: number; periodStart?: string; periodEnd?: string } {
  const props = budget.properties ?? {};
  const timePeriod = props["timePeriod"] as { startDate: string; endDate?: string };
  const now = kernel.clock.now();
  const period = currentPeriod(props["timeGrain"] as TimeGrain, Date.parse(timePeriod.startDate), timePeriod.endDate ? Date.parse(timePeriod.endDate) : undefined, now);
  if (!period) return { current: 0, forecast: 0 };
  fleet.observe();
  const scope = budget.id.replace(/\/providers\/Microsoft\.Consumption\/budgets\/[^/]+$/i, "");
  const until = Math.min(now, period.to);
  let current = 0;
  let rate = 0;
  for (const clusterId of clustersInScope(kernel, scope, props["filter"])) {
    current += segmentsCost(fleet.history.segments(clusterId, period.from, until));
    const state = fleet.history.stateAt(clusterId, now);
    if (state && now < period.to) rate += hourlyRate(state);
  }
  return {
    current: roundMoney(current),
    forecast: roundMoney(forecast(current, rate, now, period.to)),
    periodStart: new Date(period.from).toISOString(),
    periodEnd: new Date(period.to).toISOString()
  };
}

/**
 * Clusters the budget covers: every managed cluster under the scope, narrowed by a `ResourceId` or
 * `ResourceGroupName` dimension filter when the budget has one (tag filters are not simulated).
 */
function clustersInScope(kernel: SimKernel, scope: string, filter: unknown): string[] {
  const clusters = kernel.store.list({ prefix: scope, type: "Microsoft.ContainerService/managedClusters" }).map((c) => c.id);
  const dims = dimensionFilters(filter);
  return clusters.filter((id) => dims.every((d) => {
    if (d.name.toLowerCase() === "resourceid") return d.values.some((v) => v.toLowerCase() === id.toLowerCase());
    if (d.name.toLowerCase() === "resourcegroupname") return d.values.some((v) => id.toLowerCase().includes(`/resourcegroups/${v.toLowerCase()}/`));
    return true;
  }));
}

function dimensionFilters(filter: unknown): { name: string; values: string[] }[] {
  if (!filter || typeof filter !== "object") return [];
  const f = filter as { and?: unknown[]; dimensions?: { name?: unknown; values?: unknown } };
  const parts = [f, ...(Array.isArray(f.and) ? f.and : [])] as { dimensions?: { name?: unknown; values?: unknown } }[];
  return parts
    .map((p) => p.dimensions)
    .filter((d): d is { name: string; values: string[] } => typeof d?.name === "string" && Array.isArray(d.values))
    .map((d) => ({ name: d.name, values: d.values.map(String) }));
}
