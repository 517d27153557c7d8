/**
 * The operation engine against the whole platform (simulator, embedded Cosmos, local host, virtual
 * clock), with faults injected by the simulator: ARM throttling in the middle of an upgrade is
 * waited out on durable timers; a step start ARM refuses (400) ends the operation `Failed` with
 * ARM's error and an alert, and a resume finishes it once the fault is gone; a health capture that
 * cannot be made ends the operation `Failed`, never leaving it `Running`.
 */
import { advance, api, cardText, clusterResourceId, operations, operationWith, sim, startHarness, teamsMessages, type Harness } from "../platform/support";
import type { OperationRecord } from "../../shared/store";

describe("operation engine: every operation ends with a record that says how", () => {
  let h: Harness;
  let devId: string;
  beforeAll(async () => {
    h = await startHarness();
    devId = clusterResourceId(h, "aks-dev");
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  const failedAlerts = async (): Promise<string[]> => (await teamsMessages(h, "ops")).map(cardText).filter((t) => t.includes("Upgrade failed: aks-dev"));

  it("waits out 45 s of ARM throttling in the middle of an upgrade and completes it", async () => {
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" });
    const id = "k8s-upgrade:aks-dev:1.36.3";
    await operationWith(h, id, (op) => op.steps[0]?.status === "Running", "the control-plane step to start");
    const throttled = async (): Promise<number> => (await sim<{ throttled: number }>(h, "GET", "/_sim/stats")).body.throttled;
    const before = await throttled();
    const fault = await sim(h, "POST", "/_sim/faults", { kind: "throttle", target: h.subscriptionId, durationMs: 45_000, retryAfterSeconds: 2 });
    expect(fault.status).toBe(201);
    const done = await operationWith(h, id, (op) => op.status === "Succeeded" || op.status === "Failed", "the upgrade to end");
    expect(done.status).toBe("Succeeded");
    expect(done.steps.map((s) => s.status)).toEqual(["Succeeded", "Succeeded", "Succeeded"]);
    const pools = (await h.aks.managedClusters.get("rg-aks-dev", "aks-dev")).agentPoolProfiles?.map((p) => p.currentOrchestratorVersion);
    expect(pools).toEqual(["1.36.3", "1.36.3"]);
    // The platform met the throttling (and waited it out on durable timers).
    expect(await throttled()).toBeGreaterThan(before);
  });

  it("ends a step ARM refuses (400) as Failed with ARM's error and an alert, and resumes it once the fault is gone", async () => {
    const alertsBefore = (await failedAlerts()).length;
    await sim(h, "POST", "/_sim/faults", {
      kind: "badRequest", target: `${devId}/agentPools/user`, method: "PUT", count: 1,
      code: "InvalidParameter", message: "The value of parameter orchestratorVersion is invalid."
    });
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.4" });
    const id = "k8s-upgrade:aks-dev:1.36.4";
    const failed = await operationWith(h, id, (op) => op.status === "Failed", "the upgrade to fail");
    expect(failed.steps.map((s) => s.status)).toEqual(["Succeeded", "Succeeded", "Failed"]);
    expect(failed.outcome).toMatchObject({ result: "Failed", failedStep: 2, error: { code: "InvalidParameter" } });
    expect(failed.outcome?.error?.message).toContain("orchestratorVersion is invalid");
    expect(JSON.stringify(failed)).not.toMatch(/\n\s+at |\/dist\/|node_modules/);
    const alerts = await failedAlerts();
    expect(alerts.length).toBe(alertsBefore + 1);
    expect(alerts.at(-1)).toContain("InvalidParameter");

    const resumed = await api<{ resumed: boolean }>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "kubernetes", targetVersion: "1.36.4" });
    expect(resumed.status).toBe(202);
    const done = await operationWith(h, id, (op) => op.status === "Succeeded", "the resumed upgrade to succeed");
    expect(done.steps.map((s) => s.status)).toEqual(["Succeeded", "Succeeded", "Succeeded"]);
  });

  it("ends an upgrade whose health capture fails as Failed, never Running, and releases the cluster", async () => {
    // Azure Monitor refuses every metrics read of aks-dev: the health gate cannot be sampled.
    const fault = await sim<{ id: string }>(h, "POST", "/_sim/faults", {
      kind: "badRequest", target: `${devId}/providers/Microsoft.Insights/metrics`, code: "BadRequest", message: "Metric namespace is not valid."
    });
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.5" });
    const id = "k8s-upgrade:aks-dev:1.36.5";
    const ended = await operationWith(h, id, (op) => !["Pending", "Queued", "Running", "AwaitingApproval"].includes(op.status), "the upgrade to end");
    expect(ended.status).toBe("Failed");
    expect(ended.steps[0]).toMatchObject({ status: "Failed", error: { code: "BadRequest" } });
    expect(ended.steps.filter((s: OperationRecord["steps"][number]) => s.status === "Running")).toEqual([]);
    expect(ended.outcome).toMatchObject({ result: "Failed", failedStep: 0 });
    await sim(h, "DELETE", `/_sim/faults/${fault.body.id}`);
    const cluster = await api<{ lock?: { holder?: unknown } }>(h, "GET", "/clusters/aks-dev");
    expect(cluster.body.lock?.holder).toBeUndefined();
  });

  it("completes an upgrade through Cosmos 429s on its record writes, with one record per step", async () => {
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.6" });
    const id = "k8s-upgrade:aks-dev:1.36.6";
    await operationWith(h, id, (op) => op.steps[0]?.status === "Running", "the control-plane step to start");
    // 60 consecutive writes to `operations` refused as Cosmos refuses them over its throughput:
    // more than the SDK's own 9 retries of one request, so the activity proxy waits out the rest.
    const faults = h.platform.cosmos.faults;
    const before = faults.throttled;
    faults.throttle({ count: 60, retryAfterMs: 20, container: "operations" });
    const done = await operationWith(h, id, (op) => op.status === "Succeeded" || op.status === "Failed", "the upgrade to end");
    expect(faults.throttled - before).toBe(60);
    expect(done.status).toBe("Succeeded");
    expect(done.steps.map((s) => `${s.index}:${s.status}`)).toEqual(["0:Succeeded", "1:Succeeded", "2:Succeeded"]);
    const records = (await operations(h, "?clusterId=aks-dev")).filter((op) => op.id === id);
    expect(records).toHaveLength(1);
  });
});
