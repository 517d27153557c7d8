/**
 * Scenarios 4, 5 and 6 of issue 4 on aks-dev (no approvals): duplicate and reordered deliveries
 * converge on one operation; a failed user-pool upgrade stops with ARM's error and an alert, and
 * resumes from that step once fixed; an out-of-band operation holding the cluster (409) is waited out.
 * The host runs with the engine's chaos switches: every activity's first completion is lost (it runs
 * twice, as after a crash before the checkpoint), so each step start, check and record must be idempotent.
 */
import { createDurableExtension } from "../../local/host/durable";
import {
  advance, api, armStats, cardText, clusterResourceId, count, operation, operationWith, deliverEvents, operations, sim, startHarness, teamsMessages, type Harness
} from "../platform/support";

describe("failures, conflicts and duplicate events (scenarios 4, 5, 6)", () => {
  let h: Harness;
  let devId: string;
  beforeAll(async () => {
    h = await startHarness({ hostOptions: { extensions: [createDurableExtension({ chaos: { crashBeforeActivityCheckpoint: true, duplicateExternalEvents: true } })] } });
    devId = clusterResourceId(h, "aks-dev");
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("5: an injected user-pool failure stops the upgrade with ARM's error and an alert; a resume finishes it", async () => {
    const fault = await sim(h, "POST", "/_sim/faults", { kind: "upgradeFailure", target: `${devId}/agentPools/user`, count: 1, message: "VMExtensionProvisioningError on aks-user-vmss000000" });
    expect(fault.status).toBe(201);
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" });
    const id = "k8s-upgrade:aks-dev:1.36.3";
    const failed = await operationWith(h, id, (op) => op.status === "Failed", "the upgrade to fail");
    expect(failed.steps.map((s) => [s.name, s.status])).toEqual([
      ["control plane 1.35.4 → 1.36.3", "Succeeded"], ["pool system 1.35.4 → 1.36.3", "Succeeded"], ["pool user 1.35.4 → 1.36.3", "Failed"]
    ]);
    expect(failed.steps[2]?.error).toEqual({ code: "UpgradeFailed", message: "Upgrade of agent pool user failed: VMExtensionProvisioningError on aks-user-vmss000000" });
    expect(failed.outcome).toMatchObject({ result: "Failed", failedStep: 2, error: { code: "UpgradeFailed" } });
    expect(failed.steps[2]?.events?.map((e) => e.type)).toEqual(["Microsoft.ContainerService.NodePoolRollingStarted", "Microsoft.ContainerService.NodePoolRollingFailed"]);
    const alerts = (await teamsMessages(h, "ops")).filter((m) => cardText(m).includes("Upgrade failed: aks-dev"));
    expect(alerts).toHaveLength(1);
    expect(cardText(alerts[0]!)).toContain("UpgradeFailed");
    const pools = (await h.aks.managedClusters.get("rg-aks-dev", "aks-dev")).agentPoolProfiles?.map((p) => [p.name, p.currentOrchestratorVersion, p.provisioningState]);
    expect(pools).toEqual([["system", "1.36.3", "Succeeded"], ["user", "1.35.4", "Failed"]]);

    // The fault was used up (count 1): an operator resumes the same operation.
    const before = await armStats(h);
    const resumed = await api<{ operationId: string; resumed: boolean; instanceId: string }>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "kubernetes", targetVersion: "1.36.3" });
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ operationId: id, resumed: true, instanceId: `${id}:run-1` });
    const done = await operationWith(h, id, (op) => op.status === "Succeeded", "the resumed upgrade to succeed");
    expect(done.steps.map((s) => s.status)).toEqual(["Succeeded", "Succeeded", "Succeeded"]);
    expect(done.resumes).toBe(1);
    const after = await armStats(h);
    // Only the failed step ran again: one agent-pool PUT, no managed-cluster PUT.
    expect(count(after, "AgentPools_CreateOrUpdate") - count(before, "AgentPools_CreateOrUpdate")).toBe(1);
    expect(count(after, "ManagedClusters_CreateOrUpdate") - count(before, "ManagedClusters_CreateOrUpdate")).toBe(0);
    const user = await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "user");
    expect([user.currentOrchestratorVersion, user.provisioningState]).toEqual(["1.36.3", "Succeeded"]);
  });

  it("6: an out-of-band operation holding the cluster (409) is waited out, then the upgrade succeeds", async () => {
    await sim(h, "POST", "/_sim/faults", { kind: "conflict", target: devId, durationMs: 20 * 60_000, operation: "upgrade node image version" });
    const before = await armStats(h);
    const startedAt = h.clock.now();
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.4" });
    const id = "k8s-upgrade:aks-dev:1.36.4";
    const op = await operationWith(h, id, (o) => o.status === "Succeeded" || o.status === "Failed", "the upgrade to finish");
    expect(op.status).toBe("Succeeded");
    const after = await armStats(h);
    expect(count(after, "ManagedClusters_CreateOrUpdate", "409") - count(before, "ManagedClusters_CreateOrUpdate", "409")).toBeGreaterThanOrEqual(3);
    expect(count(after, "ManagedClusters_CreateOrUpdate", "200") - count(before, "ManagedClusters_CreateOrUpdate", "200")).toBe(1);
    expect(Date.parse(op.steps[0]?.startedAt ?? "")).toBeLessThan(startedAt + 20 * 60_000);
    expect(Date.parse(op.steps[0]?.endedAt ?? "")).toBeGreaterThan(startedAt + 20 * 60_000);
    expect((await h.aks.managedClusters.get("rg-aks-dev", "aks-dev")).currentKubernetesVersion).toBe("1.36.4");
  });

  it("4: the same event three times and a reordered batch converge on one operation", async () => {
    await sim(h, "POST", "/_sim/faults", { kind: "eventDuplicate", target: devId, count: 1 });
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.5" });
    await h.clock.advance(1000);
    const deliveries = await sim<{ value: { duplicate?: boolean; events: { id: string; eventType: string; topic: string }[]; endpointUrl: string }[] }>(h, "GET", "/_sim/events");
    const forDev = deliveries.body.value.filter((d) => d.events.some((e) => e.topic.toLowerCase() === devId.toLowerCase() && e.eventType.endsWith("NewKubernetesVersionAvailable")));
    const event = forDev.at(-1)!.events[0]!;
    expect(forDev.filter((d) => d.events[0]?.id === event.id)).toHaveLength(2);

    const post = (body: unknown): Promise<Response> => deliverEvents(h, body);
    expect((await post([event])).status).toBe(202);
    // A batch whose events arrive in the other order (support ending first), with new ids.
    const supportEnding = { ...event, id: "reordered-support-ending", eventType: "Microsoft.ContainerService.ClusterSupportEnding", data: { kubernetesVersion: "1.36.4" } };
    const again = { ...event, id: "reordered-new-version" };
    expect((await post([supportEnding, again])).status).toBe(202);
    // Invalid payloads and unknown clusters are acknowledged (2xx), so Event Grid does not retry them forever.
    expect((await post([{ id: "broken-1", subject: "x" }])).status).toBe(202);
    expect((await post([{ ...event, id: "elsewhere-1", topic: clusterResourceId(h, "aks-unknown") }])).status).toBe(202);
    await advance(h, 2 * 60_000);

    const ops = (await operations(h, "?clusterId=aks-dev")).filter((o) => o.targetVersion === "1.36.5");
    expect(ops.map((o) => o.id)).toEqual(["k8s-upgrade:aks-dev:1.36.5"]);
    const op = await operationWith(h, "k8s-upgrade:aks-dev:1.36.5", (o) => o.status === "Succeeded", "the one upgrade to succeed");
    expect(op.trigger).toMatchObject({ type: "event" });
    expect(op.steps.filter((s) => s.kind === "controlPlane")).toHaveLength(1);
    const supportCards = (await teamsMessages(h, "ops")).filter((m) => cardText(m).includes("Support for Kubernetes 1.36.4 is ending on aks-dev"));
    expect(supportCards).toHaveLength(1);
    expect(cardText(supportCards[0]!)).toContain("Proposed: upgrade to 1.36.5 in 3 steps");
    expect(await operation(h, "k8s-upgrade:aks-dev:1.36.5")).toMatchObject({ status: "Succeeded" });
  });
});
