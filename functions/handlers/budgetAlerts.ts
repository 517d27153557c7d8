/**
 * `POST /api/alerts/budget`: the platform's action group delivers budget notifications here in the
 * common alert schema (`azureMonitorCommonAlertSchema`, `alertContext.AlertCategory: budgets`).
 * The payload is a claim, not a fact (the function key is visible to anyone who can read the action
 * group): the budget is read from ARM first and the alert acted on only if ARM's current or
 * forecast spend really crossed that notification's threshold (alertVerification.ts); otherwise it
 * is recorded `ignored` with why and nothing is done. A genuine alert is recorded on each
 * registered cluster of the budget's resource group before anything is done, then the
 * environment's enforcement applied (enforcement.ts) and a Teams card posted. ARM or the registry
 * unreachable answers 503, which Azure Monitor retries (it does not retry a 500:
 * https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups#webhook); the redelivery
 * (same `essentials.alertId`) finishes what was recorded, under the same operation id, hold and
 * card, so it acts once. Anything malformed is a 400 (not retried either).
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { enforcementFor, type EnforcementAction } from "../../shared/domain/governance/enforcement";
import { governanceOf } from "../../shared/domain/policy";
import { budgetAlertCard } from "../../shared/teams/governanceCards";
import { isoNow, type BudgetAlertFacts, type BudgetAlertRecord, type ClusterRecord } from "../../shared/store";
import { verifyBudgetAlert, type AlertVerdict, type ArmBudgetReading } from "../../shared/domain/governance/alertVerification";
import { enforcementSteps } from "../../orchestrations/governance/plan";
import type { DurableClientPort } from "./durableClient";
import { badRequest, isRecord, json, readJson, type FieldIssue } from "./http";
import { clustersInScope, startGovernanceOperation } from "./governance";
import { holdIdOf, holdReleaseUrl, setHold } from "./budgetHolds";
import { readManagedCluster } from "./targets";
import { statusUrl } from "./clusters";
import type { Platform } from "../runtime/platform";
import { isNotFound } from "../../shared/domain/failures";

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

/** Azure Monitor retries a webhook on 408, 429, 503 and 504 only (not on 500): a failure to read ARM or to record is a 503. */
function retryLater(what: string, err: unknown): HttpResponseInit {
  const message = err instanceof Error ? err.message : String(err);
  return { status: 503, headers: { "content-type": "application/json", "retry-after": "60" }, jsonBody: { error: { code: "RetryLater", message: `${what}: ${message}` } } };
}

export function createBudgetAlertHandler(p: Platform, clientOf: (request: HttpRequest) => DurableClientPort) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const body = await readJson(request);
    if (!body.ok) return badRequest([{ field: "body", message: "must be JSON" }]);
    const parsed = parseBudgetAlert(body.value);
    if (!parsed.ok) return badRequest(parsed.issues);
    const alert = parsed.alert;
    let clusters: ClusterRecord[];
    try {
      clusters = await clustersInScope(p, alert.scope);
    } catch (err) {
      return retryLater("The registry cannot be read", err);
    }
    // Not a registered cluster's group: acknowledged (a retry would not change that).
    if (clusters.length === 0) return json(202, { recorded: false, reason: `no registered cluster in ${alert.scope}` });
    // The payload is a claim: ARM's budget decides (read before anything is recorded or done).
    let verdict: AlertVerdict;
    try {
      verdict = verifyBudgetAlert(await readBudgetByName(p, alert.scope, alert.budgetName), alert);
    } catch (err) {
      return retryLater(`The budget ${alert.budgetName} cannot be read from ARM`, err);
    }
    const results = [];
    for (const cluster of clusters) {
      try {
        results.push(await onAlert(p, clientOf(request), cluster, alert, verdict));
      } catch (err) {
        // Recorded or not, a redelivery finishes what this one could not (every action is idempotent).
        return retryLater(`The alert could not be recorded or acted on for ${cluster.id}`, err);
      }
    }
    return json(200, { recorded: true, clusters: results });
  };
}

/** A budget on a resource group as ARM has it now (undefined: none). */
async function readBudgetByName(p: Platform, scope: string, name: string): Promise<ArmBudgetReading | undefined> {
  try {
    return await p.arm.consumption.budgets.get(scope, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function onAlert(p: Platform, client: DurableClientPort, cluster: ClusterRecord, alert: ParsedBudgetAlert, verdict: AlertVerdict): Promise<Record<string, unknown>> {
  const fresh = (await p.store.clusters.get(cluster.id))?.doc ?? cluster;
  const seen = fresh.governance?.alerts.find((a) => a.alertId === alert.alertId);
  if (seen && seen.status !== "acting") {
    return { clusterId: cluster.id, duplicate: true, status: seen.status ?? "acted", actions: seen.actions, ...(seen.operationId ? { operationId: seen.operationId } : {}) };
  }
  // Recorded before anything is done: a failure after this point answers 503 and the redelivery
  // finds the record `acting` and finishes (same operation id, same hold, the card once).
  const record = seen ?? await recordAlert(p, cluster, alert, verdict);
  if (record.status === "ignored") return { clusterId: cluster.id, status: "ignored", actions: [], reason: record.reason };
  const actions = record.actions as EnforcementAction[];
  let operationId = record.operationId;
  let holdId = record.holdId;
  const scaleUserPools = actions.includes("scaleUserPoolsToMinimum");
  const steps = enforcementSteps({
    threshold: record.threshold, scaleUserPools, stopCluster: actions.includes("stopCluster"),
    pools: scaleUserPools ? (await readManagedCluster(p, cluster)).agentPoolProfiles ?? [] : []
  });
  if (steps.length > 0) {
    const started = await startGovernanceOperation(p, client, {
      cluster, subject: "budget-alert", fingerprint: alert.alertId, steps, target: `budget enforcement (${record.thresholdType.toLowerCase()} ${record.threshold} %)`,
      remediation: "automatic", trigger: { type: "http", by: "budgetAlert" }
    });
    operationId = started.operationId;
  }
  if (actions.includes("holdMinorUpgrades")) {
    const hold = await setHold(p, cluster.id, {
      id: holdIdOf(alert.alertId), alertId: alert.alertId,
      reason: `Budget ${record.budgetName}: ${record.thresholdType === "Forecasted" ? "forecast" : "actual spend"} at ${record.threshold} % of ${record.amount}; new minor upgrades wait (patches and node images continue)`
    });
    holdId = hold.id;
  }
  let card = "already posted";
  if (!record.cardPosted) {
    const posted = await p.postTeams(p.config.teamsWebhookUrl, budgetAlertCard({
      cluster: cluster.id, environment: cluster.environment, budgetName: record.budgetName, thresholdType: record.thresholdType, threshold: record.threshold,
      amount: record.amount, spent: record.spent, ...(record.forecast !== undefined ? { forecast: record.forecast } : {}),
      actions: actions.map((a) => ACTION_WORDS[a]), reason: record.reason,
      ...(operationId ? { operationUrl: statusUrl(p, operationId) } : {}),
      ...(holdId ? { releaseUrl: holdReleaseUrl(p, cluster.id, holdId) } : {})
    }));
    // Best effort: the alert is acted on whether or not Teams takes the card.
    card = posted.delivered ? "posted" : `not delivered (${posted.error ?? ""})`;
  }
  await p.store.clusters.mutate(cluster.id, (c) => {
    const g = c.governance ?? { alerts: [], holds: [] };
    return { ...c, governance: { ...g, alerts: g.alerts.map((a) => a.alertId === alert.alertId ? { ...a, status: "acted" as const, cardPosted: true, ...(operationId ? { operationId } : {}), ...(holdId ? { holdId } : {}) } : a) } };
  });
  return { clusterId: cluster.id, status: "acted", actions, reason: record.reason, ...(operationId ? { operationId } : {}), ...(holdId ? { holdId } : {}), card };
}

/** The alert's record, written once (a concurrent delivery finds it): `ignored` when ARM does not bear it out. */
async function recordAlert(p: Platform, cluster: ClusterRecord, alert: ParsedBudgetAlert, verdict: AlertVerdict): Promise<BudgetAlertRecord> {
  const base = {
    alertId: alert.alertId, receivedAt: isoNow(p.clock), ...(alert.firedAt ? { firedAt: alert.firedAt } : {}), budgetName: alert.budgetName,
    thresholdType: alert.thresholdType, threshold: alert.threshold,
    // ARM's numbers where it has them (the payload's are a claim).
    amount: verdict.amount ?? alert.amount, spent: verdict.spent ?? alert.spent,
    ...(verdict.forecast !== undefined ? { forecast: verdict.forecast } : alert.forecast !== undefined ? { forecast: alert.forecast } : {})
  };
  let record: BudgetAlertRecord;
  if (!verdict.genuine) {
    record = { ...base, actions: [], status: "ignored", reason: `ignored: ${verdict.reason}` };
  } else {
    const governance = governanceOf(cluster.policy, cluster.environment);
    const decided = enforcementFor({ environment: cluster.environment, threshold: alert.threshold, thresholdType: alert.thresholdType, at: p.clock.now() });
    const enforcement = governance.enforcement === "notify" ? { actions: ["card"] as EnforcementAction[], reason: `${decided.reason} (not applied: the cluster's policy only notifies)` } : decided;
    record = { ...base, actions: enforcement.actions, status: "acting", reason: `${enforcement.reason} (${verdict.reason})` };
  }
  let kept: BudgetAlertRecord = record;
  await p.store.clusters.mutate(cluster.id, (c) => {
    const g = c.governance ?? { alerts: [], holds: [] };
    const existing = g.alerts.find((a) => a.alertId === alert.alertId);
    if (existing) { kept = existing; return undefined; }
    return { ...c, governance: { ...g, alerts: [...g.alerts, record].slice(-20) } };
  });
  return kept;
}
