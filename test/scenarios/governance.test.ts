/**
 * Governance through the public contracts, on the simulator with the virtual clock: adoption ends
 * with each cluster's budget in place and exactly the baseline's log categories reaching its
 * workspace, through the setting that already sends there (never a second one, which Azure
 * refuses with 409); drift made through ARM is put right from the resource event (or, when events
 * are dropped, by the next sweep); a setting another controller keeps putting back is reported and
 * backed off from; budget alerts are checked against ARM (a forged one changes nothing), survive an
 * ARM outage (503, redelivered, acted on once) and act (dev scales its user pools down, prod holds
 * a new minor until released from the card); a release whose event never arrived is caught up.
 */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { ConsumptionManagementClient } from "@azure/arm-consumption";
import { MonitorClient, type DiagnosticSettingsResource } from "@azure/arm-monitor";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { ResourceManagementClient, type GenericResource } from "@azure/arm-resources";
import { PLATFORM_RESOURCE_SETTING } from "../../shared/domain/governance/logCategories";
import { LocalTokenCredential } from "../../shared/azure";
import { CLUSTER_LOG_CATEGORIES, PLATFORM_BUDGET, PLATFORM_DIAGNOSTIC_SETTING } from "../../shared/domain/governance/desired";
import type { OperationRecord } from "../../shared/store";
import { InstanceIds } from "../../orchestrations/names";
import { advance, api, cardText, clusterResourceId, operations, sim, startHarness, teamsMessages, waitFor, type Harness } from "../platform/support";

interface GovernanceView {
  governance: {
    findings: { open: number; items: { rule: string; evidence: string }[]; resolved: { rule: string; evidence: string; resolvedAt: string }[] };
    budget: { amount?: number; currentSpend?: number; forecastSpend?: number; missing?: boolean };
    holds: { id: string; releasedAt?: string; heldTargets: string[] }[];
    alerts: { threshold: number; thresholdType: string; actions: string[]; status?: string }[];
  };
}

describe("governance: diagnostic settings and budgets kept as desired, budget alerts that act, missed events caught up", () => {
  let h: Harness;
  let monitor: MonitorClient;
  let consumption: ConsumptionManagementClient;
  const rg = (name: string) => `/subscriptions/${h.subscriptionId}/resourceGroups/rg-${name}`;
  const workspace = (cluster: string) => `${rg(cluster)}/providers/Microsoft.OperationalInsights/workspaces/log-${cluster}`;
  // The demo's staging and prod clusters come with a `cluster-logs` setting to their workspace (as
  // most real clusters do); dev has none, so the platform creates its own there.
  const carrier = (cluster: string) => cluster === "aks-dev" ? PLATFORM_DIAGNOSTIC_SETTING : "cluster-logs";
  const settingsOf = async (cluster: string): Promise<DiagnosticSettingsResource[]> => {
    const out: DiagnosticSettingsResource[] = [];
    for await (const s of monitor.diagnosticSettings.list(clusterResourceId(h, cluster))) out.push(s);
    return out;
  };
  const on = (s: DiagnosticSettingsResource) => (s.logs ?? []).filter((l) => l.enabled).map((l) => l.category ?? `group:${l.categoryGroup ?? ""}`).sort();
  /** What reaches the cluster's workspace, whichever setting carries it. */
  const reaching = async (cluster: string): Promise<string[]> =>
    (await settingsOf(cluster)).filter((s) => s.workspaceId?.toLowerCase() === workspace(cluster).toLowerCase()).flatMap(on).sort();
  const enabled = async (cluster: string): Promise<string[]> => on(await monitor.diagnosticSettings.get(clusterResourceId(h, cluster), carrier(cluster)));
  const governanceOps = async (cluster: string): Promise<OperationRecord[]> => (await operations(h, `?clusterId=${cluster}`)).filter((o) => o.kind === "governance");
  const view = async (cluster: string): Promise<GovernanceView["governance"]> => (await api<GovernanceView>(h, "GET", `/clusters/${cluster}`)).body.governance;
  const wanted = [...CLUSTER_LOG_CATEGORIES].sort();

  beforeAll(async () => {
    h = await startHarness();
    const agent = new Agent({ ca: readFileSync(h.platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8") });
    const base = h.platform.azure.baseUrl;
    const additionalPolicies = [{ policy: agentPolicy(agent), position: "perCall" as const }];
    monitor = new MonitorClient(new LocalTokenCredential(), h.subscriptionId, { endpoint: base, credentials: { scopes: [`${base}/.default`] }, additionalPolicies });
    consumption = new ConsumptionManagementClient(new LocalTokenCredential(), h.subscriptionId, { endpoint: base, $host: base, credentialScopes: [`${base}/.default`], additionalPolicies });
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("adoption ends governed: the budget and exactly the baseline's categories reach each workspace, through the existing setting (no second one)", async () => {
    for (const cluster of ["aks-dev", "aks-staging", "aks-prod"]) {
      const adoption = await waitFor(h, `${cluster}'s adoption`, async () => {
        const res = await api<OperationRecord>(h, "GET", `/operations/${encodeURIComponent(InstanceIds.adoption(cluster))}`);
        return res.status === 200 && res.body.status === "Succeeded" ? res.body : undefined;
      }, 30 * 60_000, 30_000);
      expect(adoption.steps.at(-1)).toMatchObject({ name: "Governance review (budget, log categories)", status: "Succeeded" });
      // Every governance remediation the review started ended before the adoption did.
      const ops = await governanceOps(cluster);
      expect(ops.length).toBeGreaterThan(0);
      for (const op of ops) {
        expect(op.status).toBe("Succeeded");
        expect((op.timings.endedAt ?? "") <= (adoption.timings.endedAt ?? "")).toBe(true);
      }
      expect(await reaching(cluster)).toEqual(wanted);
      expect((await settingsOf(cluster)).map((s) => s.name)).toEqual([carrier(cluster)]);
      const budget = await consumption.budgets.get(rg(cluster), PLATFORM_BUDGET);
      expect(budget).toMatchObject({ amount: { "aks-dev": 1500, "aks-staging": 3000, "aks-prod": 10000 }[cluster], timeGrain: "Monthly" });
      expect(Object.values(budget.notifications ?? {}).map((n) => `${n.thresholdType}:${n.threshold}`).sort()).toEqual(["Actual:50", "Actual:75", "Actual:90", "Forecasted:100"]);
    }
    // aks-staging's setting sent kube-audit beside kube-audit-admin: turned off in place.
    const staging = await monitor.diagnosticSettings.get(clusterResourceId(h, "aks-staging"), "cluster-logs");
    expect(staging.logs?.find((l) => l.category === "kube-audit")?.enabled).toBe(false);
    const v = await view("aks-prod");
    expect(v.budget).toMatchObject({ amount: 10000 });
    expect(typeof v.budget.currentSpend).toBe("number");
    expect(typeof v.budget.forecastSpend).toBe("number");
  });

  it("kube-audit added beside kube-audit-admin in aks-prod's existing setting is turned off in that setting, with a finding, from the resource event (no second setting, no loop)", async () => {
    const before = (await governanceOps("aks-prod")).length;
    await monitor.diagnosticSettings.createOrUpdate(clusterResourceId(h, "aks-prod"), "cluster-logs", {
      workspaceId: workspace("aks-prod"),
      logs: [...CLUSTER_LOG_CATEGORIES, "kube-audit"].map((category) => ({ category, enabled: true }))
    });
    expect(await enabled("aks-prod")).toContain("kube-audit");
    // Well inside the hour before the next sweep: the event is what puts it right.
    await waitFor(h, "kube-audit removed", async () => (await enabled("aks-prod")).includes("kube-audit") ? undefined : true, 10 * 60_000, 5_000);
    expect(await reaching("aks-prod")).toEqual(wanted);
    expect((await settingsOf("aks-prod")).map((s) => s.name)).toEqual(["cluster-logs"]);
    const ops = await governanceOps("aks-prod");
    expect(ops.length).toBe(before + 1);
    const repair = ops.find((o) => o.trigger.type === "event")!;
    expect(repair).toMatchObject({ status: "Succeeded", trigger: { type: "event" } });
    expect(repair.steps).toHaveLength(1);
    // The review of the repair's own write resolves the finding once its coalescing window (30 s) closed (issue 24 item 9).
    const finding = await waitFor(h, "the finding resolved", async () => (await view("aks-prod")).findings.resolved.find((f) => f.rule === "diagnostics.workspaceCategories"), 5 * 60_000, 5_000);
    expect(finding?.evidence).toContain("kube-audit");
    // The platform's own write raised an event too: it found nothing to do.
    await advance(h, 10 * 60_000, 30_000);
    expect((await governanceOps("aks-prod")).length).toBe(before + 1);
  });

  it("a setting Azure Policy keeps putting back is reported, naming it, and backed off from after three rewrites a day; settings sending elsewhere are reported, never touched", async () => {
    const id = clusterResourceId(h, "aks-staging");
    const archive = { workspaceId: `${workspace("aks-staging")}-archive`, logs: [{ category: "kube-audit", enabled: true }] };
    await monitor.diagnosticSettings.createOrUpdate(id, "archive", archive);
    // What a deploy-if-not-exists assignment writes: kube-audit to the cluster's workspace (Azure
    // accepts it: no other setting sends kube-audit there).
    const policyWrites = () => monitor.diagnosticSettings.createOrUpdate(id, "setByPolicy", { workspaceId: workspace("aks-staging"), logs: [{ category: "kube-audit", enabled: true }] });
    const policyOn = async () => on(await monitor.diagnosticSettings.get(id, "setByPolicy")).includes("kube-audit");
    for (let rewrite = 1; rewrite <= 3; rewrite++) {
      await policyWrites();
      await waitFor(h, `rewrite ${rewrite}`, async () => (await policyOn()) ? undefined : true, 10 * 60_000, 30_000);
      expect(await reaching("aks-staging")).toEqual(wanted);
      // The controller comes back after the platform's remediation has ended (one coming back while it
      // is still ending finds it running, and is left to the next sweep).
      await waitFor(h, `remediation ${rewrite} to end`, async () => (await governanceOps("aks-staging")).every((o) => ["Succeeded", "Failed"].includes(o.status)) ? true : undefined, 10 * 60_000, 30_000);
    }
    const contested = (await view("aks-staging")).findings.items.find((f) => f.rule === "diagnostics.contested");
    expect(contested?.evidence).toContain("Azure Policy (deploy-if-not-exists)");
    // The fourth time the same drift comes back within the day, the platform leaves it.
    await policyWrites();
    await advance(h, 30 * 60_000, 60_000);
    expect(await policyOn()).toBe(true);
    const backedOff = (await view("aks-staging")).findings.items.find((f) => f.rule === "diagnostics.contested");
    expect(backedOff?.evidence).toMatch(/Azure Policy \(deploy-if-not-exists\) keeps putting back the same drift .* rewrote it 3 times in 24 h and backs off until/);
    expect((await api<{ governance: { rewrites: { key: string; at: string[]; controller?: string; backedOffAt?: string }[] } }>(h, "GET", "/clusters/aks-staging")).body.governance.rewrites
      .find((r) => r.key.includes("kube-audit@setbypolicy"))).toMatchObject({ controller: "Azure Policy (deploy-if-not-exists)" });
    const history = (await api<{ governance: { rewrites: { key: string; at: string[]; backedOffAt?: string }[] } }>(h, "GET", "/clusters/aks-staging")).body.governance.rewrites.find((r) => r.key.includes("kube-audit@setbypolicy"));
    expect([history?.at.length, typeof history?.backedOffAt]).toEqual([3, "string"]);
    const repairs = (await governanceOps("aks-staging")).filter((o) => o.targetVersion === "diagnostic settings as desired");
    expect(repairs.flatMap((o) => o.status)).not.toContain("Running");
    // The setting sending elsewhere is reported, and still as it was.
    expect((await view("aks-staging")).findings.items.find((f) => f.rule === "diagnostics.otherDestinations")?.evidence).toContain("archive");
    expect(on(await monitor.diagnosticSettings.get(id, "archive"))).toEqual(["kube-audit"]);
    // The operator removes the assignment's setting: nothing comes back, and a day after the last
    // rewrite the finding resolves (sweeps review it hourly).
    await monitor.diagnosticSettings.delete(id, "setByPolicy");
    await monitor.diagnosticSettings.delete(id, "archive");
    expect(await reaching("aks-staging")).toEqual(wanted);
    await waitFor(h, "the contested finding resolved", async () => (await view("aks-staging")).findings.items.some((f) => f.rule === "diagnostics.contested") ? undefined : true, 26 * 3600_000, 30 * 60_000);
  });

  it("the baseline's other resources beside a cluster get their own categories: a registry's setting converged from its event, a new Key Vault's created by the sweep", async () => {
    const resources = new ResourceManagementClient(new LocalTokenCredential(), h.subscriptionId, {
      endpoint: h.platform.azure.baseUrl, credentials: { scopes: [`${h.platform.azure.baseUrl}/.default`] },
      additionalPolicies: [{ policy: agentPolicy(new Agent({ ca: readFileSync(h.platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8") })), position: "perCall" }]
    });
    const create = async (id: string, body: GenericResource) => {
      const poller = await resources.resources.beginCreateOrUpdateById(id, "2023-07-01", body, { updateIntervalInMs: 0 });
      await advance(h, 5 * 60_000, 60_000);
      return poller.pollUntilDone();
    };
    const registry = `${rg("aks-prod")}/providers/Microsoft.ContainerRegistry/registries/acraksprod`;
    const vault = `${rg("aks-prod")}/providers/Microsoft.KeyVault/vaults/kv-aks-prod`;
    await create(registry, { location: "westeurope", sku: { name: "Premium" }, properties: {} });
    await create(vault, { location: "westeurope", properties: { tenantId: "00000000-0000-0000-0000-000000000000", sku: { family: "A", name: "standard" }, enableRbacAuthorization: true } });
    // The registry's own setting sends only its login events to the workspace.
    await monitor.diagnosticSettings.createOrUpdate(registry, "default", {
      workspaceId: workspace("aks-prod"), logs: [{ category: "ContainerRegistryLoginEvents", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }]
    });
    const logsOf = async (id: string, name: string) => on(await monitor.diagnosticSettings.get(id, name));
    await waitFor(h, "the registry's setting converged", async () => (await logsOf(registry, "default")).length === 2 ? true : undefined, 10 * 60_000, 30_000);
    expect(await logsOf(registry, "default")).toEqual(["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"]);
    expect((await monitor.diagnosticSettings.get(registry, "default")).metrics?.map((m) => m.category)).toEqual(["AllMetrics"]);
    // The vault has no setting at all: the next sweep creates the platform's, AuditEvent only.
    const created = await waitFor(h, "the vault's setting", () => monitor.diagnosticSettings.get(vault, PLATFORM_RESOURCE_SETTING).catch(() => undefined), 2 * 3600_000, 10 * 60_000);
    expect([created.workspaceId?.toLowerCase(), on(created)]).toEqual([workspace("aks-prod").toLowerCase(), ["AuditEvent"]]);
    const ops = (await governanceOps("aks-prod")).map((o) => o.targetVersion);
    expect(ops).toEqual(expect.arrayContaining(["diagnostic settings of acraksprod as desired", "diagnostic settings of kv-aks-prod as desired"]));
  });

  it("aks-dev's budget deleted through ARM is recreated", async () => {
    await consumption.budgets.delete(rg("aks-dev"), PLATFORM_BUDGET);
    expect(await consumption.budgets.get(rg("aks-dev"), PLATFORM_BUDGET).catch(() => undefined)).toBeUndefined();
    const budget = await waitFor(h, "the budget recreated", () => consumption.budgets.get(rg("aks-dev"), PLATFORM_BUDGET).catch(() => undefined), 10 * 60_000, 5_000);
    expect(budget).toMatchObject({ amount: 1500, timeGrain: "Monthly" });
    const op = (await governanceOps("aks-dev")).find((o) => o.trigger.type === "event");
    expect(op).toMatchObject({ status: "Succeeded" });
  });

  it("with the resource events dropped, a changed setting is put right by the next sweep", async () => {
    await sim(h, "POST", "/_sim/faults", { kind: "webhookFailure", target: rg("aks-staging"), status: 400, durationMs: 20 * 60_000 });
    await monitor.diagnosticSettings.createOrUpdate(clusterResourceId(h, "aks-staging"), carrier("aks-staging"), {
      workspaceId: workspace("aks-staging"),
      logs: ["cluster-autoscaler", "kube-audit-admin", "kube-scheduler"].map((category) => ({ category, enabled: true }))
    });
    await advance(h, 5 * 60_000, 30_000);
    // The event was dropped: nothing has put it right yet.
    expect(await enabled("aks-staging")).toEqual(["cluster-autoscaler", "kube-audit-admin", "kube-scheduler"]);
    await waitFor(h, "the sweep to repair aks-staging", async () => (await enabled("aks-staging")).join() === wanted.join() ? true : undefined, 2 * 3600_000);
    const repairs = (await governanceOps("aks-staging")).filter((o) => o.trigger.type === "timer" && o.targetVersion === "diagnostic settings as desired");
    expect(repairs.length).toBeGreaterThanOrEqual(1);
  });

  it("one sweep puts every cluster right while ARM throttles its reads: a throttled review waits and is read again", async () => {
    const drifted = ["cluster-autoscaler", "guard"];
    for (const cluster of ["aks-dev", "aks-staging", "aks-prod"]) {
      await sim(h, "POST", "/_sim/faults", { kind: "webhookFailure", target: rg(cluster), status: 400, durationMs: 90 * 60_000 });
      await monitor.diagnosticSettings.createOrUpdate(clusterResourceId(h, cluster), carrier(cluster), {
        workspaceId: workspace(cluster),
        logs: drifted.map((category) => ({ category, enabled: true }))
      });
    }
    // Every diagnostic-settings read is throttled six times over (Retry-After 5 s); a sweep that
    // gave up on the rest of the fleet at the first 429 would need six sweeps, six hours.
    await sim(h, "POST", "/_sim/faults", { kind: "throttle", resourceType: "Microsoft.Insights/diagnosticSettings", count: 6, retryAfterSeconds: 5 });
    const stats = async () => (await sim<{ operations: Record<string, Record<string, number>> }>(h, "GET", "/_sim/stats")).body.operations.DiagnosticSettings_List ?? {};
    const throttledBefore = (await stats())["429"] ?? 0;
    // Only the control API is read until the sweep has met all six 429s (the test's own ARM reads would meet them too).
    await waitFor(h, "the sweep to meet the throttling", async () => (((await stats())["429"] ?? 0) - throttledBefore === 6 ? true : undefined), 70 * 60_000, 60_000);
    await advance(h, 10 * 60_000, 30_000);
    for (const cluster of ["aks-dev", "aks-staging", "aks-prod"]) expect(await enabled(cluster)).toEqual(wanted);
  });

  it("a forged alert (no such budget in ARM, or ARM's spend below the threshold) changes nothing and is recorded ignored", async () => {
    // The function key is in the action group's serviceUri: anyone who can read the group has it.
    const groupId = h.platform.settings.BUDGET_ACTION_GROUP_ID ?? "";
    const [, , , , groupRg = "", , , , groupName = ""] = groupId.split("/");
    const receiver = (await monitor.actionGroups.get(groupRg, groupName)).webhookReceivers?.[0]?.serviceUri ?? "";
    expect(receiver).toContain("code=");
    const forged = (alertId: string, budgetName: string) => ({
      schemaId: "azureMonitorCommonAlertSchema",
      data: {
        essentials: { alertId, firedDateTime: new Date(h.clock.now()).toISOString() },
        alertContext: { AlertCategory: "budgets", AlertData: { Scope: rg("aks-dev"), ThresholdType: "Actual", BudgetName: budgetName, BudgetThreshold: "$1,500.00", NotificationThresholdAmount: "$1,350.00", SpentAmount: "$1,400.00" } }
      }
    });
    const post = (body: unknown) => fetch(receiver, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const poolsBefore = (await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "user")).count;
    const opsBefore = (await governanceOps("aks-dev")).length;
    const noBudget = await post(forged("forged-1", "no-such-budget"));
    expect(noBudget.status).toBe(200);
    const ignored = (res: unknown) => (res as { clusters: { clusterId: string; status: string; reason: string }[] }).clusters.map((c) => [c.clusterId, c.status, c.reason]);
    expect(ignored(await noBudget.json())).toEqual([["aks-dev", "ignored", expect.stringContaining("ARM has no budget no-such-budget") as unknown]]);
    const below = await post(forged("forged-2", PLATFORM_BUDGET));
    expect(ignored(await below.json())).toEqual([["aks-dev", "ignored", expect.stringMatching(/current spend .* is below 90 % of 1500/) as unknown]]);
    await advance(h, 10 * 60_000, 60_000);
    expect((await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "user")).count).toBe(poolsBefore);
    expect((await governanceOps("aks-dev")).length).toBe(opsBefore);
    const alerts = (await view("aks-dev")).alerts;
    expect(alerts.filter((a) => a.status === "ignored").map((a) => a.actions)).toEqual([[], []]);
    expect((await teamsMessages(h, "ops")).map(cardText).filter((t) => t.includes("Budget alert: aks-dev"))).toEqual([]);
  });

  it("aks-dev's spend past 90 % of its budget scales its user pools to their minimum and posts a card; an ARM outage answers 503 and the redelivered alert acts once", async () => {
    // A budget the day's node-hours already exceed (the cluster's policy, changed through the API).
    const readopt = await api(h, "POST", "/clusters/adopt", { resourceId: clusterResourceId(h, "aks-dev"), environment: "dev", policy: { governance: { budgetAmount: 1 } } });
    expect([200, 202]).toContain(readopt.status);
    await waitFor(h, "the budget lowered by the sweep", async () => (await consumption.budgets.get(rg("aks-dev"), PLATFORM_BUDGET).catch(() => undefined))?.amount === 1 ? true : undefined, 2 * 3600_000);
    // ARM's budgets in rg-aks-dev answer 503 for a minute of virtual time: the handler cannot verify the alert.
    await sim(h, "POST", "/_sim/faults", { kind: "serverError", target: `${rg("aks-dev")}/providers/Microsoft.Consumption/budgets`, status: 503, retryAfterSeconds: 0, durationMs: 60_000 });
    const evaluated = await sim<{ value: { budget: string; threshold: number }[] }>(h, "POST", "/_sim/budgets/evaluate");
    expect(evaluated.body.value.filter((a) => a.budget.includes("rg-aks-dev")).map((a) => a.threshold).sort()).toContain(90);
    const pool = await waitFor(h, "the user pool scaled down", async () => {
      const p = await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "user");
      return p.count === 0 && p.provisioningState === "Succeeded" ? p : undefined;
    }, 3600_000, 30_000);
    expect(pool.count).toBe(0);
    expect((await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "system")).count).toBe(3);
    const cards = (await teamsMessages(h, "ops")).map(cardText).filter((t) => t.includes("Budget alert: aks-dev"));
    expect(cards.some((t) => t.includes("user pools scaled to their minimum"))).toBe(true);
    const alerts = (await view("aks-dev")).alerts;
    expect(alerts.find((a) => a.threshold === 90 && a.thresholdType === "Actual" && a.status !== "ignored")?.actions).toEqual(["card", "scaleUserPoolsToMinimum"]);
    const enforcement = await waitFor(h, "the enforcement operation to end", async () =>
      (await governanceOps("aks-dev")).find((o) => (o.targetVersion ?? "").startsWith("budget enforcement") && o.status === "Succeeded"), 3600_000, 30_000);
    expect(enforcement.steps.map((s) => [s.name, s.status])).toEqual([[expect.stringContaining("Pool user: 2 → 0 nodes"), "Succeeded"]]);
    // The 90 % alert met the outage (503, which Azure Monitor retries) and was acted on by a redelivery, once.
    const deliveries = (await sim<{ value: { status: string; payload?: unknown; attempts: { responseCode?: number }[] }[] }>(h, "GET", "/_sim/action-groups/deliveries")).body.value
      .filter((d) => JSON.stringify(d.payload).includes("rg-aks-dev") && JSON.stringify(d.payload).includes('"Actual"'));
    const codes = deliveries.flatMap((d) => d.attempts.map((a) => a.responseCode));
    expect(codes).toContain(503);
    expect(deliveries.every((d) => d.status === "delivered" && d.attempts.at(-1)?.responseCode === 200)).toBe(true);
    expect((await governanceOps("aks-dev")).filter((o) => (o.targetVersion ?? "").startsWith("budget enforcement"))).toHaveLength(1);
    expect((await teamsMessages(h, "ops")).map(cardText).filter((t) => t.includes("Budget alert: aks-dev") && t.includes("user pools scaled to their minimum"))).toHaveLength(1);
  });

  let newMinor = "";

  it("aks-prod forecast past 100 % holds a new minor upgrade until it is released from the card", async () => {
    const readopt = await api(h, "POST", "/clusters/adopt", { resourceId: clusterResourceId(h, "aks-prod"), environment: "prod", policy: { governance: { budgetAmount: 1 } } });
    expect([200, 202]).toContain(readopt.status);
    await waitFor(h, "prod's budget lowered by the sweep", async () => (await consumption.budgets.get(rg("aks-prod"), PLATFORM_BUDGET).catch(() => undefined))?.amount === 1 ? true : undefined, 2 * 3600_000);
    const evaluated = await sim<{ value: { budget: string; threshold: number; thresholdType: string }[] }>(h, "POST", "/_sim/budgets/evaluate");
    expect(evaluated.body.value.some((a) => a.budget.includes("rg-aks-prod") && a.thresholdType === "Forecasted" && a.threshold === 100)).toBe(true);
    const hold = await waitFor(h, "the hold on aks-prod", async () => (await view("aks-prod")).holds.find((x) => !x.releasedAt), 30 * 60_000, 10_000);
    expect((await view("aks-prod")).holds).toHaveLength(1);

    const releases = await sim<{ supportedMinors: string[] }>(h, "GET", "/_sim/kubernetes-releases");
    const newest = releases.body.supportedMinors.at(-1)!;
    newMinor = `1.${Number(newest.split(".")[1]) + 1}.0`;
    expect((await sim(h, "POST", "/_sim/kubernetes-releases", { version: newMinor })).status).toBeLessThan(300);
    const held = await waitFor(h, "the new minor held", async () => (await view("aks-prod")).holds.find((x) => x.id === hold.id && x.heldTargets.includes(newMinor)), 30 * 60_000, 10_000);
    expect(held.heldTargets).toEqual([newMinor]);
    const upgradeId = `k8s-upgrade:aks-prod:${newMinor}`;
    expect((await api(h, "GET", `/operations/${encodeURIComponent(upgradeId)}`)).status).toBe(404);
    // An operator's upgrade request waits for the hold as the event did (one starter, one rule): 409, nothing started.
    const byHand = await api<{ error: { code: string }; holdId: string }>(h, "POST", "/clusters/aks-prod/upgrades", { kind: "kubernetes", targetVersion: newMinor });
    expect(byHand.status).toBe(409);
    expect(byHand.body).toMatchObject({ error: { code: "UpgradeHeld" }, holdId: hold.id });
    expect((await api(h, "GET", `/operations/${encodeURIComponent(upgradeId)}`)).status).toBe(404);

    const card = (await teamsMessages(h, "ops")).find((m) => cardText(m).includes("Budget alert: aks-prod") && m.card.actions?.some((a) => a.title === "Release hold"));
    const url = card?.card.actions?.find((a) => a.title === "Release hold")?.url ?? "";
    expect(url).toContain("/api/holds/");
    const page = await fetch(url);
    expect(page.status).toBe(200);
    // The page that releases is never framed (clickjacking) and runs no script but the platform's.
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(await page.text()).toContain(newMinor);
    const released = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "approver=alice" });
    expect(released.status).toBe(200);
    expect(await released.json()).toMatchObject({ released: true, releasedBy: "alice", startedOperations: [upgradeId] });
    const upgrade = await api<OperationRecord>(h, "GET", `/operations/${encodeURIComponent(upgradeId)}`);
    expect(upgrade.status).toBe(200);
    expect(upgrade.body.targetVersion).toBe(newMinor);
    // A second release from the same card changes nothing.
    const again = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "approver=bob" });
    expect(await again.json()).toMatchObject({ released: false, releasedBy: "alice" });
    expect((await view("aks-prod")).holds[0]).toMatchObject({ releasedBy: "alice", startedOnRelease: [upgradeId] });
  });

  it("a release whose event never reached the platform is caught up by the sweep, once", async () => {
    // Let one sweep see the region's list as it is now (the new minor's upgrades already exist).
    await advance(h, 60 * 60_000, 5 * 60_000);
    const patch = `${newMinor.split(".").slice(0, 2).join(".")}.1`;
    await sim(h, "POST", "/_sim/faults", { kind: "webhookFailure", target: clusterResourceId(h, "aks-staging"), status: 400, durationMs: 10 * 60_000 });
    expect((await sim(h, "POST", "/_sim/kubernetes-releases", { version: patch })).status).toBeLessThan(300);
    const id = `k8s-upgrade:aks-staging:${patch}`;
    await advance(h, 5 * 60_000, 30_000);
    expect((await api(h, "GET", `/operations/${encodeURIComponent(id)}`)).status).toBe(404);
    const caught = await waitFor(h, "the sweep to start the missed upgrade", async () => {
      const res = await api<OperationRecord>(h, "GET", `/operations/${encodeURIComponent(id)}`);
      return res.status === 200 ? res.body : undefined;
    }, 2 * 3600_000, 5 * 60_000);
    expect(caught.trigger).toMatchObject({ type: "timer", by: "governanceSweep" });
    await advance(h, 2 * 3600_000, 10 * 60_000);
    const forPatch = (await operations(h, "?clusterId=aks-staging")).filter((o) => o.targetVersion === patch);
    expect(forPatch.map((o) => o.id)).toEqual([id]);
  });

  it("the budget alert webhook needs the function key, names each bad field, and acts once per alert", async () => {
    const url = `${h.platform.apiBase}/alerts/budget`;
    const delivered = (await sim<{ value: { endpointUrl: string; status: string; payload?: unknown; attempts: { responseCode?: number }[] }[] }>(h, "GET", "/_sim/action-groups/deliveries")).body.value;
    const first = delivered.find((d) => d.status === "delivered" && JSON.stringify(d.payload).includes("rg-aks-dev"))!;
    expect(first.attempts.at(-1)?.responseCode).toBe(200);
    const post = (target: string, body: unknown) => fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post(url, first.payload)).status).toBe(401);
    const bad = await post(first.endpointUrl, { schemaId: "AIP Budget Notification", data: {} });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { details?: { field: string }[]; issues?: { field: string }[] } }).error;
    expect(JSON.stringify(fields)).toContain("schemaId");
    expect(JSON.stringify(fields)).toContain("data.alertContext.AlertData.Scope");
    const alertsBefore = (await view("aks-dev")).alerts.length;
    const again = await post(first.endpointUrl, first.payload);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ recorded: true, clusters: [{ clusterId: "aks-dev", duplicate: true }] });
    expect((await view("aks-dev")).alerts.length).toBe(alertsBefore);
  });
});
