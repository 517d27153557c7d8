/**
 * Conformance against ARM: read the cluster and the related resources the rules need
 * (ObservedCluster), judge them (shared/domain/conformance) and keep the failures as findings.
 * Used by the adoption's last step and by `GET /api/clusters/{id}/conformance`, which both
 * evaluate live: ARM tells the truth, the findings keep the history (first seen, last seen, resolved).
 */
import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import type { EventGridManagementClient } from "@azure/arm-eventgrid";
import type { MonitorClient } from "@azure/arm-monitor";
import type { NetworkManagementClient } from "@azure/arm-network";
import { conformanceFindingId, evaluateConformance, type ConformanceReport, type ConformanceSummary, type ObservedCluster, type ObservedDataCollection, type ObservedNodeSubnet, type RelatedRead, type RuleResult } from "../../../shared/domain/conformance";
import { isNotFound, unlessNotFound } from "../../../shared/domain/failures";
import { isoNow, type ClusterRecord, type FindingRecord, type NowSource, type Store } from "../../../shared/store";
import { clusterRef } from "../../common/activities/armIds";
import { MissingRecordError, permanentUnlessRetryable } from "../../common/activities/errors";
import type { StartStepResult } from "../../common/contracts";
import { attempt, Unread } from "./armReads";
import { readDependencies, type DependencyArm } from "./dependencyReads";

export interface ConformanceArm extends DependencyArm {
  aks: Pick<ContainerServiceClient, "managedClusters" | "maintenanceConfigurations">;
  monitor: Pick<MonitorClient, "diagnosticSettings" | "dataCollectionRuleAssociations" | "dataCollectionRules">;
  authorization: Pick<AuthorizationManagementClient, "roleAssignments">;
  network: Pick<NetworkManagementClient, "subnets" | "routeTables">;
  eventGrid: Pick<EventGridManagementClient, "systemTopics">;
  /** The subscription the network client is bound to (a subnet elsewhere is not read). */
  subscriptionId: string;
}

export interface ConformanceDeps extends ConformanceArm {
  store: Pick<Store, "clusters" | "findings">;
  clock: NowSource;
}

const NODE_OS_SCHEDULE = "aksManagedNodeOSUpgradeSchedule";
const SUBNET_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i;
const ROUTE_TABLE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/routeTables\/([^/]+)$/i;

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pages) out.push(item);
  return out;
}

/** Reads the cluster (its 404 or 403 is a permanent failure) and each related resource (a failure there only marks it unread). */
export async function readObservedCluster(arm: ConformanceArm, clusterId: string, resourceId: string): Promise<ObservedCluster> {
  const ref = clusterRef(resourceId);
  let cluster;
  try {
    cluster = await arm.aks.managedClusters.get(ref.resourceGroup, ref.name);
  } catch (err) {
    permanentUnlessRetryable(err, clusterId, "Reading the cluster for conformance");
  }
  const unread: Partial<Record<RelatedRead, string>> = {};
  const observed: ObservedCluster = { cluster, unread };
  const keep = <K extends RelatedRead>(key: K, value: ObservedCluster[K] | Unread): void => {
    if (value instanceof Unread) unread[key] = value.reason;
    else observed[key] = value;
  };

  const [diagnostics, schedule, versions, topics, subnets, roles, collection] = await Promise.all([
    attempt(() => all(arm.monitor.diagnosticSettings.list(cluster.id ?? resourceId))),
    attempt(() => arm.aks.maintenanceConfigurations.get(ref.resourceGroup, ref.name, NODE_OS_SCHEDULE).then((c) => [c]).catch((err: unknown) => {
      if (isNotFound(err)) return [];
      throw err;
    })),
    attempt(async () => (await arm.aks.managedClusters.listKubernetesVersions(cluster.location)).values ?? []),
    attempt(() => all(arm.eventGrid.systemTopics.listByResourceGroup(ref.resourceGroup))),
    readNodeSubnets(arm, [...new Set((cluster.agentPoolProfiles ?? []).map((p) => p.vnetSubnetID).filter((id): id is string => !!id))]),
    attempt(() => all(arm.authorization.roleAssignments.listForScope(cluster.id ?? resourceId))),
    readDataCollection(arm, cluster.id ?? resourceId)
  ]);
  keep("clusterRoleAssignments", roles);
  keep("dataCollection", collection);
  keep("diagnosticSettings", diagnostics);
  keep("maintenanceConfigurations", schedule instanceof Unread ? schedule : schedule.map((c) => ({ ...c, name: c.name ?? NODE_OS_SCHEDULE })));
  keep("kubernetesVersions", versions);
  keep("eventTopics", topics);
  keep("nodeSubnets", subnets);
  const apiSubnet = cluster.apiServerAccessProfile?.enableVnetIntegration ? cluster.apiServerAccessProfile.subnetId : undefined;
  if (apiSubnet) {
    const read = await readSubnet(arm, apiSubnet);
    if (read instanceof Unread) unread.apiServerSubnet = read.reason;
    else if (read) observed.apiServerSubnet = read;
    else unread.apiServerSubnet = `subnet ${apiSubnet} not found`;
  }
  await readDependencies(arm, observed, unread);
  return observed;
}

const DCR_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Insights\/dataCollectionRules\/([^/]+)$/i;

/** The cluster's data collection rule associations, each with the rule it names (a rule elsewhere or gone is left unread). */
async function readDataCollection(arm: ConformanceArm, clusterId: string): Promise<ObservedDataCollection[] | Unread> {
  const associations = await attempt(() => all(arm.monitor.dataCollectionRuleAssociations.listByResource(clusterId)));
  if (associations instanceof Unread) return associations;
  const out: ObservedDataCollection[] = [];
  for (const a of associations) {
    const ruleId = a.dataCollectionRuleId;
    const m = ruleId ? DCR_ID.exec(ruleId) : null;
    const entry: ObservedDataCollection = { ...(a.name ? { name: a.name } : {}), ...(ruleId ? { dataCollectionRuleId: ruleId } : {}) };
    if (m && (m[1] ?? "").toLowerCase() === arm.subscriptionId.toLowerCase()) {
      const rule = await attempt(() => unlessNotFound(arm.monitor.dataCollectionRules.get(m[2] ?? "", m[3] ?? "")));
      if (rule instanceof Unread) return rule;
      if (rule) entry.rule = { ...(rule.id ? { id: rule.id } : {}), ...(rule.dataSources ? { dataSources: rule.dataSources } : {}), ...(rule.destinations ? { destinations: rule.destinations } : {}) };
    }
    out.push(entry);
  }
  return out;
}

async function readSubnet(arm: ConformanceArm, id: string) {
  const m = SUBNET_ID.exec(id);
  if (!m) return new Unread(`not a subnet id: ${id}`);
  if ((m[1] ?? "").toLowerCase() !== arm.subscriptionId.toLowerCase()) return new Unread(`subnet in subscription ${m[1]}, not read`);
  return attempt(() => unlessNotFound(arm.network.subnets.get(m[2] ?? "", m[3] ?? "", m[4] ?? "")));
}

async function readNodeSubnets(arm: ConformanceArm, ids: string[]): Promise<ObservedNodeSubnet[] | Unread> {
  const out: ObservedNodeSubnet[] = [];
  for (const id of ids) {
    const subnet = await readSubnet(arm, id);
    if (subnet instanceof Unread) return subnet;
    const entry: ObservedNodeSubnet = { id, ...(subnet ? { subnet } : {}) };
    const tableId = subnet?.routeTable?.id;
    const m = tableId ? ROUTE_TABLE_ID.exec(tableId) : null;
    if (m && (m[1] ?? "").toLowerCase() === arm.subscriptionId.toLowerCase()) {
      const table = await attempt(() => arm.network.routeTables.get(m[2] ?? "", m[3] ?? ""));
      if (table instanceof Unread) return table;
      entry.routeTable = table;
    }
    out.push(entry);
  }
  return out;
}

/** The finding a rule's result leaves (notApplicable counts as not failing: it resolves an earlier failure). */
export function findingOf(clusterId: string, result: RuleResult, at: string): Omit<FindingRecord, "firstSeenAt" | "lastSeenAt" | "resolvedAt"> {
  return {
    id: conformanceFindingId(clusterId, result.id), clusterId, category: "conformance", rule: result.id,
    status: result.status === "fail" ? "fail" : "pass",
    severity: result.severity === "info" ? "low" : result.severity,
    evidence: `${result.title}: ${result.evidence} [${result.citation}]`.slice(0, 2000),
    observedAt: at, remediation: result.remediation
  };
}

/**
 * Keeps the findings in step with one report: each failing rule is observed (first seen kept,
 * last seen moved), and each rule that no longer fails but has an open finding is resolved. Rules
 * that pass and never failed write nothing.
 */
export async function recordFindings(store: Pick<Store, "findings">, clusterId: string, report: ConformanceReport): Promise<void> {
  const open = new Set((await store.findings.listByCluster(clusterId, { category: "conformance", status: "fail" })).map((f) => f.rule));
  for (const result of report.rules) {
    if (result.status !== "fail" && !open.has(result.id)) continue;
    await store.findings.observe(findingOf(clusterId, result, report.evaluatedAt));
  }
}

/** Reads ARM, judges the cluster in its environment, records the findings; answers the report. */
export async function evaluateClusterConformance(deps: ConformanceDeps, cluster: Pick<ClusterRecord, "id" | "resourceId" | "environment">): Promise<ConformanceReport> {
  const observed = await readObservedCluster(deps, cluster.id, cluster.resourceId);
  const report = evaluateConformance(observed, cluster.environment, isoNow(deps.clock));
  await recordFindings(deps.store, cluster.id, report);
  return report;
}

export interface EvaluateConformanceRequest {
  clusterId: string;
  operationId: string;
  resourceId: string;
  step: { index: number };
}

/** The adoption's last step: the first conformance report, as findings. A start that does the whole (short) change. */
export function createEvaluateConformanceActivity(deps: ConformanceDeps): (input: EvaluateConformanceRequest) => Promise<StartStepResult & { summary: ConformanceSummary }> {
  return async (input) => {
    const cluster = (await deps.store.clusters.get(input.clusterId))?.doc;
    if (!cluster) throw new MissingRecordError("cluster", input.clusterId, input.clusterId);
    const report = await evaluateClusterConformance(deps, cluster);
    return { outcome: "alreadyDone", summary: report.summary };
  };
}
