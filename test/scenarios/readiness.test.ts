/**
 * Upgrade readiness (issue 30) through the public API on the whole platform (simulator, embedded
 * Cosmos, local host, virtual clock): a healthy cluster passes every check, in 4 ARM reads; a vCPU
 * quota lowered through the Quota API (as an operator or another team would) fails the quota check
 * naming the family and the numbers, and stops an upgrade `Blocked` before its card; so does a full
 * node subnet; AKS's deprecated-API block ends the step `Blocked` and asks a force decision whose
 * override is set, used and cleared; bad input answers 400 / 404, a throttled ARM 503 with Retry-After.
 */
import { readFileSync } from "node:fs";
import { advance, api, approvalCards, armStats, cardText, count, decide, operation, operationWith, sim, startHarness, teamsMessages, waitFor, type Harness } from "../platform/support";

interface Check { id: string; status: "pass" | "warn" | "fail"; evidence: string }
interface Report { clusterId: string; targetVersion: string; checks: Check[] }

const QUOTA_API = "2023-02-01";

describe("upgrade readiness", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  const readiness = async (cluster: string, query = ""): Promise<Report> => {
    const res = await api<Report>(h, "GET", `/clusters/${cluster}/readiness${query}`);
    if (res.status !== 200) throw new Error(`GET readiness of ${cluster} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const check = (r: Report, id: string): Check => {
    const found = r.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${JSON.stringify(r)}`);
    return found;
  };
  /** ARM over HTTPS with the local CA, as the generated Quota client would send it (no Quota client in the dependencies). */
  const arm = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const { request } = await import("node:https");
    const ca = readFileSync(h.platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8");
    return new Promise((resolve, reject) => {
      const req = request(new URL(`${h.platform.azure.baseUrl}${path}`), { method, ca, headers: { authorization: "Bearer t", ...(body !== undefined ? { "content-type": "application/json" } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as T }));
      });
      req.on("error", reject);
      req.end(body !== undefined ? JSON.stringify(body) : undefined);
    });
  };
  const quotaScope = () => `/subscriptions/${h.subscriptionId}/providers/Microsoft.Compute/locations/westeurope/providers/Microsoft.Quota`;
  const setLimit = (name: string, value: number) => arm("PUT", `${quotaScope()}/quotas/${name}?api-version=${QUOTA_API}`, { properties: { limit: { limitObjectType: "LimitValue", value }, name: { value: name } } });

  it("a healthy cluster: every check passes with its numbers, in 4 ARM reads (≤ 8 for a 3-pool cluster)", async () => {
    const before = await armStats(h);
    const report = await readiness("aks-dev");
    const after = await armStats(h);
    expect(report.clusterId).toBe("aks-dev");
    // No target named: the policy's next one (the demo catalog's newest 1.36 patch).
    expect(report.targetVersion).toMatch(/^1\.36\.\d+$/);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["cluster-state", "pass"], ["target-version", "pass"], ["vcpu-quota", "pass"], ["subnet-addresses", "pass"], ["deprecated-apis", "pass"], ["node-image-age", "pass"]
    ]);
    expect(check(report, "node-image-age").evidence).toMatch(/^oldest node image \S+ \(pool \w+\) is \d+ days old, within the 90-day window$/);
    expect(check(report, "cluster-state").evidence).toBe("provisioningState Succeeded, powerState Running");
    expect(check(report, "vcpu-quota").evidence).toMatch(/^surge needs 4 vCPU of standardDDSv5Family \(pool system: 1 node\(s\) × 4 vCPU\), \d+ free \(limit 10000, used \d+\); regional vCPUs: surge needs up to 4, \d+ free/);
    // Azure CNI without overlay: a surge node takes its own address and maxPods (30) more.
    expect(check(report, "subnet-addresses").evidence).toMatch(/^subnet vnet-aks-dev\/snet-clusternodes: surge needs 31 address\(es\) \(pool system: 1 node\(s\) × 31\), \d+ free/);
    const reads = ["ManagedClusters_Get", "ManagedClusters_ListKubernetesVersions", "Usage_List", "VirtualNetworks_ListUsage"];
    expect(reads.map((r) => count(after, r) - count(before, r))).toEqual([1, 1, 1, 1]);
    const total = (s: Record<string, Record<string, number>>) => Object.keys(s).reduce((n, k) => n + count(s, k), 0);
    expect(total(after) - total(before)).toBeLessThanOrEqual(8);

    const named = await readiness("aks-dev", "?targetVersion=1.36");
    expect(named.targetVersion).toBe(report.targetVersion);
  });

  it("bad input: 404 for an unknown cluster, 400 naming a malformed or unoffered targetVersion; a version the region does not list fails its check", async () => {
    expect((await api(h, "GET", "/clusters/aks-nowhere/readiness")).status).toBe(404);
    const malformed = await api<{ error: { code: string; message: string } }>(h, "GET", "/clusters/aks-dev/readiness?targetVersion=latest");
    expect([malformed.status, malformed.body.error.code]).toEqual([400, "InvalidTargetVersion"]);
    expect(malformed.body.error.message).toContain("targetVersion 'latest'");
    const unoffered = await api<{ error: { message: string } }>(h, "GET", "/clusters/aks-dev/readiness?targetVersion=1.99");
    expect(unoffered.status).toBe(400);
    expect(unoffered.body.error.message).toContain("targetVersion '1.99': the region offers no 1.99 patch");
    const missing = await readiness("aks-dev", "?targetVersion=1.36.99");
    expect(check(missing, "target-version").status).toBe("fail");
    expect(check(missing, "target-version").evidence).toMatch(/^1\.36\.99 is not offered in the region \(1\.36 patches listed: /);
  });

  it("a vCPU quota lowered below the surge fails the quota check naming the family and the numbers", async () => {
    const usage = await arm<{ properties: { usages: { value: number } } }>("GET", `${quotaScope()}/usages/standardDDSv5Family?api-version=${QUOTA_API}`);
    const used = usage.body.properties.usages.value;
    expect((await setLimit("standardDDSv5Family", used + 2)).status).toBe(200);
    try {
      const report = await readiness("aks-dev");
      expect(check(report, "vcpu-quota").status).toBe("fail");
      expect(check(report, "vcpu-quota").evidence).toContain(`surge needs 4 vCPU of standardDDSv5Family (pool system: 1 node(s) × 4 vCPU), 2 free (limit ${used + 2}, used ${used})`);
      expect(check(report, "cluster-state").status).toBe("pass");
    } finally {
      expect((await setLimit("standardDDSv5Family", 10_000)).status).toBe(200);
    }
    expect(check(await readiness("aks-dev"), "vcpu-quota").status).toBe("pass");
  });

  it("a throttled ARM answers 503 with Retry-After", async () => {
    const throttle = await sim<{ id: string }>(h, "POST", "/_sim/faults", { kind: "throttle", target: h.subscriptionId, durationMs: 60_000, retryAfterSeconds: 7 });
    try {
      const res = await fetch(`${h.platform.apiBase}/clusters/aks-dev/readiness`);
      expect([res.status, res.headers.get("retry-after")]).toEqual([503, "7"]);
    } finally {
      await sim(h, "DELETE", `/_sim/faults/${throttle.body.id}`);
    }
  });

  it("AKS's deprecated-API block: the step ends Blocked with AKS's message, a force card asks, the approved override carries the upgrade through and is cleared", async () => {
    // The API named as AKS names it (the article's example: "usage has been detected on API flowcontrol.apiserver.k8s.io.prioritylevelconfigurations.v1beta1").
    const lastSeen = new Date(h.clock.now() - 3600_000).toISOString();
    expect((await sim(h, "POST", "/_sim/clusters/aks-dev/deprecated-api-usage", { api: "flowcontrol.apiserver.k8s.io.flowschemas.v1beta3", removedIn: "1.36", lastSeen })).status).toBe(201);
    // Before any attempt, nothing reveals the usage: ARM does not serve it.
    expect(check(await readiness("aks-dev"), "deprecated-apis").status).toBe("pass");
    const target = (await readiness("aks-dev")).targetVersion;
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "kubernetes", targetVersion: target });
    expect(started.status).toBe(202);
    const id = started.body.operationId;
    const blocked = await operationWith(h, id, (op) => op.steps[0]?.status === "Blocked", "the blocked step");
    expect(blocked.status).toBe("AwaitingApproval");
    expect(blocked.steps[0]?.error?.message).toContain("usage has been detected on API flowcontrol.apiserver.k8s.io.flowschemas.v1beta3");
    expect(blocked.steps[0]?.error?.code).toBe("ValidationError");
    // aks-dev's policy asks no approval for its upgrades; the force decision is asked all the same.
    const card = await waitFor(h, "the force card", async () => (await teamsMessages(h, "ops")).find((m) => cardText(m).includes("Force the upgrade? aks-dev (dev)")));
    expect(cardText(card)).toContain("flowcontrol.apiserver.k8s.io.flowschemas.v1beta3");
    expect(cardText(card)).toContain("4 hour(s) from the decision");
    const report = await readiness("aks-dev", `?targetVersion=${target}`);
    expect(check(report, "deprecated-apis").status).toBe("warn");
    expect(check(report, "deprecated-apis").evidence).toMatch(new RegExp(`^AKS blocked the upgrade to ${target.replace(/\./g, "\\.")} at .+ \\(operation ${id}, UpgradeBlockedOnDeprecatedAPIUsage\\): flowcontrol\\.apiserver\\.k8s\\.io\\.flowschemas\\.v1beta3 \\(removed in 1\\.36, last seen `));

    const force = card.card.actions?.find((a) => a.title === "Force upgrade")?.url ?? "";
    expect((await decide(force, "approve", "lead@example.com", "migration scheduled for Monday")).status).toBe(200);
    const forced = await operationWith(h, id, (op) => op.forceUpgrade !== undefined, "the recorded force decision");
    expect(forced.forceUpgrade).toMatchObject({ step: 0, approvedBy: "lead@example.com", comment: "migration scheduled for Monday" });
    const until = forced.forceUpgrade?.until ?? "";
    // dev's force window: 4 hours from the decision.
    expect(Date.parse(until) - Date.parse(forced.forceUpgrade?.approvedAt ?? "")).toBe(4 * 3600_000);
    const overridden = await waitFor(h, "the override on the cluster", async () => {
      const c = await h.aks.managedClusters.get("rg-aks-dev", "aks-dev");
      return c.upgradeSettings?.overrideSettings?.forceUpgrade === true ? c : undefined;
    });
    expect(overridden.upgradeSettings?.overrideSettings?.until?.toISOString()).toBe(until);
    const done = await operationWith(h, id, (op) => op.status === "Succeeded", "the forced upgrade");
    expect(done.steps.map((s) => s.status).every((s) => s === "Succeeded")).toBe(true);
    const cleared = await operationWith(h, id, (op) => op.forceUpgrade?.clearedAt !== undefined, "the override cleared");
    expect(cleared.approvals.some((a) => a.step === 0 && a.decision === "approve" && a.approver === "lead@example.com")).toBe(true);
    const after = await h.aks.managedClusters.get("rg-aks-dev", "aks-dev");
    expect(after.upgradeSettings?.overrideSettings?.forceUpgrade).not.toBe(true);
    expect(after.currentKubernetesVersion).toBe(target);
  });

  it("a vCPU quota below the surge: the upgrade ends Blocked naming the family and numbers, no approval card, nothing written to AKS; started again once fixed, it re-plans and asks", async () => {
    const usage = await arm<{ properties: { usages: { value: number } } }>("GET", `${quotaScope()}/usages/standardDDSv5Family?api-version=${QUOTA_API}`);
    const used = usage.body.properties.usages.value;
    expect((await setLimit("standardDDSv5Family", used + 2)).status).toBe(200);
    const target = (await readiness("aks-staging")).targetVersion;
    const before = await armStats(h);
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-staging/upgrades", { kind: "kubernetes", targetVersion: target });
    expect(started.status).toBe(202);
    const op = await operationWith(h, started.body.operationId, (o) => o.status === "Blocked", "the blocked upgrade");
    const after = await armStats(h);
    expect(op.outcome?.result).toBe("Blocked");
    expect(op.outcome?.error?.code).toBe("ReadinessFailed");
    expect(op.outcome?.message).toContain(`vcpu-quota: surge needs 4 vCPU of standardDDSv5Family (pool system: 1 node(s) × 4 vCPU), 2 free (limit ${used + 2}, used ${used})`);
    expect(op.plan?.readiness?.checks.find((c) => c.id === "vcpu-quota")?.status).toBe("fail");
    expect(op.steps.every((s) => s.status === "Pending")).toBe(true);
    expect(await approvalCards(h, "aks-staging")).toEqual([]);
    for (const write of ["ManagedClusters_CreateOrUpdate", "AgentPools_CreateOrUpdate"]) expect(count(after, write) - count(before, write)).toBe(0);

    // Fixed: the same upgrade started again is planned afresh and reaches its approval card.
    expect((await setLimit("standardDDSv5Family", 10_000)).status).toBe(200);
    const again = await api<{ operationId: string; resumed: boolean }>(h, "POST", "/clusters/aks-staging/upgrades", { kind: "kubernetes", targetVersion: target });
    expect([again.status, again.body.operationId, again.body.resumed]).toEqual([202, started.body.operationId, true]);
    const card = await waitFor(h, "the approval card", async () => (await approvalCards(h, "aks-staging"))[0]);
    const waiting = await operation(h, started.body.operationId);
    expect(waiting.status).toBe("AwaitingApproval");
    expect(waiting.plan?.readiness?.checks.map((c) => c.status)).toEqual(["pass", "pass", "pass", "pass", "pass", "pass"]);
    const reject = card.card.actions?.find((a) => a.title === "Reject")?.url ?? "";
    expect((await decide(reject, "reject", "ops@example.com", "not this week")).status).toBe(200);
    await operationWith(h, started.body.operationId, (o) => o.status === "Rejected", "the rejection");
  });

  it("a node subnet too small for the surge: the upgrade ends Blocked naming the subnet and its numbers", async () => {
    const vnet = `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-prod/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod`;
    const subnet = `${vnet}/subnets/snet-clusternodes`;
    const usages = await arm<{ value: { id: string; currentValue: number; limit: number }[] }>("GET", `${vnet}/usages?api-version=2024-05-01`);
    const entry = usages.body.value.find((u) => u.id.toLowerCase() === subnet.toLowerCase());
    if (!entry) throw new Error(`no usage for ${subnet}: ${JSON.stringify(usages.body)}`);
    // Another team's NIC takes every address left (one per IP configuration).
    const taken = entry.limit - entry.currentValue;
    const nic = `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-prod/providers/Microsoft.Network/networkInterfaces/nic-batch`;
    const ipConfigurations = Array.from({ length: taken }, (_, i) => ({ name: `ip${i}`, properties: { privateIPAllocationMethod: "Dynamic", subnet: { id: subnet } } }));
    expect((await arm("PUT", `${nic}?api-version=2024-05-01`, { location: "westeurope", properties: { ipConfigurations } })).status).toBeLessThan(300);
    try {
      const target = (await readiness("aks-prod")).targetVersion;
      const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-prod/upgrades", { kind: "kubernetes", targetVersion: target });
      expect(started.status).toBe(202);
      const op = await operationWith(h, started.body.operationId, (o) => o.status === "Blocked", "the blocked upgrade");
      expect(op.outcome?.message).toContain(`subnet-addresses: subnet vnet-aks-prod/snet-clusternodes: surge needs 1 address(es) (pool system: 1 node(s) × 1), 0 free (${entry.limit} usable, ${entry.limit} used)`);
      expect(op.plan?.readiness?.checks.find((c) => c.id === "subnet-addresses")?.status).toBe("fail");
      expect(await approvalCards(h, "aks-prod")).toEqual([]);
    } finally {
      await arm("DELETE", `${nic}?api-version=2024-05-01`);
    }
  });

  it("a node-image upgrade stores its readiness report on the plan before asking; a vCPU quota below the surge blocks it before the card", async () => {
    const usage = await arm<{ properties: { usages: { value: number } } }>("GET", `${quotaScope()}/usages/standardDDSv5Family?api-version=${QUOTA_API}`);
    const used = usage.body.properties.usages.value;
    expect((await setLimit("standardDDSv5Family", used + 2)).status).toBe(200);
    const cardsBefore = (await approvalCards(h, "aks-staging")).length;
    // This week's node image is published: the cluster's pools are one image behind.
    expect((await sim(h, "POST", "/_sim/node-images", {})).status).toBe(201);
    try {
      const blocked = await api<{ operationId: string }>(h, "POST", "/clusters/aks-staging/upgrades", { kind: "nodeImage" });
      expect(blocked.status).toBe(202);
      const op = await operationWith(h, blocked.body.operationId, (o) => o.status === "Blocked", "the blocked node-image upgrade");
      expect(op.outcome?.message).toContain("vcpu-quota: surge needs 4 vCPU of standardDDSv5Family");
      expect(op.plan?.readiness?.checks.map((c) => c.id)).toEqual(["cluster-state", "vcpu-quota", "subnet-addresses", "node-image-age"]);
      expect((await approvalCards(h, "aks-staging")).length).toBe(cardsBefore);
    } finally {
      expect((await setLimit("standardDDSv5Family", 10_000)).status).toBe(200);
    }
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-staging/upgrades", { kind: "nodeImage" });
    expect(started.status).toBe(202);
    await waitFor(h, "the node-image approval card", async () => (await approvalCards(h, "aks-staging")).length > cardsBefore ? true : undefined);
    const waiting = await operation(h, started.body.operationId);
    expect(waiting.status).toBe("AwaitingApproval");
    expect(waiting.plan?.readiness?.checks.map((c) => [c.id, c.status])).toEqual([["cluster-state", "pass"], ["vcpu-quota", "pass"], ["subnet-addresses", "pass"], ["node-image-age", "pass"]]);
    expect(waiting.plan?.readiness?.targetVersion).toBe(waiting.plan?.target);
  });

  it("a 3-pool cluster: one readiness report costs at most 8 ARM reads", async () => {
    const template = await h.aks.agentPools.get("rg-aks-dev", "aks-dev", "user");
    const poller = await h.aks.agentPools.beginCreateOrUpdate("rg-aks-dev", "aks-dev", "batch", {
      count: 1, vmSize: template.vmSize, mode: "User", osType: "Linux", vnetSubnetID: template.vnetSubnetID, maxPods: template.maxPods, orchestratorVersion: template.currentOrchestratorVersion
    });
    await advance(h, 15 * 60_000);
    await poller.pollUntilDone();
    const before = await armStats(h);
    const report = await readiness("aks-dev");
    const after = await armStats(h);
    expect(report.checks.find((c) => c.id === "vcpu-quota")?.evidence).toContain("pool");
    const total = (s: Record<string, Record<string, number>>) => Object.keys(s).reduce((n, k) => n + count(s, k), 0);
    expect(total(after) - total(before)).toBeLessThanOrEqual(8);
    expect(total(after) - total(before)).toBe(4);
  });
});
