/**
 * Scenarios 3 and 7 of issue 4 on clusters an operator created through ARM and adopted: an
 * approval nobody answers expires (directly, or after one escalation to the second channel), and
 * an upgrade two minors ahead goes through the minor in between.
 */
import {
  advance, api, approvalCards, approveUrl, cardText, createLabCluster, decide, operation, operationWith, sim, startHarness, teamsMessages, waitFor, type Harness
} from "../platform/support";
import type { OperationRecord } from "../../shared/store";

describe("expiry, escalation and multi-minor paths (scenarios 3, 7)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  async function adopt(resourceId: string, environment: string, policy?: Record<string, unknown>): Promise<void> {
    const res = await api<{ operationId: string }>(h, "POST", "/clusters/adopt", { resourceId, environment, ...(policy ? { policy } : {}) });
    expect(res.status).toBe(202);
    await operationWith(h, res.body.operationId, (op) => op.status === "Succeeded", "the adoption");
  }

  it("7: 1.34 → 1.36 goes through 1.35 (one minor at a time), then the pools", async () => {
    // The simulator's catalog spans 1.34-1.36 (plus a 1.37 preview), so "1.30 → 1.32 via 1.31" is played one window later.
    const id = await createLabCluster(h, "aks-lab", "1.34.7");
    await adopt(id, "dev");
    expect((await h.aks.managedClusters.get("rg-aks-dev", "aks-lab")).autoUpgradeProfile).toMatchObject({ upgradeChannel: "none", nodeOSUpgradeChannel: "None" });
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-lab/upgrades", { kind: "kubernetes", targetVersion: "1.36" });
    expect(started.status).toBe(202);
    expect(started.body.operationId).toBe("k8s-upgrade:aks-lab:1.36.2");
    const op = await operationWith(h, started.body.operationId, (o) => o.status === "Succeeded" || o.status === "Failed", "the two-minor upgrade");
    expect(op.status).toBe("Succeeded");
    expect(op.plan?.steps.map((s) => [s.kind, s.pool ?? "", s.from, s.to])).toEqual([
      ["controlPlane", "", "1.34.7", "1.35.4"], ["controlPlane", "", "1.35.4", "1.36.2"], ["nodePool", "system", "1.34.7", "1.36.2"], ["nodePool", "user", "1.34.7", "1.36.2"]
    ]);
    const cluster = await h.aks.managedClusters.get("rg-aks-dev", "aks-lab");
    expect([cluster.currentKubernetesVersion, ...(cluster.agentPoolProfiles ?? []).map((p) => p.currentOrchestratorVersion)]).toEqual(["1.36.2", "1.36.2", "1.36.2"]);
  });

  it("3: no decision before the deadline → Expired, nothing changed; with escalate, the second channel is asked once first", async () => {
    await adopt(await createLabCluster(h, "aks-quiet", "1.35.4"), "prod", { approvalTimeoutMinutes: 45 });
    await adopt(await createLabCluster(h, "aks-esc", "1.35.4"), "prod", { approvalTimeoutMinutes: 30, onApprovalTimeout: "escalate" });
    const quiet = await api<{ operationId: string }>(h, "POST", "/clusters/aks-quiet/upgrades", { kind: "kubernetes", targetVersion: "1.36.2" });
    const esc = await api<{ operationId: string }>(h, "POST", "/clusters/aks-esc/upgrades", { kind: "kubernetes", targetVersion: "1.36.2" });
    expect([quiet.status, esc.status]).toEqual([202, 202]);

    const expired = (o: OperationRecord): boolean => o.status === "Expired";
    const quietOp = await operationWith(h, quiet.body.operationId, expired, "aks-quiet's request to expire");
    expect(quietOp.outcome?.message).toMatch(/^No decision on step 1 \(control plane 1.35.4 → 1.36.2\) by .*Z$/);
    expect(Date.parse(quietOp.timings.endedAt ?? "") - Date.parse(quietOp.timings.startedAt ?? quietOp.timings.createdAt)).toBeGreaterThanOrEqual(45 * 60_000);
    expect(await approvalCards(h, "aks-quiet", "escalation")).toEqual([]);

    const escOp = await operationWith(h, esc.body.operationId, expired, "aks-esc's request to expire after escalation");
    expect(escOp.outcome?.message).toContain("after escalation");
    expect(await approvalCards(h, "aks-esc", "ops")).toHaveLength(1);
    const escalated = await approvalCards(h, "aks-esc", "escalation");
    expect(escalated).toHaveLength(1);
    expect(cardText(escalated[0]!)).toContain("Escalated: nobody decided before");
    expect(escOp.approvalRequests?.map((r) => [r.round, r.status])).toEqual([[0, "Pending"], [1, "Pending"]]);
    expect(escOp.approvals.map((a) => [a.step, a.decision, a.approver])).toEqual([[0, "escalated", "platform"], [0, "expired", "platform"]]);
    expect(quietOp.approvals.map((a) => [a.step, a.decision])).toEqual([[0, "expired"]]);

    for (const name of ["aks-quiet", "aks-esc"]) {
      const cluster = await h.aks.managedClusters.get("rg-aks-dev", name);
      expect([name, cluster.currentKubernetesVersion]).toEqual([name, "1.35.4"]);
    }
    expect((await teamsMessages(h, "ops")).filter((m) => cardText(m).includes("expired: aks-quiet"))).toHaveLength(1);
  });

  it("a forged approvalDecision raised with the master key starts nothing; the record says why", async () => {
    await adopt(await createLabCluster(h, "aks-forge", "1.35.4"), "prod", { approvalTimeoutMinutes: 120 });
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-forge/upgrades", { kind: "kubernetes", targetVersion: "1.36.2" });
    const card = await waitFor(h, "the approval card", async () => (await approvalCards(h, "aks-forge"))[0]);
    const request = (await operation(h, started.body.operationId)).approvalRequests?.[0];
    expect(request?.status).toBe("Pending");
    const host = h.platform.host;
    const raise = `${host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(request!.approvalInstanceId)}/raiseEvent/approvalDecision`;
    const forged = JSON.stringify({ decision: "approve", approver: "mallory", at: new Date(h.clock.now()).toISOString() });
    expect((await fetch(raise, { method: "POST", headers: { "content-type": "application/json" }, body: forged })).status).toBe(401);
    expect((await fetch(`${raise}?code=${host.keys.master}`, { method: "POST", headers: { "content-type": "application/json" }, body: forged })).status).toBe(202);
    await advance(h, 10 * 60_000);
    const after = await operation(h, started.body.operationId);
    expect(after.status).toBe("AwaitingApproval");
    expect(after.steps[0]?.status).toBe("AwaitingApproval");
    expect((await h.aks.managedClusters.get("rg-aks-dev", "aks-forge")).currentKubernetesVersion).toBe("1.35.4");
    const why: unknown = expect.stringContaining("no approval request of this approval carries the event's token");
    expect(after.approvals).toEqual([expect.objectContaining({ approver: "mallory", decision: "approve", ignored: true, comment: why })]);
    // The real link still decides.
    expect((await decide(approveUrl(card), "approve", "frank")).status).toBe(200);
    const running = await operationWith(h, started.body.operationId, (o) => o.steps[0]?.status === "Succeeded", "the approved step");
    expect(running.approvals.filter((a) => !a.ignored)).toEqual([expect.objectContaining({ approver: "frank", decision: "approve" })]);
  });

  it("a failing Teams webhook is retried with backoff; the step waits for the card and its approval", async () => {
    await adopt(await createLabCluster(h, "aks-teams", "1.35.4"), "prod", { approvalTimeoutMinutes: 120 });
    // Teams answers 429 with Retry-After: 300 three times.
    await sim(h, "POST", "/_sim/faults", { kind: "teamsFailure", target: "ops", count: 3, status: 429, retryAfterSeconds: 300 });
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-teams/upgrades", { kind: "kubernetes", targetVersion: "1.36.2" });
    await advance(h, 10 * 60_000);
    expect(await approvalCards(h, "aks-teams")).toEqual([]);
    const waiting = await operation(h, started.body.operationId);
    expect(waiting.status).toBe("AwaitingApproval");
    const card = await waitFor(h, "the card once Teams recovers", async () => (await approvalCards(h, "aks-teams"))[0]);
    expect(Date.parse(card.receivedAt) - Date.parse(waiting.timings.createdAt)).toBeGreaterThanOrEqual(15 * 60_000);
    expect((await h.aks.managedClusters.get("rg-aks-dev", "aks-teams")).currentKubernetesVersion).toBe("1.35.4");
    expect((await decide(approveUrl(card), "approve", "frank")).status).toBe(200);
    const running = await operationWith(h, started.body.operationId, (o) => o.steps[0]?.status === "Succeeded", "the approved step");
    expect(running.approvals).toEqual([expect.objectContaining({ approver: "frank", decision: "approve" })]);
  });
});
