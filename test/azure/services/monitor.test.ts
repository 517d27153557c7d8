import type { RestError } from "@azure/core-rest-pipeline";
import type { Response as MetricsResponse } from "@azure/arm-monitor";
import type { GenericResource } from "@azure/arm-resources";
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
    // Each to its own workspace: two settings may not send a category to the same sink (below).
    const to = (i: number) => ({ ...setting(["kube-audit"]), workspaceId: `${workspaceId}-${i}` });
    for (let i = 1; i <= 5; i++) await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, `s${i}`, to(i));
    const err = (await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "s6", to(6)).catch((e: unknown) => e)) as RestError;
    expect(err.statusCode).toBe(400);
    expect(err.message).toContain("5 diagnostic settings");
    // Updating one of the five is still allowed; after a delete there is room again.
    await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "s5", { ...setting(["kube-apiserver"]), workspaceId: `${workspaceId}-5` });
    await h.clients.monitor.diagnosticSettings.delete(clusterId, "s1");
    await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "s6", to(6));
  });

  // Azure's answer, as quoted in Azure/terraform-azurerm-avm-ptn-aiml-landing-zone#19 and Azure/bicep-registry-modules#3407.
  it("refuses a second setting sending a category to a sink another setting already sends it to (409 Conflict)", async () => {
    await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "cluster-logs", setting(["kube-audit-admin", "guard"]));
    const dup = (await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "aksops-cluster-logs", { workspaceId, logs: [{ category: "guard", enabled: true }] }).catch((e: unknown) => e)) as RestError;
    expect([dup.statusCode, dup.code, dup.message]).toEqual([409, "Conflict",
      `Data sink '${workspaceId}' is already used in diagnostic setting 'cluster-logs' for category 'guard'. Data sinks can't be reused in different settings on the same category for the same resource.`]);
    // Through a category group (`audit` holds kube-audit-admin and guard), and for metrics too.
    const group = (await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "g", { workspaceId, logs: [{ categoryGroup: "audit", enabled: true }] }).catch((e: unknown) => e)) as RestError;
    expect(group.statusCode).toBe(409);
    const metrics = (await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "m", { workspaceId, metrics: [{ category: "AllMetrics", enabled: true }] }).catch((e: unknown) => e)) as RestError;
    expect(metrics.message).toContain("for category 'AllMetrics'");
    // Nothing half-written.
    await expect(h.clients.monitor.diagnosticSettings.get(clusterId, "aksops-cluster-logs")).rejects.toMatchObject({ statusCode: 404 });
    // Other categories to the same sink, the same category to another sink, a disabled entry and an update of the holder are accepted.
    await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "other-cats", { workspaceId, logs: [{ category: "kube-apiserver", enabled: true }, { category: "guard", enabled: false }] });
    await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "elsewhere", { workspaceId: `${workspaceId}-archive`, logs: [{ category: "guard", enabled: true }] });
    await h.clients.monitor.diagnosticSettings.createOrUpdate(clusterId, "cluster-logs", setting(["kube-audit-admin", "guard", "cluster-autoscaler"]));
  });

  it("checks categories against each baseline resource type (Key Vault, Container Registry)", async () => {
    const sub = h.subscriptionId;
    const vault = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/kv-mon`;
    const create = async (id: string, body: GenericResource) => {
      const poller = await h.clients.resources.resources.beginCreateOrUpdateById(id, "2023-07-01", body, { updateIntervalInMs: 0 });
      await h.clock.advance(10 * 60_000);
      return poller.pollUntilDone();
    };
    await create(vault, { location: "westeurope", properties: { tenantId: "00000000-0000-0000-0000-0000000000aa", sku: { family: "A", name: "standard" }, enableRbacAuthorization: true } });
    const names: string[] = [];
    for await (const c of h.clients.monitor.diagnosticSettingsCategory.list(vault)) names.push(c.name ?? "");
    expect(names.sort()).toEqual(["AllMetrics", "AuditEvent", "AzurePolicyEvaluationDetails"]);
    await h.clients.monitor.diagnosticSettings.createOrUpdate(vault, "audit", { workspaceId, logs: [{ category: "AuditEvent", enabled: true }] });
    const aks = (await h.clients.monitor.diagnosticSettings.createOrUpdate(vault, "bad", { workspaceId, logs: [{ category: "kube-audit", enabled: true }] }).catch((e: unknown) => e)) as RestError;
    expect([aks.statusCode, aks.message]).toEqual([400, "Category 'kube-audit' is not supported."]);
    const registry = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/acrmon1`;
    await create(registry, { location: "westeurope", sku: { name: "Premium" }, properties: {} });
    await h.clients.monitor.diagnosticSettings.createOrUpdate(registry, "acr", { workspaceId, logs: [{ category: "ContainerRegistryLoginEvents", enabled: true }, { category: "ContainerRegistryRepositoryEvents", enabled: true }] });
    const wrong = (await h.clients.monitor.diagnosticSettings.createOrUpdate(registry, "bad", { workspaceId: `${workspaceId}-2`, logs: [{ category: "AuditEvent", enabled: true }] }).catch((e: unknown) => e)) as RestError;
    expect(wrong.statusCode).toBe(400);
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
