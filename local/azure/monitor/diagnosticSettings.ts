import { ArmError, resourceTypeOf, type ArmResource, type SimKernel, type SimRequest } from "../kernel";
import { categoriesFor, categoryGroupsOf, type CategoryInfo } from "./categories";

/**
 * `Microsoft.Insights/diagnosticSettings` on any resource (api-version 2021-05-01-preview shapes:
 * `properties { workspaceId, storageAccountId, eventHubAuthorizationRuleId, eventHubName,
 * marketplacePartnerId, logAnalyticsDestinationType, logs[], metrics[] }`) and
 * `diagnosticSettingsCategories`. Azure's rules that the simulator enforces:
 * - at most five settings per resource ("Each resource can have up to five diagnostic settings",
 *   https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings);
 * - at least one destination;
 * - only categories the resource type offers, with Azure's 400 wording (`Category 'x' is not
 *   supported.`, `Metric category 'x' is not supported, supported categories are: '...'`,
 *   `CategoryGroup: 'x' is not supported, supported ones are: '...'`), checked for resource types
 *   whose categories the simulator knows (managed clusters, firewalls, application gateways, key
 *   vaults, container registries: categories.ts);
 * - a destination (data sink) is used by one setting per category on a resource: a second setting
 *   sending a category (directly or through a category group) to a sink another setting of the
 *   same resource already sends it to is `409 Conflict`, code `Conflict`, "Data sink '{sink}' is
 *   already used in diagnostic setting '{other}' for category '{category}'. Data sinks can't be
 *   reused in different settings on the same category for the same resource." (Azure's answer as
 *   quoted in Azure/terraform-azurerm-avm-ptn-aiml-landing-zone#19 and
 *   Azure/bicep-registry-modules#3407; Azure Policy's diagnostic-settings initiatives document the
 *   same failure when an existing setting has another name). Updating the setting that already
 *   holds the pair is allowed (it is the same setting);
 * - no retention on new settings (`Diagnostic settings does not support retention for new
 *   diagnostic settings.`, since the 2023 retention deprecation).
 */

export const MAX_SETTINGS_PER_RESOURCE = 5;
const TYPE = "Microsoft.Insights/diagnosticSettings";
const PREFIX = "/{*resourceUri}/providers/Microsoft.Insights";

export function registerDiagnosticSettings(kernel: SimKernel): void {
  kernel.router.arm("PUT", `${PREFIX}/diagnosticSettings/{name}`, (req, p) => putSetting(kernel, req, p.resourceUri ?? "", p.name ?? ""),
    { operation: "DiagnosticSettings_CreateOrUpdate", kind: "write" });

  kernel.router.arm("GET", `${PREFIX}/diagnosticSettings/{name}`, (_req, p) => {
    const id = settingId(p.resourceUri ?? "", p.name ?? "");
    const setting = kernel.store.get(id);
    if (!setting) throw kernel.notFound(id);
    return { status: 200, body: setting };
  }, { operation: "DiagnosticSettings_Get", kind: "read" });

  kernel.router.arm("DELETE", `${PREFIX}/diagnosticSettings/{name}`, (_req, p) => {
    const id = settingId(p.resourceUri ?? "", p.name ?? "");
    return kernel.store.delete(id) ? { status: 200 } : { status: 204 };
  }, { operation: "DiagnosticSettings_Delete", kind: "delete" });

  kernel.router.arm("GET", `${PREFIX}/diagnosticSettings`, (req, p) => {
    requireResource(kernel, p.resourceUri ?? "");
    return kernel.page(req, settingsOf(kernel, p.resourceUri ?? ""));
  }, { operation: "DiagnosticSettings_List", kind: "read" });

  kernel.router.arm("GET", `${PREFIX}/diagnosticSettingsCategories`, (req, p) => {
    const resourceUri = p.resourceUri ?? "";
    requireResource(kernel, resourceUri);
    return kernel.page(req, (categoriesFor(resourceTypeOf(resourceUri)) ?? []).map((c) => categoryResource(resourceUri, c)));
  }, { operation: "DiagnosticSettingsCategory_List", kind: "read" });

  kernel.router.arm("GET", `${PREFIX}/diagnosticSettingsCategories/{name}`, (_req, p) => {
    const resourceUri = p.resourceUri ?? "";
    requireResource(kernel, resourceUri);
    const category = (categoriesFor(resourceTypeOf(resourceUri)) ?? []).find((c) => c.name.toLowerCase() === (p.name ?? "").toLowerCase());
    if (!category) throw new ArmError(404, "ResourceNotFound", `Diagnostic settings category '${p.name}' is not offered by '${resourceUri}'.`);
    return { status: 200, body: categoryResource(resourceUri, category) };
  }, { operation: "DiagnosticSettingsCategory_Get", kind: "read" });
}

function settingId(resourceUri: string, name: string): string {
  return `${resourceUri}/providers/Microsoft.Insights/diagnosticSettings/${name}`;
}

function settingsOf(kernel: SimKernel, resourceUri: string): ArmResource[] {
  const prefix = `${resourceUri}/providers/Microsoft.Insights/diagnosticSettings`.toLowerCase();
  return kernel.store.list({ prefix: resourceUri, type: TYPE }).filter((s) => s.id.toLowerCase().startsWith(prefix + "/"));
}

function requireResource(kernel: SimKernel, resourceUri: string): void {
  // Subscription-level settings (the activity log) have no stored resource to look up.
  if (/^\/subscriptions\/[^/]+$/i.test(resourceUri)) return;
  if (!kernel.store.has(resourceUri)) throw kernel.notFound(resourceUri);
}

function categoryResource(resourceUri: string, c: CategoryInfo): ArmResource {
  return {
    id: `${resourceUri}/providers/microsoft.insights/diagnosticSettingsCategories/${c.name}`,
    name: c.name,
    type: "microsoft.insights/diagnosticSettingsCategories",
    properties: { categoryType: c.categoryType, ...(c.categoryGroups ? { categoryGroups: c.categoryGroups } : {}) }
  };
}

interface LogSetting { category?: string | null; categoryGroup?: string | null; enabled?: boolean; retentionPolicy?: { enabled?: boolean; days?: number } | null }
interface MetricSetting { category?: string | null; timeGrain?: string | null; enabled?: boolean; retentionPolicy?: { enabled?: boolean; days?: number } | null }

function putSetting(kernel: SimKernel, req: SimRequest, resourceUri: string, name: string): { status: number; body: ArmResource } {
  requireResource(kernel, resourceUri);
  const id = settingId(resourceUri, name);
  const existing = kernel.store.get(id);
  const props = (((req.body ?? {}) as { properties?: Record<string, unknown> }).properties ?? {});
  const logs = (Array.isArray(props["logs"]) ? props["logs"] : []) as LogSetting[];
  const metrics = (Array.isArray(props["metrics"]) ? props["metrics"] : []) as MetricSetting[];
  const destinations = ["workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId"].filter((k) => typeof props[k] === "string" && props[k] !== "");
  if (destinations.length === 0) {
    throw new ArmError(400, "BadRequest", "A diagnostic setting needs at least one destination: workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId.");
  }
  validateCategories(resourceTypeOf(resourceUri), logs, metrics);
  refuseReusedSink(kernel, resourceUri, name, props, logs, metrics);
  if (!existing && [...logs, ...metrics].some((e) => e.retentionPolicy?.enabled === true)) {
    throw new ArmError(400, "BadRequest", "Diagnostic settings does not support retention for new diagnostic settings.");
  }
  if (!existing && settingsOf(kernel, resourceUri).length >= MAX_SETTINGS_PER_RESOURCE) {
    throw new ArmError(400, "BadRequest",
      `Resource '${resourceUri}' already has ${MAX_SETTINGS_PER_RESOURCE} diagnostic settings, the maximum allowed per resource. Delete one before adding '${name}'.`);
  }
  const stored = kernel.store.put(id, {
    id,
    name,
    type: TYPE,
    properties: {
      ...props,
      logs: logs.map((l) => ({ ...l, retentionPolicy: l.retentionPolicy ?? { enabled: false, days: 0 } })),
      metrics: metrics.map((m) => ({ timeGrain: null, ...m, retentionPolicy: m.retentionPolicy ?? { enabled: false, days: 0 } }))
    }
  });
  // The API answers 200 for a create as for an update (the SDK accepts nothing else).
  return { status: 200, body: stored };
}

function validateCategories(resourceType: string, logs: LogSetting[], metrics: MetricSetting[]): void {
  const offered = categoriesFor(resourceType);
  if (!offered) return;
  const logNames = offered.filter((c) => c.categoryType === "Logs").map((c) => c.name.toLowerCase());
  const metricNames = offered.filter((c) => c.categoryType === "Metrics").map((c) => c.name);
  const groups = categoryGroupsOf(offered);
  for (const log of logs) {
    if (log.category && !logNames.includes(log.category.toLowerCase())) {
      throw new ArmError(400, "BadRequest", `Category '${log.category}' is not supported.`);
    }
    if (log.categoryGroup && !groups.some((g) => g.toLowerCase() === log.categoryGroup?.toLowerCase())) {
      throw new ArmError(400, "BadRequest", `CategoryGroup: '${log.categoryGroup}' is not supported, supported ones are: '${groups.join(",")}'`);
    }
    if (!log.category && !log.categoryGroup) throw new ArmError(400, "BadRequest", "Each logs entry needs a category or a categoryGroup.");
  }
  for (const metric of metrics) {
    if (metric.category && !metricNames.some((m) => m.toLowerCase() === metric.category?.toLowerCase())) {
      throw new ArmError(400, "BadRequest", `Metric category '${metric.category}' is not supported, supported categories are: '${metricNames.join(",")}'`);
    }
  }
}

/** The destinations a setting's properties name (lower-cased ids; an event hub counts with its hub name). */
function sinksOf(props: Record<string, unknown>): { key: string; id: string }[] {
  const out: { key: string; id: string }[] = [];
  for (const k of ["workspaceId", "storageAccountId", "marketplacePartnerId"]) {
    const v = props[k];
    if (typeof v === "string" && v !== "") out.push({ key: `${k}:${v.toLowerCase().replace(/\/+$/, "")}`, id: v });
  }
  const rule = props["eventHubAuthorizationRuleId"];
  if (typeof rule === "string" && rule !== "") {
    const hub = typeof props["eventHubName"] === "string" ? props["eventHubName"] : "";
    out.push({ key: `eventHub:${rule.toLowerCase()}:${hub.toLowerCase()}`, id: rule });
  }
  return out;
}

/** The categories (lower-cased name → name) an enabled entry set sends, category groups expanded where the type's categories are known. */
function sentCategories(resourceType: string, logs: LogSetting[], metrics: MetricSetting[]): Map<string, string> {
  const offered = categoriesFor(resourceType);
  const out = new Map<string, string>();
  for (const l of logs) {
    if (l.enabled === false) continue;
    if (l.category) out.set(l.category.toLowerCase(), l.category);
    else if (l.categoryGroup && offered) {
      for (const c of offered) if (c.categoryType === "Logs" && (c.categoryGroups ?? []).some((g) => g.toLowerCase() === l.categoryGroup?.toLowerCase())) out.set(c.name.toLowerCase(), c.name);
    } else if (l.categoryGroup) out.set(`group:${l.categoryGroup.toLowerCase()}`, l.categoryGroup);
  }
  for (const m of metrics) if (m.enabled !== false && m.category) out.set(m.category.toLowerCase(), m.category);
  return out;
}

function refuseReusedSink(kernel: SimKernel, resourceUri: string, name: string, props: Record<string, unknown>, logs: LogSetting[], metrics: MetricSetting[]): void {
  const type = resourceTypeOf(resourceUri);
  const mine = sentCategories(type, logs, metrics);
  const sinks = sinksOf(props);
  for (const other of settingsOf(kernel, resourceUri)) {
    if (other.name.toLowerCase() === name.toLowerCase()) continue;
    const op = (other.properties ?? {});
    const theirSinks = new Set(sinksOf(op).map((s) => s.key));
    const shared = sinks.find((s) => theirSinks.has(s.key));
    if (!shared) continue;
    const theirs = sentCategories(type,
      (Array.isArray(op["logs"]) ? op["logs"] : []) as LogSetting[], (Array.isArray(op["metrics"]) ? op["metrics"] : []) as MetricSetting[]);
    const category = [...mine.keys()].find((c) => theirs.has(c));
    if (category === undefined) continue;
    throw new ArmError(409, "Conflict",
      `Data sink '${shared.id}' is already used in diagnostic setting '${other.name}' for category '${theirs.get(category) ?? category}'. Data sinks can't be reused in different settings on the same category for the same resource.`);
  }
}
