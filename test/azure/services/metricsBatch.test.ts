/**
 * The metrics data plane (`POST {region endpoint}/subscriptions/{id}/metrics:getBatch`) through the
 * real @azure/monitor-query-metrics client, as the health gate reads it: its answers match the ARM
 * metrics API's, its requests are not ARM's (counted apart, no ARM bucket spent), and it refuses
 * what Azure's batching rules refuse.
 */
import type { RestError } from "@azure/core-rest-pipeline";
import { createMetricsClient, metricsScope } from "../../../shared/azure";
import { failureOf } from "../../../shared/domain/failures";
import { ClusterLocationUnknownError, createCaptureClusterHealthActivity } from "../../../orchestrations/kubernetesUpgrade/activities/captureClusterHealth";
import { createCluster, simRequest, startHarness, type SimHarness } from "./harness";

const NAMESPACE = "Microsoft.ContainerService/managedClusters";

describe("Metrics data plane (metrics:getBatch)", () => {
  let h: SimHarness;
  const rg = "rg-aks-batch";
  let clusterId: string;
  const settings = () => ({ mode: "local" as const, monitorMetricsEndpoint: `${h.sim.baseUrl}/_metrics/{region}`, localCaPath: h.sim.caPath });

  beforeEach(async () => {
    h = await startHarness();
    await h.clients.resources.resourceGroups.createOrUpdate(rg, { location: "westeurope" });
    clusterId = (await createCluster(h, rg, "aks-batch")).id ?? "";
    await h.clock.advance(2 * 60_000);
  });
  afterEach(async () => { await h.close(); });

  const window = () => ({ startTime: new Date(h.clock.now() - 60_000), endTime: new Date(h.clock.now()), interval: "PT1M", aggregation: "Average" });

  it("answers as the ARM metrics API does, per resource, without spending an ARM request", async () => {
    const arm = await h.clients.monitor.metrics.list(clusterId, {
      metricnames: "kube_pod_status_phase", timespan: `${window().startTime.toISOString()}/${window().endTime.toISOString()}`, interval: "PT1M", filter: "phase eq '*'"
    });
    h.sim.kernel.stats.reset();
    const [result, ...rest] = await createMetricsClient(settings(), "westeurope")
      .queryResources([clusterId], ["kube_pod_status_phase"], NAMESPACE, { ...window(), filter: "phase eq '*'" });
    expect(rest).toEqual([]);
    expect(result).toMatchObject({ resourceId: clusterId, resourceRegion: "westeurope", namespace: NAMESPACE, granularity: "PT1M" });
    const phases = (series: { metadatavalues?: { value?: string }[]; data?: { average?: number }[] }[]) =>
      Object.fromEntries(series.map((t) => [t.metadatavalues?.[0]?.value ?? "", t.data?.[0]?.average]));
    expect(phases(result!.metrics[0]!.timeseries)).toEqual(phases(arm.value[0]!.timeseries ?? []));
    expect(phases(result!.metrics[0]!.timeseries)).toMatchObject({ Running: 31, Pending: 0, Failed: 0 });
    expect(result!.metrics[0]!.id.endsWith("/kube_pod_status_phase")).toBe(true);
    expect(h.sim.kernel.stats.total).toBe(0);
    expect(h.sim.kernel.dataPlaneStats.count("Metrics_Batch", 200)).toBe(1);
    const stats = (await simRequest(h, "GET", "/_sim/stats")).json() as { total: number; dataPlane: { total: number } };
    expect([stats.total, stats.dataPlane.total]).toEqual([0, 1]);
  });

  it("refuses a batch of another region, subscription or type, more than 50 resources, and unknown metrics or dimensions", async () => {
    const fail = async (region: string, ids: string[], metric = "kube_pod_status_phase", filter = "phase eq '*'") =>
      (await createMetricsClient(settings(), region).queryResources(ids, [metric], NAMESPACE, { ...window(), filter }).catch((e: unknown) => e)) as RestError;
    const wrongRegion = await fail("eastus", [clusterId]);
    expect([wrongRegion.statusCode, wrongRegion.message]).toEqual([400, expect.stringContaining("is in region 'westeurope', not 'eastus'")]);
    const otherSub = clusterId.replace(h.subscriptionId, "11111111-1111-1111-1111-111111111111");
    expect((await fail("westeurope", [clusterId, otherSub])).message).toContain("same subscription");
    expect((await fail("westeurope", [`/subscriptions/${h.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet`])).message).toContain("same resource type");
    expect((await fail("westeurope", Array.from({ length: 51 }, () => clusterId))).message).toContain("at most 50");
    expect((await fail("westeurope", [clusterId.replace("aks-batch", "aks-gone")])).message).toContain("was not found");
    expect((await fail("westeurope", [clusterId], "nope")).message).toMatch(/^Failed to find metric configuration/);
    const dims = await fail("westeurope", [clusterId], "kube_pod_status_phase", "condition eq '*'");
    expect([dims.statusCode, dims.message]).toEqual([400, expect.stringContaining("does not support requested dimension combination: condition")]);
  });

  it("requires a token and an api-version it knows, throttles with Retry-After, and honours faults on a cluster's metrics", async () => {
    const path = `/_metrics/westeurope/subscriptions/${h.subscriptionId}/metrics:getBatch?metricnamespace=${NAMESPACE}&metricnames=kube_pod_status_phase`;
    const anonymous = await simRequest(h, "POST", `${path}&api-version=2024-02-01`, { resourceids: [clusterId] });
    expect(anonymous.status).toBe(401);
    const token = { authorization: "Bearer t" };
    const post = (query: string) => fetchSim(h, `${path}${query}`, { resourceids: [clusterId] }, token);
    expect((await post("")).status).toBe(400);
    expect((await post("&api-version=2021-05-01")).status).toBe(400);
    expect((await post("&api-version=2023-10-01")).status).toBe(200);

    h.sim.kernel.faults.add({ kind: "throttle", target: `${clusterId}/providers/Microsoft.Insights/metrics`, count: 1, retryAfterSeconds: 7 });
    const throttled = (await createMetricsClient(settings(), "westeurope").queryResources([clusterId], ["kube_pod_status_phase"], NAMESPACE, window()).catch((e: unknown) => e)) as RestError;
    expect(throttled.statusCode).toBe(429);
    expect(throttled.response?.headers.get("retry-after")).toBe("7");
    h.sim.kernel.faults.add({ kind: "badRequest", target: `${clusterId}/providers/Microsoft.Insights/metrics`, count: 1, code: "BadRequest", message: "refused" });
    const refused = (await createMetricsClient(settings(), "westeurope").queryResources([clusterId], ["kube_pod_status_phase"], NAMESPACE, window()).catch((e: unknown) => e)) as RestError;
    expect([refused.statusCode, refused.message]).toEqual([400, "refused"]);
    // The data plane's own bucket (ARM's read limits as a floor): 250 at once, then 429.
    const client = createMetricsClient(settings(), "westeurope");
    const answers = await Promise.all(Array.from({ length: 260 }, () => client.queryResources([clusterId], ["kube_pod_status_phase"], NAMESPACE, window()).then(() => 200, (e: RestError) => e.statusCode)));
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(h.sim.kernel.stats.throttled).toBe(0);
  });

  it("gives the health gate its sample from the cluster's region, and fails it plainly when the region is unknown or wrong", async () => {
    const activity = (location: string | undefined) => createCaptureClusterHealthActivity({
      dataPlane: { queryResources: (region, ...args) => createMetricsClient(settings(), region).queryResources(...args) },
      locationOf: async () => location,
      clock: { now: () => h.clock.now() }
    });
    h.sim.kernel.stats.reset();
    const sample = await activity("West Europe")({ clusterId: "aks-batch", resourceId: clusterId });
    expect(sample).toMatchObject({
      pools: [{ pool: "system", nodesReady: 3, nodesTotal: 3 }, { pool: "user", nodesReady: 2, nodesTotal: 2 }],
      podsReadyRatio: 1, podsFailed: 0, podsPending: 0
    });
    expect([h.sim.kernel.stats.total, h.sim.kernel.dataPlaneStats.count("Metrics_Batch", 200)]).toEqual([0, 3]);

    const unknown = await activity(undefined)({ clusterId: "aks-batch", resourceId: clusterId }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ClusterLocationUnknownError);
    expect(failureOf(unknown).kind).toBe("permanent");
    const wrong = await activity("eastus")({ clusterId: "aks-batch", resourceId: clusterId }).catch((e: unknown) => e);
    expect(failureOf(wrong)).toMatchObject({ kind: "permanent", status: 400, code: "BadRequest" });
  });

  it("scopes tokens to the data plane's audience, not ARM's", () => {
    expect(metricsScope("https://{region}.metrics.monitor.azure.com")).toBe("https://metrics.monitor.azure.com/.default");
    expect(metricsScope("https://{region}.metrics.monitor.azure.cn")).toBe("https://metrics.monitor.azure.cn/.default");
    expect(metricsScope("https://127.0.0.1:8443/_metrics/{region}")).toBe("https://127.0.0.1:8443/.default");
  });
});

async function fetchSim(h: SimHarness, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number }> {
  const { request } = await import("node:https");
  const { readFileSync } = await import("node:fs");
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(`${h.sim.baseUrl}${path}`, {
      method: "POST", ca: readFileSync(h.sim.caPath, "utf8"), agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers }
    }, (res) => { res.resume(); res.on("end", () => resolve({ status: res.statusCode ?? 0 })); });
    req.on("error", reject);
    req.end(payload);
  });
}
