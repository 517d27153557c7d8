/**
 * Drain safety as policy (issue 30) on the whole local platform: the cluster's upgrade policy
 * (`upgrade.undrainableNodeBehavior`, `upgrade.drainTimeoutInMinutes`) is validated naming every
 * invalid field, and written on each pool with its upgrade; a pool whose node a PodDisruptionBudget
 * keeps from draining, under `Cordon`, is upgraded past it: AKS ends the operation Failed with the
 * node quarantined (the REST spec's UndrainableNodeBehavior), the platform records the pool step
 * Succeeded and names the cordoned node on the operation.
 */
import { advance, api, approvalCards, approveUrl, clusterResourceId, decide, operationWith, sim, startHarness, waitFor, type Harness } from "../platform/support";

describe("drain safety", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("invalid upgrade policy fields are all named, nothing changes", async () => {
    const res = await api<{ error: { message: string; fields?: { field: string }[] } }>(h, "POST", "/clusters/adopt", {
      resourceId: clusterResourceId(h, "aks-dev"), environment: "dev",
      policy: { upgrade: { undrainableNodeBehavior: "Evict", drainTimeoutInMinutes: 2, maxBlockedNodes: "0", forceUpgradeWindowHours: 48, surge: 1 } }
    });
    expect(res.status).toBe(400);
    const text = JSON.stringify(res.body);
    for (const field of ["policy.upgrade.undrainableNodeBehavior", "policy.upgrade.drainTimeoutInMinutes", "policy.upgrade.maxBlockedNodes", "policy.upgrade.forceUpgradeWindowHours", "policy.upgrade.surge"]) {
      expect(text).toContain(field);
    }
    const cluster = await api<{ policy: Record<string, unknown> }>(h, "GET", "/clusters/aks-dev");
    expect(cluster.body.policy.upgrade).toBeUndefined();
  });

  it("Cordon: the pool upgrade Succeeds past a PDB-blocked node, which is named on the operation; the policy's drain settings are on the pool", async () => {
    const adopted = await api<{ operationId: string }>(h, "POST", "/clusters/adopt", {
      resourceId: clusterResourceId(h, "aks-dev"), environment: "dev", policy: { upgrade: { undrainableNodeBehavior: "Cordon", drainTimeoutInMinutes: 10 } }
    });
    expect(adopted.status).toBeLessThan(300);
    const marked = await sim<{ nodes: string[] }>(h, "POST", "/_sim/clusters/aks-dev/agentPools/user/undrainable-nodes", { count: 1, pod: "payments/api-6f7c9d-abcde" });
    expect(marked.status).toBe(201);
    const blocked = marked.body.nodes;
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatch(/^aks-user-\d{8}-vmss000000$/);

    const readiness = await api<{ targetVersion: string }>(h, "GET", "/clusters/aks-dev/readiness");
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "kubernetes", targetVersion: readiness.body.targetVersion });
    expect(started.status).toBe(202);
    const op = await operationWith(h, started.body.operationId, (o) => o.status === "Succeeded" || o.status === "Failed", "the upgrade to end");
    expect(op.status).toBe("Succeeded");
    const userStep = op.steps.find((s) => s.pool === "user");
    expect(userStep?.status).toBe("Succeeded");
    expect(op.cordonedNodes?.map((c) => [c.step, c.pool, c.nodes])).toEqual([[userStep?.index, "user", blocked]]);
    expect(op.cordonedNodes?.[0]?.source).toContain("kubernetes.azure.com/upgrade-status=Quarantined");

    const pool = await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "user");
    expect(pool.upgradeSettings).toMatchObject({ undrainableNodeBehavior: "Cordon", drainTimeoutInMinutes: 10 });
    expect(pool.currentOrchestratorVersion).toBe(readiness.body.targetVersion);
    const system = await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "system");
    expect(system.upgradeSettings).toMatchObject({ undrainableNodeBehavior: "Cordon", drainTimeoutInMinutes: 10 });
  });

  it("Schedule (AKS's default): the blocked drain fails the pool at the drain timeout, the operation Fails with AKS's PDB error", async () => {
    expect((await sim(h, "POST", "/_sim/clusters/aks-staging/agentPools/user/undrainable-nodes", { count: 1 })).status).toBe(201);
    const readiness = await api<{ targetVersion: string }>(h, "GET", "/clusters/aks-staging/readiness");
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-staging/upgrades", { kind: "kubernetes", targetVersion: readiness.body.targetVersion });
    expect(started.status).toBe(202);
    const card = await waitFor(h, "the approval card", async () => (await approvalCards(h, "aks-staging"))[0]);
    expect((await decide(approveUrl(card), "approve", "ops@example.com")).status).toBe(200);
    const op = await operationWith(h, started.body.operationId, (o) => o.status === "Succeeded" || o.status === "Failed", "the upgrade to end", 6 * 3600_000);
    expect(op.status).toBe("Failed");
    const userStep = op.steps.find((s) => s.pool === "user");
    expect(userStep?.status).toBe("Failed");
    expect(userStep?.error?.message).toContain("Cannot evict pod as it would violate the pod's disruption budget");
    expect(op.cordonedNodes).toBeUndefined();
    const pool = await h.aks.agentPools.get("rg-aks-staging", "aks-staging", "user");
    expect(pool.upgradeSettings).toMatchObject({ undrainableNodeBehavior: "Schedule", drainTimeoutInMinutes: 30 });
    expect(pool.currentOrchestratorVersion).not.toBe(readiness.body.targetVersion);
  });
});
