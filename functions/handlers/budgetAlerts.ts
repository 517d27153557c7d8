/**
 * `POST /api/alerts/budget`: the platform's action group delivers budget notifications here in the
 * common alert schema (`azureMonitorCommonAlertSchema`, `alertContext.AlertCategory: budgets`).
 * The alert is recorded on each registered cluster of the budget's resource group, the
 * environment's enforcement applied (shared/domain/governance/enforcement.ts) and a Teams card
 * posted. A redelivery (same `essentials.alertId`) is acknowledged and changes nothing; every
 * action is an operation under an id derived from the alert, so a retry never acts twice.
 * Anything malformed is a 400 (Azure Monitor does not retry a 4xx).
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { enforcementFor, type EnforcementAction } from "../../shared/domain/governance/enforcement";
import { governanceOf } from "../../shared/domain/policy";
import { budgetAlertCard } from "../../shared/teams/governanceCards";
import { isoNow, type BudgetAlertFacts, type BudgetAlertRecord, type ClusterRecord } from "../../shared/store";
import type { PlanStep } from "../../orchestrations/engine/plan";
import type { DurableClientPort } from "./durableClient";
import { badRequest, isRecord, json, readJson, type FieldIssue } from "./http";
import { clustersInScope, startGovernanceOperation } from "./governance";
import { holdIdOf, holdReleaseUrl, setHold } from "./budgetHolds";
import { readManagedCluster } from "./targets";
import { statusUrl } from "./clusters";
import type { Platform } from "../runtime/platform";

export interface ParsedBudgetAlert extends BudgetAlertFacts {
  alertId: string;
  firedAt?: string;
  scope: string;
}

/** `$1,234.50`, `1234.5`, `€ 80` → the number; undefined when there is none. */
export function moneyValue(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value !== "string") return undefined;
  const n = Number(value.replace(/[^0-9.-]/g, ""));
  return value.trim() !== "" && Number.isFinite(n) ? n : undefined;
}

export function parseBudgetAlert(body: unknown): { ok: true; alert: ParsedBudgetAlert } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (!isRecord(body)) return { ok: false, issues: [{ field: "body", message: "must be a JSON object" }] };
  if (body.schemaId !== "azureMonitorCommonAlertSchema") issues.push({ field: "schemaId", message: "must be azureMonitorCommonAlertSchema (the action group's webhook needs useCommonAlertSchema)" });
  const data = isRecord(body.data) ? body.data : {};
  const essentials = isRecord(data.essentials) ? data.essentials : {};
  const context = isRecord(data.alertContext) ? data.alertContext : {};
  const d = isRecord(context.AlertData) ? context.AlertData : {};
  if (context.AlertCategory !== "budgets") issues.push({ field: "data.alertContext.AlertCategory", message: "must be budgets" });
  const alertId = typeof essentials.alertId === "string" && essentials.alertId ? essentials.alertId : undefined;
  if (!alertId) issues.push({ field: "data.essentials.alertId", message: "is required" });
  const scope = typeof d.Scope === "string" ? d.Scope.replace(/\/+$/, "") : "";
  if (!/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(scope)) issues.push({ field: "data.alertContext.AlertData.Scope", message: "must be a resource group id (the platform's budgets are on clusters' resource groups)" });
  const thresholdType = d.ThresholdType === "Forecasted" ? "Forecasted" : d.ThresholdType === "Actual" ? "Actual" : undefined;
  if (!thresholdType) issues.push({ field: "data.alertContext.AlertData.ThresholdType", message: "must be Actual or Forecasted" });
  const amount = moneyValue(d.BudgetThreshold);
  if (amount === undefined || amount <= 0) issues.push({ field: "data.alertContext.AlertData.BudgetThreshold", message: "must be an amount greater than 0" });
  const notification = moneyValue(d.NotificationThresholdAmount);
  if (notification === undefined) issues.push({ field: "data.alertContext.AlertData.NotificationThresholdAmount", message: "must be an amount" });
  const spent = moneyValue(d.SpentAmount);
  if (spent === undefined) issues.push({ field: "data.alertContext.AlertData.SpentAmount", message: "must be an amount" });
  if (typeof d.BudgetName !== "string" || !d.BudgetName) issues.push({ field: "data.alertContext.AlertData.BudgetName", message: "is required" });
  if (issues.length > 0) return { ok: false, issues };
  const forecast = moneyValue(d.ForecastedTotalForPeriod);
  return {
    ok: true,
    alert: {
      alertId: alertId!, scope, budgetName: String(d.BudgetName), thresholdType: thresholdType!,
      // The notification's percentage: the payload carries amounts only.
      threshold: Math.round((notification! / amount!) * 100), amount: amount!, spent: spent!,
      ...(forecast !== undefined ? { forecast } : {}),
      ...(typeof essentials.firedDateTime === "string" ? { firedAt: essentials.firedDateTime } : {})
    }
  };
}

const ACTION_WORDS: Record<EnforcementAction, string> = {
  card: "this card", scaleUserPoolsToMinimum: "user pools scaled to their minimum", stopCluster: "cluster stopped", holdMinorUpgrades: "new minor upgrades held"
};

export function createBudgetAlertHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const body = await readJson(request);
    if (!body.ok) return badRequest([{ field: "body", message: "must be JSON" }]);
    const parsed = parseBudgetAlert(body.value);
    if (!parsed.ok) return badRequest(parsed.issues);
    const alert = parsed.alert;
    const clusters = await clustersInScope(p, alert.scope);
    // Not a registered cluster's group: acknowledged (a retry would not change that).
    if (clusters.length === 0) return json(202, { recorded: false, reason: `no registered cluster in ${alert.scope}` });
    const results = [];
    for (const cluster of clusters) results.push(await onAlert(p, clientOf(request), cluster, alert));
    return json(200, { recorded: true, clusters: results });
  };
}

async function onAlert(p: Platform, client: DurableClientPort, cluster: ClusterRecord, alert: ParsedBudgetAlert): Promise<Record<string, unknown>> {
  const seen = cluster.governance?.alerts.find((a) => a.alertId === alert.alertId);
  if (seen) return { clusterId: cluster.id, duplicate: true, actions: seen.actions, ...(seen.operationId ? { operationId: seen.operationId } : {}) };
  const governance = governanceOf(cluster.policy, cluster.environment);
  const decided = enforcementFor({ environment: cluster.environment, threshold: alert.threshold, thresholdType: alert.thresholdType, at: p.clock.now() });
  const enforcement = governance.enforcement === "notify" ? { actions: ["card"] as EnforcementAction[], reason: `${decided.reason} (not applied: the cluster's policy only notifies)` } : decided;
  let operationId: string | undefined;
  let holdId: string | undefined;
  const steps: PlanStep[] = [];
  if (enforcement.actions.includes("scaleUserPoolsToMinimum")) {
    const managed = await readManagedCluster(p, cluster);
    for (const pool of managed.agentPoolProfiles ?? []) {
      if (pool.mode !== "User") continue;
      // AKS lets a user pool go to zero nodes; an autoscaled one stops at its minimum.
      const min = pool.enableAutoScaling ? pool.minCount ?? 0 : 0;
      if ((pool.count ?? 0) > min || pool.enableAutoScaling) {
        steps.push({ index: steps.length, title: `Pool ${pool.name}: ${pool.count ?? 0} → ${min} nodes (budget ${alert.threshold} % actual)`, action: { type: "poolScale", pool: pool.name ?? "", count: min }, health: false, settleMs: 0 });
      }
    }
  }
  if (enforcement.actions.includes("stopCluster")) {
    steps.push({ index: steps.length, title: `Cluster stopped (budget forecast ${alert.threshold} %, outside working hours)`, action: { type: "clusterStop" }, health: false, settleMs: 0 });
  }
  if (steps.length > 0) {
    const started = await startGovernanceOperation(p, client, {
      cluster, subject: "budget-alert", fingerprint: alert.alertId, steps, target: `budget enforcement (${alert.thresholdType.toLowerCase()} ${alert.threshold} %)`,
      remediation: "automatic", trigger: { type: "http", by: "budgetAlert" }
    });
    operationId = started.operationId;
  }
  if (enforcement.actions.includes("holdMinorUpgrades")) {
    const hold = await setHold(p, cluster.id, {
      id: holdIdOf(alert.alertId), alertId: alert.alertId,
      reason: `Budget ${alert.budgetName}: ${alert.thresholdType === "Forecasted" ? "forecast" : "actual spend"} at ${alert.threshold} % of ${alert.amount}; new minor upgrades wait (patches and node images continue)`
    });
    holdId = hold.id;
  }
  const record: BudgetAlertRecord = {
    alertId: alert.alertId, receivedAt: isoNow(p.clock), ...(alert.firedAt ? { firedAt: alert.firedAt } : {}), budgetName: alert.budgetName,
    thresholdType: alert.thresholdType, threshold: alert.threshold, amount: alert.amount, spent: alert.spent, ...(alert.forecast !== undefined ? { forecast: alert.forecast } : {}),
    actions: enforcement.actions, reason: enforcement.reason, ...(operationId ? { operationId } : {}), ...(holdId ? { holdId } : {})
  };
  await p.store.clusters.mutate(cluster.id, (c) => {
    const g = c.governance ?? { alerts: [], holds: [] };
    if (g.alerts.some((a) => a.alertId === alert.alertId)) return undefined;
    return { ...c, governance: { ...g, alerts: [...g.alerts, record].slice(-20) } };
  });
  const card = budgetAlertCard({
    cluster: cluster.id, environment: cluster.environment, budgetName: alert.budgetName, thresholdType: alert.thresholdType, threshold: alert.threshold,
    amount: alert.amount, spent: alert.spent, ...(alert.forecast !== undefined ? { forecast: alert.forecast } : {}),
    actions: enforcement.actions.map((a) => ACTION_WORDS[a]), reason: enforcement.reason,
    ...(operationId ? { operationUrl: statusUrl(p, operationId) } : {}),
    ...(holdId ? { releaseUrl: holdReleaseUrl(p, cluster.id, holdId) } : {})
  });
  // Best effort: the alert is recorded and acted on whether or not Teams takes the card.
  const posted = await p.postTeams(p.config.teamsWebhookUrl, card);
  return { clusterId: cluster.id, actions: enforcement.actions, reason: enforcement.reason, ...(operationId ? { operationId } : {}), ...(holdId ? { holdId } : {}), card: posted.delivered ? "posted" : `not delivered (${posted.error ?? ""})` };
}
