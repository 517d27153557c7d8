/**
 * Governance reviews: read a cluster's diagnostic settings and budget from ARM, compare them with
 * the desired state (shared/domain/governance), record each rule as a `drift` finding, and start
 * the remediation operation when the platform's own setting or budget differs. The Event Grid path
 * (a resource write or delete in the cluster's resource group) and the sweep both come here; the
 * event payload is never trusted, ARM is read again, so the platform's own writes find no
 * difference and start nothing. Remediations have deterministic ids: the event and the sweep
 * seeing the same drift start one operation.
 */
import { createHash } from "node:crypto";
import type { ManagedCluster } from "@azure/arm-containerservice";
import { EventNames, InstanceIds, OrchestratorNames } from "../../orchestrations/names";
import type { GovernanceReviewInput, GovernanceReviewPhase } from "../../orchestrations/governance/reviewOrchestrator";
import type { GovernanceInput } from "../../orchestrations/governance/governanceOrchestrator";
import type { PlanStep } from "../../orchestrations/engine/plan";
import { budgetRemediationSteps, diagnosticsRemediationSteps } from "../../orchestrations/governance/plan";
import type { StartStepResult, StepState } from "../../orchestrations/common/contracts";
import { controllerOf, diagnosticsRule, planDiagnostics, type ObservedDiagnosticSetting } from "../../shared/domain/governance/diagnostics";
import { DESIRED_RESOURCE_LOGS, desiredLogsForResource, desiredLogsForType, type DesiredResourceLogs } from "../../shared/domain/governance/logCategories";
import { MAX_REWRITES_PER_WINDOW, recordRewrite, rewriteDecision, rewriteKey, type RewriteHistory } from "../../shared/domain/governance/backoff";
import { compareBudget, desiredBudget, type ObservedBudget } from "../../shared/domain/governance/budget";
import { PLATFORM_BUDGET } from "../../shared/domain/governance/desired";
import { governanceOf } from "../../shared/domain/policy";
import { isoNow, terminalOperationStatuses, type ClusterRecord, type FindingRecord, type OperationRecord, type OperationTrigger } from "../../shared/store";
import type { DurableClientPort } from "./durableClient";
import { startInstance, startOperation, type OperationStart } from "../../orchestrations/startOperation";
import { readManagedCluster } from "./targets";
import { isInstanceEnded, readInstance } from "../../orchestrations/common/instanceStatus";
import type { Platform } from "../runtime/platform";
import { isNotFound, failureOf } from "../../shared/domain/failures";


export type GovernanceSubject = "diagnostics" | "budget";
export const GOVERNANCE_SUBJECTS: readonly GovernanceSubject[] = ["diagnostics", "budget"];

export type GovernanceStart = OperationStart;

export interface SubjectReview {
  subject: GovernanceSubject;
  /** The rules that fail now. */
  failing: string[];
  operation?: GovernanceStart;
}

/** The cluster's Log Analytics workspace: the one its monitoring add-on sends to. */
export function workspaceOf(managed: ManagedCluster): string | undefined {
  const profiles = managed.addonProfiles ?? {};
  const oms = Object.entries(profiles).find(([k]) => k.toLowerCase() === "omsagent")?.[1];
  const config = oms?.config ?? {};
  const id = Object.entries(config).find(([k]) => k.toLowerCase() === "loganalyticsworkspaceresourceid")?.[1];
  return id || undefined;
}

export function resourceGroupScope(cluster: Pick<ClusterRecord, "subscriptionId" | "resourceGroup">): string {
  return `/subscriptions/${cluster.subscriptionId}/resourceGroups/${cluster.resourceGroup}`;
}

/** The registered clusters of a resource-group scope (`/subscriptions/{id}/resourceGroups/{name}`, any case); none for another scope. */
export async function clustersInScope(p: Platform, scope: string): Promise<ClusterRecord[]> {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/?$/i.exec(scope.trim());
  return m ? p.store.clusters.listInResourceGroup(m[1]!, m[2]!) : [];
}

const shortHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 12);

/** Reviews the given subjects of one cluster; starts what must be put right. */
export async function reviewGovernance(p: Platform, client: DurableClientPort, cluster: ClusterRecord, subjects: readonly GovernanceSubject[], trigger: OperationTrigger): Promise<SubjectReview[]> {
  const out: SubjectReview[] = [];
  for (const subject of subjects) out.push(subject === "diagnostics" ? await reviewDiagnostics(p, client, cluster, trigger) : await reviewBudget(p, client, cluster, trigger));
  return out;
}

async function observe(p: Platform, cluster: ClusterRecord, rule: string, verdict: Pick<FindingRecord, "status" | "severity" | "evidence" | "remediation">, operationId?: string): Promise<void> {
  await p.store.findings.observe({
    id: `drift.${rule}`, clusterId: cluster.id, category: "drift", rule, observedAt: isoNow(p.clock),
    status: verdict.status, severity: verdict.severity, evidence: verdict.evidence,
    ...(verdict.remediation ? { remediation: verdict.remediation } : {}), ...(operationId ? { operationId } : {})
  });
}

/** A resource whose logs governance keeps: the cluster, and the baseline's other resources in its resource group. */
export interface GovernedResource {
  resourceId: string;
  desired: DesiredResourceLogs;
}

/**
 * The cluster and the baseline's other resources in its resource group (Azure Firewall, App
 * Gateway, Key Vault, Container Registry), as ARM lists them now. A hub firewall in another
 * resource group (shared by many clusters) is governed where its own group holds a cluster.
 */
export async function governedResources(p: Platform, cluster: ClusterRecord): Promise<GovernedResource[]> {
  const out: GovernedResource[] = [{ resourceId: cluster.resourceId, desired: DESIRED_RESOURCE_LOGS.cluster }];
  for await (const r of p.armFor(cluster.subscriptionId).resources.resources.listByResourceGroup(cluster.resourceGroup)) {
    const desired = r.type ? desiredLogsForType(r.type) : undefined;
    if (!desired || desired.kind === "cluster" || !r.id) continue;
    out.push({ resourceId: r.id, desired });
  }
  return out;
}

async function listSettings(p: Platform, resourceId: string): Promise<ObservedDiagnosticSetting[]> {
  const settings: ObservedDiagnosticSetting[] = [];
  for await (const s of p.arm.monitor.diagnosticSettings.list(resourceId)) {
    settings.push({
      name: s.name ?? "", workspaceId: s.workspaceId, storageAccountId: s.storageAccountId, eventHubAuthorizationRuleId: s.eventHubAuthorizationRuleId,
      marketplacePartnerId: s.marketplacePartnerId, logs: s.logs, lastModifiedBy: s.systemData?.lastModifiedBy
    });
  }
  return settings;
}

async function reviewDiagnostics(p: Platform, client: DurableClientPort, cluster: ClusterRecord, trigger: OperationTrigger): Promise<SubjectReview> {
  const workspaceId = workspaceOf(await readManagedCluster(p, cluster));
  if (!workspaceId) {
    await observe(p, cluster, "diagnostics.workspace", { status: "fail", severity: "high", remediation: "manual", evidence: "The cluster's monitoring add-on names no Log Analytics workspace: there is nowhere to send its logs" });
    return { subject: "diagnostics", failing: ["diagnostics.workspace"] };
  }
  await observe(p, cluster, "diagnostics.workspace", { status: "pass", severity: "high", remediation: "manual", evidence: `Logs go to ${workspaceId}` });
  const failing: string[] = [];
  let operation: GovernanceStart | undefined;
  for (const target of await governedResources(p, cluster)) {
    const review = await reviewResourceLogs(p, client, cluster, target, workspaceId, trigger);
    failing.push(...review.failing);
    operation ??= review.operation;
  }
  return { subject: "diagnostics", failing, ...(operation ? { operation } : {}) };
}

/**
 * One resource's logs to the workspace: converge the settings that send there (under the
 * cluster's remediation policy), unless the same drift keeps coming back (another controller
 * rewrites it): then report that controller and back off (backoff.ts).
 */
async function reviewResourceLogs(p: Platform, client: DurableClientPort, cluster: ClusterRecord, target: GovernedResource, workspaceId: string,
  trigger: OperationTrigger): Promise<{ failing: string[]; operation?: GovernanceStart }> {
  const { desired, resourceId } = target;
  const settings = await listSettings(p, resourceId);
  const plan = planDiagnostics(settings, workspaceId, desired);
  const name = resourceId.split("/").pop() ?? resourceId;
  const contestedRule = diagnosticsRule(desired, "contested");
  let operation: GovernanceStart | undefined;
  if (plan.writes.length > 0) {
    const key = rewriteKey(resourceId, plan.fingerprint);
    const fresh = (await p.store.clusters.get(cluster.id))?.doc ?? cluster;
    const decision = rewriteDecision((fresh.governance?.rewrites ?? []).find((h) => h.key === key), p.clock.now());
    const holders = settings.filter((s) => plan.writes.some((w) => w.name.toLowerCase() === s.name.toLowerCase()) && !s.name.toLowerCase().startsWith("aksops-"));
    const controller = holders.map(controllerOf).join(", ") || "an unknown controller";
    if (decision.rewrite) {
      const policy = governanceOf(cluster.policy, cluster.environment);
      const steps = diagnosticsRemediationSteps({ resourceId, workspaceId, desired, writes: plan.writes });
      // The cluster's own drift keeps its historical id; another resource's carries its id.
      const fingerprint = desired.kind === "cluster" ? plan.fingerprint : `${resourceId.toLowerCase()}|${plan.fingerprint}`;
      operation = await startGovernanceOperation(p, client, {
        cluster, subject: "diagnostics", fingerprint, steps, target: desired.kind === "cluster" ? "diagnostic settings as desired" : `diagnostic settings of ${name} as desired`,
        remediation: policy.remediation, trigger
      });
      if (operation.outcome !== "exists") await noteRewrite(p, cluster.id, key, controller, decision.contested);
    } else {
      await p.store.clusters.mutate(cluster.id, (c) => {
        const g = c.governance ?? { alerts: [], holds: [] };
        if ((g.rewrites ?? []).some((h) => h.key === key && h.backedOffAt)) return undefined;
        const rewrites = (g.rewrites ?? []).map((h) => h.key === key ? { ...h, controller, backedOffAt: isoNow(p.clock) } : h);
        return { ...c, governance: { ...g, rewrites } };
      });
    }
  }
  for (const v of plan.verdicts) {
    await observe(p, cluster, v.rule, v, v.status === "fail" && v.remediation === "automatic" ? operation?.operationId : undefined);
  }
  // Contested while, within the window, a drift of this resource came back after a rewrite (it
  // stays reported between the rewrites, and while the platform has backed off).
  const after = (await p.store.clusters.get(cluster.id))?.doc ?? cluster;
  const contested = contestedVerdict(after.governance?.rewrites ?? [], resourceId, name, desired, p.clock.now());
  await observe(p, cluster, contestedRule, contested);
  const failing = plan.verdicts.filter((v) => v.status === "fail").map((v) => v.rule);
  return { failing: contested.status === "fail" ? [...failing, contestedRule] : failing, ...(operation ? { operation } : {}) };
}

function contestedVerdict(histories: readonly RewriteHistory[], resourceId: string, name: string, desired: DesiredResourceLogs, now: number): Pick<FindingRecord, "status" | "severity" | "evidence" | "remediation"> {
  const prefix = rewriteKey(resourceId, "");
  for (const h of histories.filter((x) => x.key.startsWith(prefix))) {
    const d = rewriteDecision(h, now);
    if (d.recent < 2 && !(h.backedOffAt && d.contested)) continue;
    const drift = h.key.slice(prefix.length);
    const who = h.controller ?? "another controller";
    return {
      status: "fail", severity: "high", remediation: "manual",
      evidence: d.rewrite
        ? `${name}: the same drift (${drift}) came back within 24 h of the platform's rewrite, put back by ${who}; rewritten ${d.recent} of at most ${MAX_REWRITES_PER_WINDOW} times a day. Align that controller with the desired categories (${desired.categories.join(", ")})`
        : `${name}: ${who} keeps putting back the same drift (${drift}); the platform rewrote it ${d.recent} times in 24 h and backs off until ${d.retryAfter ?? "the window passes"}. Align that controller with the desired categories (${desired.categories.join(", ")})`
    };
  }
  return { status: "pass", severity: "medium", remediation: "manual", evidence: "No other controller puts back what the platform put right" };
}

async function noteRewrite(p: Platform, clusterId: string, key: string, controller: string, contested: boolean): Promise<void> {
  await p.store.clusters.mutate(clusterId, (c) => {
    const g = c.governance ?? { alerts: [], holds: [] };
    const history = (g.rewrites ?? []).find((h) => h.key === key);
    const next = recordRewrite(history, key, p.clock.now(), contested ? controller : undefined);
    return { ...c, governance: { ...g, rewrites: [...(g.rewrites ?? []).filter((h) => h.key !== key), next].slice(-20) } };
  });
}

/** The platform's budget on the cluster's resource group as ARM has it now (undefined: none). */
export async function readBudget(p: Platform, cluster: ClusterRecord): Promise<(ObservedBudget & { currentSpend?: { amount?: number }; forecastSpend?: { amount?: number } }) | undefined> {
  try {
    return await p.arm.consumption.budgets.get(resourceGroupScope(cluster), PLATFORM_BUDGET);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function reviewBudget(p: Platform, client: DurableClientPort, cluster: ClusterRecord, trigger: OperationTrigger): Promise<SubjectReview> {
  const actionGroupId = p.config.budgetActionGroupId;
  if (!actionGroupId) {
    await observe(p, cluster, "budget.actionGroup", { status: "fail", severity: "medium", remediation: "manual", evidence: "BUDGET_ACTION_GROUP_ID is not set: the platform cannot make a budget that notifies it" });
    return { subject: "budget", failing: ["budget.actionGroup"] };
  }
  const policy = governanceOf(cluster.policy, cluster.environment);
  // One budget per resource group: clusters sharing a group share it, at the sum of their amounts
  // (whichever of them is reviewed wants the same budget, so their reviews never undo each other).
  const sharing = await p.store.clusters.listInResourceGroup(cluster.subscriptionId, cluster.resourceGroup);
  const amount = (sharing.some((c) => c.id === cluster.id) ? sharing : [...sharing, cluster])
    .reduce((sum, c) => sum + governanceOf(c.policy, c.environment).budgetAmount, 0);
  const desired = desiredBudget(amount, actionGroupId, p.clock.now());
  const comparison = compareBudget(await readBudget(p, cluster), desired);
  let operation: GovernanceStart | undefined;
  if (comparison.status === "fail") {
    const steps = budgetRemediationSteps({ scope: resourceGroupScope(cluster), resourceGroup: cluster.resourceGroup, amount, actionGroupId });
    operation = await startGovernanceOperation(p, client, { cluster, subject: "budget", fingerprint: comparison.fingerprint, steps, target: "budget as desired", remediation: policy.remediation, trigger });
  }
  await observe(p, cluster, "budget.platformBudget", { status: comparison.status, severity: "medium", remediation: "automatic", evidence: comparison.evidence }, operation?.operationId);
  return { subject: "budget", failing: comparison.status === "fail" ? ["budget.platformBudget"] : [], ...(operation ? { operation } : {}) };
}

export interface GovernanceOperationRequest {
  cluster: ClusterRecord;
  /** What the operation is about (`diagnostics`, `budget`, `alert`): part of its id. */
  subject: string;
  /** What differs (or which alert): the rest of its id. */
  fingerprint: string;
  steps: PlanStep[];
  target: string;
  remediation: "automatic" | "approval";
  trigger: OperationTrigger;
  notify?: boolean;
}

/**
 * The remediation of one drift (orchestrations/startOperation.ts has the rules). The same drift seen
 * again after its operation ended (it came back) runs the same operation again under
 * `<id>:run-<n>`, with fresh steps.
 */
export async function startGovernanceOperation(p: Platform, client: DurableClientPort, r: GovernanceOperationRequest): Promise<GovernanceStart> {
  const operationId = InstanceIds.governance(r.cluster.id, r.subject, shortHash(r.fingerprint));
  const now = isoNow(p.clock);
  const steps: OperationRecord["steps"] = r.steps.map((s) => ({ index: s.index, name: s.title, kind: "configuration", from: "", to: s.title, status: "Pending" }));
  return startOperation(p, client, {
    orchestrator: OrchestratorNames.governance,
    record: {
      id: operationId, clusterId: r.cluster.id, kind: "governance", trigger: r.trigger, status: "Pending", instanceId: operationId,
      targetVersion: r.target, plan: { target: r.target, steps: r.steps.map((s) => ({ index: s.index, kind: "configuration", from: "", to: s.title })) },
      steps, approvals: [], timings: { createdAt: now, updatedAt: now }
    },
    input: (): GovernanceInput => ({
      operationId, clusterId: r.cluster.id, resourceId: r.cluster.resourceId, environment: r.cluster.environment,
      target: r.target, steps: r.steps, remediation: r.remediation, polling: p.config.operationPolling,
      approvalTimeoutMinutes: r.cluster.policy.approvalTimeoutMinutes, ...(r.notify ? { notify: true } : {})
    }),
    rerunFrom: terminalOperationStatuses,
    rerunPatch: { steps }
  });
}

/**
 * A resource event from a resource group's topic: which cluster and subject it concerns, from its
 * subject (the written resource's id): a diagnostic setting on a cluster or on one of the
 * baseline's other governed resources (logCategories.ts), or a budget. Anything else is not
 * governed here.
 */
export function governedTarget(subject: string): { kind: "diagnostics"; clusterResourceId: string } | { kind: "diagnostics"; scope: string } | { kind: "budget"; scope: string } | undefined {
  const diag = /^((\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\/providers\/[^/]+\/[^/]+\/[^/]+)\/providers\/Microsoft\.Insights\/diagnosticSettings\/[^/]+$/i.exec(subject);
  const governed = diag ? desiredLogsForResource(diag[1]!) : undefined;
  if (diag && governed) return governed.kind === "cluster" ? { kind: "diagnostics", clusterResourceId: diag[1]! } : { kind: "diagnostics", scope: diag[2]! };
  const budget = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\/providers\/Microsoft\.Consumption\/budgets\/[^/]+$/i.exec(subject);
  if (budget) return { kind: "budget", scope: budget[1]! };
  return undefined;
}

export type ReviewRequest = "reviewScheduled" | "reviewCoalesced" | "reviewRequested";

/**
 * A resource event's review of one cluster's subject, coalesced (issue 24 item 9): starts the
 * subject's review orchestration (orchestrations/governance/reviewOrchestrator.ts) when none runs;
 * finds it waiting out its window (`reviewCoalesced`: its review will read ARM after this event's
 * write); or finds it reading ARM and raises `reviewRequested` for one more round. No ARM read
 * here: a storm of events costs durable calls, not ARM reads, and throttling never fails a delivery.
 */
export async function requestGovernanceReview(p: Platform, client: DurableClientPort, cluster: ClusterRecord, subject: GovernanceSubject, eventId: string): Promise<ReviewRequest> {
  const instanceId = InstanceIds.governanceReview(cluster.id, subject);
  const input: GovernanceReviewInput = { clusterId: cluster.id, subject, eventId, windowMs: p.config.events.reviewWindowMs };
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await startInstance(client, OrchestratorNames.governanceReview, instanceId, input, { restartFinished: true });
    if (started.started) return "reviewScheduled";
    const status = await readInstance(client, instanceId);
    if (!status || isInstanceEnded(status.runtimeStatus)) continue; // it finished meanwhile: start the next one
    const phase = (status.customStatus as { phase?: GovernanceReviewPhase } | undefined)?.phase;
    if (phase !== "reviewing") return "reviewCoalesced";
    try {
      await client.raiseEvent(instanceId, EventNames.reviewRequested, { eventId });
      return "reviewRequested";
    } catch (err) {
      lastError = err; // it finished meanwhile: start the next one
    }
  }
  throw lastError instanceof Error ? lastError : new Error(`Could not request the ${subject} review of ${cluster.id}`);
}

/** The registered clusters a resource event concerns. */
export async function clustersForResourceEvent(p: Platform, subject: string): Promise<{ clusters: ClusterRecord[]; subject?: GovernanceSubject }> {
  const target = governedTarget(subject);
  if (!target) return { clusters: [] };
  if ("clusterResourceId" in target) {
    const cluster = await p.store.clusters.findByResourceId(target.clusterResourceId);
    return { clusters: cluster ? [cluster] : [], subject: "diagnostics" };
  }
  return { clusters: await clustersInScope(p, target.scope), subject: target.kind };
}

/**
 * What `GET /api/clusters/{id}` shows of governance: the findings summary (open ones by category
 * and severity), the budget as ARM has it now (amount, current and forecast spend; `unreadable`
 * when ARM could not be read), the last alerts and the holds.
 */
export async function governanceView(p: Platform, cluster: ClusterRecord): Promise<Record<string, unknown>> {
  const findings = await p.store.findings.listByCluster(cluster.id);
  const open = findings.filter((f) => f.status === "fail");
  const bySeverity: Record<string, number> = {};
  for (const f of open) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  let budget: Record<string, unknown>;
  try {
    const b = await readBudget(p, cluster);
    budget = b
      ? { name: PLATFORM_BUDGET, amount: b.amount, timeGrain: b.timeGrain, currentSpend: b.currentSpend?.amount, forecastSpend: b.forecastSpend?.amount }
      : { name: PLATFORM_BUDGET, missing: true };
  } catch (err) {
    budget = { name: PLATFORM_BUDGET, unreadable: failureOf(err).message };
  }
  return {
    findings: {
      open: open.length, bySeverity,
      items: open.map((f) => ({ id: f.id, category: f.category, rule: f.rule, severity: f.severity, evidence: f.evidence, firstSeenAt: f.firstSeenAt, ...(f.operationId ? { operationId: f.operationId } : {}) })),
      // Put right lately: the history says what drifted and when it was fixed.
      resolved: findings.filter((f) => f.resolvedAt).sort((a, b) => (b.resolvedAt ?? "").localeCompare(a.resolvedAt ?? "")).slice(0, 10)
        .map((f) => ({ id: f.id, category: f.category, rule: f.rule, evidence: f.evidence, firstSeenAt: f.firstSeenAt, resolvedAt: f.resolvedAt, ...(f.operationId ? { operationId: f.operationId } : {}) }))
    },
    budget,
    alerts: (cluster.governance?.alerts ?? []).slice(-10),
    // Rewrites the platform made per drift, and where it backed off from another controller.
    rewrites: cluster.governance?.rewrites ?? [],
    holds: cluster.governance?.holds ?? []
  };
}

/** The governance review step's request (the engine's requestOf). */
export interface GovernanceReviewRequest {
  clusterId: string;
  operationId: string;
  resourceId: string;
  step: { index: number };
}

const REVIEWED_SUBJECTS = (clusterId: string): string[] => GOVERNANCE_SUBJECTS.map((s) => `${InstanceIds.governance(clusterId, s, "")}`);

/**
 * `startGovernanceReview`: adoption's and provisioning's last step reviews the cluster's budget
 * and log categories now (not at the next sweep) and starts their remediations under the cluster's
 * remediation policy, with the same deterministic ids the events and the sweep use.
 */
export function createStartGovernanceReviewActivity(platform: Platform, retryless: (p: Platform) => Platform): (client: DurableClientPort, r: GovernanceReviewRequest) => Promise<StartStepResult> {
  const p = retryless(platform);
  return async (client, r) => {
    const cluster = (await p.store.clusters.get(r.clusterId))?.doc;
    if (!cluster) throw new Error(`Cluster ${r.clusterId} is not registered`);
    const reviews = await reviewGovernance(p, client, cluster, GOVERNANCE_SUBJECTS, { type: "http", by: r.operationId });
    return reviews.some((v) => v.operation) ? { outcome: "started" } : { outcome: "alreadyDone" };
  };
}

/**
 * `checkGovernanceReview`: done when the cluster's diagnostics and budget remediations have ended
 * or wait for an approver (the approval card is out; the adoption does not hold the cluster for
 * it). Budget-alert enforcement is not awaited: it needs the cluster's lock, which this operation holds.
 */
export function createCheckGovernanceReviewActivity(p: Platform): (r: GovernanceReviewRequest) => Promise<StepState> {
  return async (r) => {
    const prefixes = REVIEWED_SUBJECTS(r.clusterId);
    const ops = (await p.store.operations.query({ clusterId: r.clusterId, kind: "governance" })).filter((o) => prefixes.some((x) => o.id.startsWith(x)));
    const running = ops.filter((o) => !terminalOperationStatuses.includes(o.status) && o.status !== "AwaitingApproval");
    return running.length > 0 ? { state: "InProgress" } : { state: "Succeeded" };
  };
}
