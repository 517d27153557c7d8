/**
 * Scenarios 1, 2 and 8 of issue 4 on one platform: a new Kubernetes release upgrades aks-dev
 * without asking and aks-prod step by step through Teams approvals; a rejection changes nothing;
 * approval links resist tampering, expiry and reuse, and their GET changes nothing.
 * The host runs with the engine's chaos switches: every activity is delivered once more after it
 * succeeded and every external event (approval decision) twice; one card per step, one decision each.
 */
import { createDurableExtension } from "../../local/host/durable";
import {
  advance, api, approvalCards, approveUrl, cardText, decide, operation, operationWith, sim, startHarness, teamsMessages, waitFor, type Harness
} from "../platform/support";

const PROD = "k8s-upgrade:aks-prod:1.36.3";
const DEV = "k8s-upgrade:aks-dev:1.36.3";

describe("a new Kubernetes release reaches the fleet (scenarios 1, 2, 8)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ hostOptions: { extensions: [createDurableExtension({ chaos: { rerunActivityAfterSuccess: true, duplicateExternalEvents: true } })] } });
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

  it("2: a rejection changes nothing in ARM and ends the operation Rejected", async () => {
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.4" });
    const id = "k8s-upgrade:aks-prod:1.36.4";
    const before = (await approvalCards(h, "aks-prod")).length;
    const card = await waitFor(h, "the card for 1.36.4", async () => (await approvalCards(h, "aks-prod"))[before]);
    expect(cardText(card)).toContain("1.36.3 → 1.36.4");
    // Signed in through App Service authentication: the principal is the approver, not the form's name.
    const principal = Buffer.from(JSON.stringify({ name_typ: "name", claims: [{ typ: "name", val: "bob" }] })).toString("base64");
    expect((await decide(approveUrl(card), "reject", "not-bob", "freeze week", { "x-ms-client-principal": principal })).status).toBe(200);
    // aks-staging still waits for the approval of 1.36.3 (asked once per upgrade): 1.36.4 queues behind it.
    const staging = await api<{ activeOperation: { operationId: string; status: string }; queuedOperations: { operationId: string; position: number }[] }>(h, "GET", "/clusters/aks-staging");
    expect(staging.body.activeOperation).toMatchObject({ operationId: "k8s-upgrade:aks-staging:1.36.3", status: "AwaitingApproval" });
    expect(staging.body.queuedOperations).toEqual([expect.objectContaining({ operationId: "k8s-upgrade:aks-staging:1.36.4", position: 1 })]);
    expect(await operation(h, "k8s-upgrade:aks-staging:1.36.4")).toMatchObject({ status: "Queued", queuePosition: 1 });
    const op = await operationWith(h, id, (o) => o.status === "Rejected", "the rejection to be recorded");
    expect(op.outcome?.message).toContain("rejected by bob: freeze week");
    expect(op.steps.map((s) => s.status)).toEqual(["Skipped", "Pending", "Pending"]);
    expect(op.approvals).toEqual([expect.objectContaining({ step: 0, decision: "reject", approver: "bob", comment: "freeze week" })]);
    await advance(h, 30 * 60_000);
    const cluster = await h.aks.managedClusters.get("rg-aks-prod", "aks-prod");
    expect([cluster.kubernetesVersion, cluster.currentKubernetesVersion]).toEqual(["1.36.3", "1.36.3"]);
    expect((await teamsMessages(h, "ops")).filter((m) => cardText(m).includes("Kubernetes upgrade to 1.36.4 rejected: aks-prod"))).toHaveLength(1);
  });

  it("8: a tampered link is refused (403), a reused or expired one is gone (410), and GET changes nothing", async () => {
    await sim(h, "POST", "/_sim/kubernetes-releases", { version: "1.36.5" });
    const id = "k8s-upgrade:aks-prod:1.36.5";
    const before = (await approvalCards(h, "aks-prod")).length;
    const card = await waitFor(h, "the card for 1.36.5", async () => (await approvalCards(h, "aks-prod"))[before]);
    const url = approveUrl(card);

    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("aks-prod");
    expect(html).toContain('<form method="post"');
    expect(html).toMatch(/value="approve" checked/);
    const untouched = await operation(h, id);
    expect(untouched.status).toBe("AwaitingApproval");
    expect(untouched.approvals).toEqual([]);
    expect(untouched.approvalRequests?.map((r) => r.status)).toEqual(["Pending"]);

    const token = new URL(url).pathname.split("/").pop() ?? "";
    const [payload, signature] = token.split(".");
    const flipped = `${payload}.${(signature ?? "").startsWith("A") ? "B" : "A"}${(signature ?? "").slice(1)}`;
    const forged = url.replace(token, flipped);
    expect((await decide(forged, "approve", "mallory")).status).toBe(403);
    expect((await fetch(forged)).status).toBe(403);
    const otherStep = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), s: 2 })).toString("base64url");
    expect((await decide(url.replace(token, `${otherStep}.${signature}`), "approve", "mallory")).status).toBe(403);
    expect((await operation(h, id)).approvals).toEqual([]);

    expect((await decide(url, "approve", "carol")).status).toBe(200);
    const reused = await decide(url, "reject", "dave");
    expect(reused.status).toBe(410);
    expect((await fetch(url)).status).toBe(410);
    const afterReuse = await operation(h, id);
    expect(afterReuse.approvals.map((a) => [a.approver, a.decision, a.ignored])).toEqual([["carol", "approve", undefined], ["dave", "reject", true]]);

    // Step 2's card: nobody decides; after the deadline (prod: 24 h) its link has expired.
    const second = await waitFor(h, "the card for step 2", async () => (await approvalCards(h, "aks-prod"))[before + 1]);
    await h.clock.advance(24 * 3600_000 + 60_000);
    const expired = await operation(h, id);
    expect(expired.status).toBe("Expired");
    expect((await decide(approveUrl(second), "approve", "erin")).status).toBe(410);
    expect((await operation(h, id)).approvals.at(-1)).toMatchObject({ approver: "erin", ignored: true });
    const cluster = await h.aks.managedClusters.get("rg-aks-prod", "aks-prod");
    expect(cluster.currentKubernetesVersion).toBe("1.36.5");
    expect(cluster.agentPoolProfiles?.map((p) => p.currentOrchestratorVersion)).toEqual(["1.36.3", "1.36.3"]);
  });
});
