import type { RestError } from "@azure/core-rest-pipeline";
import type { Response as MetricsResponse } from "@azure/arm-monitor";
import { createCluster, startHarness, type SimHarness } from "./harness";

describe("Monitor simulator (diagnostic settings, categories, AKS platform metrics)", () => {
  let h: SimHarness;
  const rg = "rg-aks-mon";
  let clusterId: string;
  const workspaceId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-ops";

  beforeEach(async () => {
    h = await startHarness();
    await h.clients.resources.resourceGroups.createOrUpdate(rg, { location: "westeurope" });
    const cluster = await createCluster(h, rg, "aks-mon");
    clusterId = cluster.id ?? "";
  });
  afterEach(async () => { await h.close(); });

  const setting = (categories: string[]) => ({
    workspaceId,
    logs: categories.map((category) => ({ category, enabled: true })),
    metrics: [{ category: "AllMetrics", enabled: true }]
  });

  it("lists AKS's diagnostic categories", async () => {
    const names: [string, string | undefined][] = [];
    for await (const c of h.clients.monitor.diagnosticSettingsCategory.list(clusterId)) names.push([c.name ?? "", c.categoryType]);
    expect(names).toEqual(expect.arrayContaining([["kube-apiserver", "Logs"], ["kube-audit", "Logs"], ["kube-audit-admin", "Logs"], ["guard", "Logs"], ["cluster-autoscaler", "Logs"], ["AllMetrics", "Metrics"]]));
    expect(names).toHaveLength(16);
  });

  it("creates, reads, lists, updates and deletes diagnostic settings", async () => {
    const created = await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "to-law", setting(["kube-audit-admin", "guard"]));
    expect(created).toMatchObject({ name: "to-law", type: "Microsoft.Insights/diagnosticSettings", workspaceId });
    expect(created.logs?.map((l) => l.category)).toEqual(["kube-audit-admin", "guard"]);
    const updated = await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "to-law", setting(["kube-apiserver"]));
    expect(updated.logs?.map((l) => l.category)).toEqual(["kube-apiserver"]);
    const got = await h.clients.monitor.diagnosticSettings.get(clusterId, "to-law");
    expect(got.logs?.map((l) => l.category)).toEqual(["kube-apiserver"]);
    const listed = [];
    for await (const s of h.clients.monitor.diagnosticSettings.list(clusterId)) listed.push(s.name);
    expect(listed).toEqual(["to-law"]);
    await h.clients.monitor.diagnosticSettings.delete(clusterId, "to-law");
    await expect(h.clients.monitor.diagnosticSettings.get(clusterId, "to-law")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("allows at most five settings per resource", async () => {
    for (let i = 1; i <= 5; i++) await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, `s${i}`, setting(["kube-audit"]));
    const err = (await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "s6", setting(["kube-audit"])).catch((e: unknown) => e)) as RestError;
    expect(err.statusCode).toBe(400);
    expect(err.message).toContain("5 diagnostic settings");
    // Updating one of the five is still allowed; after a delete there is room again.
    await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "s5", setting(["kube-apiserver"]));
    await h.clients.monitor.diagnosticSettings.delete(clusterId, "s1");
    await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "s6", setting(["kube-audit"]));
  });

  it("rejects a category the cluster does not offer, and retention on a new setting, as Azure does", async () => {
    const bad = (await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "bad", setting(["kube-nonsense"])).catch((e: unknown) => e)) as RestError;
    expect([bad.statusCode, bad.message]).toEqual([400, "Category 'kube-nonsense' is not supported."]);
    const metric = (await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "bad", { workspaceId, metrics: [{ category: "Requests", enabled: true }] }).catch((e: unknown) => e)) as RestError;
    expect(metric.message).toBe("Metric category 'Requests' is not supported, supported categories are: 'AllMetrics'");
    const retention = (await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "bad", {
      workspaceId, logs: [{ category: "kube-audit", enabled: true, retentionPolicy: { enabled: true, days: 30 } }]
    }).catch((e: unknown) => e)) as RestError;
    expect(retention.message).toBe("Diagnostic settings does not support retention for new diagnostic settings.");
    const group = await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "audit", { workspaceId, logs: [{ categoryGroup: "audit", enabled: true }] });
    expect(group.logs?.[0]?.categoryGroup).toBe("audit");
  });

  async function readyNodes(timespan: string): Promise<{ status: string; values: (number | undefined)[] }[]> {
    const res: MetricsResponse = await h.clients.monitor.metrics.list(clusterId, {
      metricnames: "kube_node_status_condition", timespan, interval: "PT1M", aggregation: "Average",
      filter: "condition eq 'Ready' and status eq '*'"
    });
    return (res.value[0]?.timeseries ?? []).map((t) => ({
      status: t.metadatavalues?.find((m) => m.name?.value === "status")?.value ?? "",
      values: (t.data ?? []).map((d) => d.average)
    })).sort((a, b) => a.status.localeCompare(b.status));
  }

  it("shows nodes leaving Ready while a pool rolls, and the unhealthyPool fault keeping them NotReady", async () => {
    const start = h.clock.now();
    // Pool `user` (2 nodes, maxSurge 10% → 1) rolls in two 4-minute batches, with one surge node.
    const poller = await h.clients.containerService.agentPools.beginUpgradeNodeImageVersion(rg, "aks-mon", "user", { updateIntervalInMs: 0 });
    await h.clock.advance(2 * 60_000);
    const iso = (ms: number) => new Date(ms).toISOString();
    let series = await readyNodes(`${iso(start - 3 * 60_000)}/${iso(start + 2 * 60_000)}`);
    expect(series).toEqual([
      { status: "false", values: [0, 0, 0, 1, 1] },
      { status: "true", values: [5, 5, 5, 5, 5] },
      { status: "unknown", values: [0, 0, 0, 0, 0] }
    ]);

    const byNode = await h.clients.monitor.metrics.list(clusterId, {
      metricnames: "kube_node_status_condition", timespan: `${iso(start + 60_000)}/${iso(start + 2 * 60_000)}`, interval: "PT1M",
      filter: "condition eq 'Ready' and status eq 'false' and node eq '*'"
    });
    const notReady = (byNode.value[0]?.timeseries ?? []).filter((t) => t.data?.[0]?.average === 1).map((t) => t.metadatavalues?.[0]?.value);
    expect(notReady).toEqual([expect.stringMatching(/^aks-user-\d{8}-vmss000000$/)]);
    // The DaemonSet pods of the node being replaced are Pending.
    const phases = await h.clients.monitor.metrics.list(clusterId, {
      metricnames: "kube_pod_status_phase", timespan: `${iso(start + 60_000)}/${iso(start + 2 * 60_000)}`, interval: "PT1M", filter: "phase eq '*'"
    });
    const byPhase: Record<string, number | undefined> = {};
    for (const t of phases.value[0]?.timeseries ?? []) byPhase[t.metadatavalues?.[0]?.value ?? ""] = t.data?.[0]?.average;
    expect(byPhase).toMatchObject({ Pending: 5, Running: 31, Failed: 0 });

    h.sim.kernel.faults.add({ kind: "unhealthyPool", target: `${clusterId}/agentPools/system`, notReadyNodes: 2 });
    await h.clock.advance(10 * 60_000);
    await poller.pollUntilDone();
    const systemRoll = await h.clients.containerService.agentPools.beginUpgradeNodeImageVersion(rg, "aks-mon", "system", { updateIntervalInMs: 0 });
    await h.clock.advance(30 * 60_000);
    await systemRoll.pollUntilDone();
    series = await readyNodes(`${iso(h.clock.now() - 60_000)}/${iso(h.clock.now())}`);
    expect(series.map((s) => [s.status, s.values])).toEqual([["false", [2]], ["true", [3]], ["unknown", [0]]]);
  });

  it("reports pods and CPU derived from the same nodes, and lists metric definitions", async () => {
    const res = await h.clients.monitor.metrics.list(clusterId, {
      metricnames: "kube_pod_status_ready,node_cpu_usage_percentage", timespan: "PT5M", interval: "PT5M", aggregation: "Average,Maximum",
      filter: "nodepool eq '*'"
    }).catch((e: unknown) => e as RestError);
    // nodepool is a dimension of node_cpu_usage_percentage only: Azure rejects the combination.
    expect((res as RestError).statusCode).toBe(400);

    const pods = await h.clients.monitor.metrics.list(clusterId, { metricnames: "kube_pod_status_ready", timespan: "PT5M", interval: "PT5M", filter: "condition eq 'true'" });
    // 5 DaemonSet pods on each of 5 nodes, plus 6 system Deployment replicas.
    expect(pods.value[0]?.timeseries?.[0]?.data?.[0]?.average).toBe(31);
    const cpu = await h.clients.monitor.metrics.list(clusterId, { metricnames: "node_cpu_usage_percentage", timespan: "PT5M", interval: "PT5M", aggregation: "Average,Maximum", filter: "nodepool eq '*'" });
    const pools = (cpu.value[0]?.timeseries ?? []).map((t) => t.metadatavalues?.[0]?.value).sort();
    expect(pools).toEqual(["system", "user"]);
    for (const t of cpu.value[0]?.timeseries ?? []) {
      const point = t.data?.[0];
      expect(point?.average).toBeGreaterThan(5);
      expect(point?.maximum).toBeGreaterThanOrEqual(point?.average ?? 0);
    }
    const defs: string[] = [];
    for await (const d of h.clients.monitor.metricDefinitions.list(clusterId)) defs.push(d.name?.value ?? "");
    expect(defs).toEqual(["kube_node_status_condition", "kube_pod_status_ready", "kube_pod_status_phase", "node_cpu_usage_percentage"]);
    const unknown = (await h.clients.monitor.metrics.list(clusterId, { metricnames: "nope" }).catch((e: unknown) => e)) as RestError;
    expect(unknown.statusCode).toBe(400);
    expect(unknown.message).toMatch(/^Failed to find metric configuration for provider: Microsoft.ContainerService, resource Type: managedClusters, metric: nope/);
  });
});
