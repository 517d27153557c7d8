/**
 * Governance through the public contracts, on the simulator with the virtual clock: the sweep puts
 * the platform's diagnostic setting and budget on every cluster; drift made through ARM is put
 * right from the resource event (or, when events are dropped, by the next sweep); budget alerts
 * from the simulator's evaluation act (dev scales its user pools down, prod holds a new minor until
 * released from the card); a release whose event never arrived is caught up by the sweep.
 */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { ConsumptionManagementClient } from "@azure/arm-consumption";
import { MonitorClient } from "@azure/arm-monitor";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { LocalTokenCredential } from "../../shared/azure";
import { CLUSTER_LOG_CATEGORIES, PLATFORM_BUDGET, PLATFORM_DIAGNOSTIC_SETTING } from "../../shared/domain/governance/desired";
import type { OperationRecord } from "../../shared/store";
import { advance, api, cardText, clusterResourceId, operations, sim, startHarness, teamsMessages, waitFor, type Harness } from "../platform/support";

interface GovernanceView {
  governance: {
    findings: { open: number; items: { rule: string }[]; resolved: { rule: string; evidence: string; resolvedAt: string }[] };
    budget: { amount?: number; currentSpend?: number; forecastSpend?: number; missing?: boolean };
    holds: { id: string; releasedAt?: string; heldTargets: string[] }[];
    alerts: { threshold: number; thresholdType: string; actions: string[] }[];
  };
}

describe("governance: diagnostic settings and budgets kept as desired, budget alerts that act, missed events caught up", () => {
  let h: Harness;
  let monitor: MonitorClient;
  let consumption: ConsumptionManagementClient;
  const rg = (name: string) => `/subscriptions/${h.subscriptionId}/resourceGroups/rg-${name}`;
  const enabled = async (cluster: string): Promise<string[]> => {
    const s = await monitor.diagnosticSettings.get(clusterResourceId(h, cluster), PLATFORM_DIAGNOSTIC_SETTING);
    return (s.logs ?? []).filter((l) => l.enabled).map((l) => l.category ?? "").sort();
  };
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

  it("the sweep puts the platform's diagnostic setting and budget on every registered cluster", async () => {
    for (const cluster of ["aks-dev", "aks-staging", "aks-prod"]) {
      await waitFor(h, `${cluster}'s diagnostic setting`, async () => (await enabled(cluster).catch(() => undefined))?.join() === wanted.join() ? true : undefined, 2 * 3600_000);
      const budget = await waitFor(h, `${cluster}'s budget`, () => consumption.budgets.get(rg(cluster), PLATFORM_BUDGET).catch(() => undefined), 3600_000);
      expect(budget).toMatchObject({ amount: { "aks-dev": 1500, "aks-staging": 3000, "aks-prod": 10000 }[cluster], timeGrain: "Monthly" });
      expect(Object.values(budget.notifications ?? {}).map((n) => `${n.thresholdType}:${n.threshold}`).sort()).toEqual(["Actual:50", "Actual:75", "Actual:90", "Forecasted:100"]);
    }
    const setting = await monitor.diagnosticSettings.get(clusterResourceId(h, "aks-prod"), PLATFORM_DIAGNOSTIC_SETTING);
    expect(setting.workspaceId?.toLowerCase()).toBe(`${rg("aks-prod")}/providers/Microsoft.OperationalInsights/workspaces/log-aks-prod`.toLowerCase());
    const ops = await governanceOps("aks-prod");
    expect(ops.every((o) => o.status === "Succeeded" && o.trigger.type === "timer")).toBe(true);
    const v = await view("aks-prod");
    expect(v.budget).toMatchObject({ amount: 10000 });
    expect(typeof v.budget.currentSpend).toBe("number");
    expect(typeof v.budget.forecastSpend).toBe("number");
  });

  it("kube-audit added to aks-prod's setting through ARM is removed, with a finding, from the resource event (no loop on the platform's own write)", async () => {
    const before = (await governanceOps("aks-prod")).length;
    await monitor.diagnosticSettings.createOrUpdate(clusterResourceId(h, "aks-prod"), PLATFORM_DIAGNOSTIC_SETTING, {
      workspaceId: `${rg("aks-prod")}/providers/Microsoft.OperationalInsights/workspaces/log-aks-prod`,
      logs: [...CLUSTER_LOG_CATEGORIES, "kube-audit"].map((category) => ({ category, enabled: true }))
    });
    expect(await enabled("aks-prod")).toContain("kube-audit");
    // Well inside the hour before the next sweep: the event is what puts it right.
    await waitFor(h, "kube-audit removed", async () => (await enabled("aks-prod")).includes("kube-audit") ? undefined : true, 10 * 60_000, 5_000);
    expect(await enabled("aks-prod")).toEqual(wanted);
    const ops = await governanceOps("aks-prod");
    expect(ops.length).toBe(before + 1);
    const repair = ops.find((o) => o.trigger.type === "event")!;
    expect(repair).toMatchObject({ status: "Succeeded", trigger: { type: "event" } });
    expect(repair.steps).toHaveLength(1);
    // The review of the repair's own write resolves the finding once its coalescing window (30 s) closed (issue 24 item 9).
    const finding = await waitFor(h, "the finding resolved", async () => (await view("aks-prod")).findings.resolved.find((f) => f.rule === "diagnostics.platformSetting"), 5 * 60_000, 5_000);
    expect(finding?.evidence).toContain("kube-audit");
    // The platform's own write raised an event too: it found nothing to do.
    await advance(h, 10 * 60_000, 30_000);
    expect((await governanceOps("aks-prod")).length).toBe(before + 1);
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
    await monitor.diagnosticSettings.createOrUpdate(clusterResourceId(h, "aks-staging"), PLATFORM_DIAGNOSTIC_SETTING, {
      workspaceId: `${rg("aks-staging")}/providers/Microsoft.OperationalInsights/workspaces/log-aks-staging`,
      logs: ["cluster-autoscaler", "kube-audit-admin", "kube-scheduler"].map((category) => ({ category, enabled: true }))
    });
    await advance(h, 5 * 60_000, 30_000);
    // The event was dropped: nothing has put it right yet.
    expect(await enabled("aks-staging")).toEqual(["cluster-autoscaler", "kube-audit-admin", "kube-scheduler"]);
    await waitFor(h, "the sweep to repair aks-staging", async () => (await enabled("aks-staging")).join() === wanted.join() ? true : undefined, 2 * 3600_000);
    const repairs = (await governanceOps("aks-staging")).filter((o) => o.trigger.type === "timer" && o.targetVersion === "diagnostic settings as desired");
    expect(repairs.length).toBeGreaterThanOrEqual(2);
  });

  it("one sweep puts every cluster right while ARM throttles its reads: a throttled review waits and is read again", async () => {
    const drifted = ["cluster-autoscaler", "guard"];
    for (const cluster of ["aks-dev", "aks-staging", "aks-prod"]) {
      await sim(h, "POST", "/_sim/faults", { kind: "webhookFailure", target: rg(cluster), status: 400, durationMs: 90 * 60_000 });
      await monitor.diagnosticSettings.createOrUpdate(clusterResourceId(h, cluster), PLATFORM_DIAGNOSTIC_SETTING, {
        workspaceId: `${rg(cluster)}/providers/Microsoft.OperationalInsights/workspaces/log-${cluster}`,
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

  it("aks-dev's spend past 90 % of its budget scales its user pools to their minimum and posts a card", async () => {
    // A budget the day's node-hours already exceed (the cluster's policy, changed through the API).
    const readopt = await api(h, "POST", "/clusters/adopt", { resourceId: clusterResourceId(h, "aks-dev"), environment: "dev", policy: { governance: { budgetAmount: 1 } } });
    expect([200, 202]).toContain(readopt.status);
    await waitFor(h, "the budget lowered by the sweep", async () => (await consumption.budgets.get(rg("aks-dev"), PLATFORM_BUDGET).catch(() => undefined))?.amount === 1 ? true : undefined, 2 * 3600_000);
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
    expect(alerts.find((a) => a.threshold === 90 && a.thresholdType === "Actual")?.actions).toEqual(["card", "scaleUserPoolsToMinimum"]);
    const enforcement = await waitFor(h, "the enforcement operation to end", async () =>
      (await governanceOps("aks-dev")).find((o) => (o.targetVersion ?? "").startsWith("budget enforcement") && o.status === "Succeeded"), 3600_000, 30_000);
    expect(enforcement.steps.map((s) => [s.name, s.status])).toEqual([[expect.stringContaining("Pool user: 2 → 0 nodes"), "Succeeded"]]);
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
