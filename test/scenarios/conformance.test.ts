/**
 * Baseline conformance through the public contracts, on the whole platform (simulator, embedded
 * Cosmos, local host, virtual clock): adoption records the first report as findings; the API
 * evaluates live from ARM; an operator fixes one property through ARM and the next evaluation
 * passes that rule and resolves its finding, keeping when it was first and last seen failing.
 */
import type { RequestRecord } from "../../local/azure/kernel/stats";
import { advance, api, clusterResourceId, operation, sim, startHarness, type Harness } from "../platform/support";

interface Rule {
  id: string;
  status: "pass" | "fail" | "notApplicable";
  severity: string;
  evidence: string;
  observed: unknown;
  citation: string;
  remediation: string;
  finding?: { id: string; status: string; firstSeenAt?: string; lastSeenAt?: string; resolvedAt?: string };
}
interface Report {
  clusterId: string;
  environment: string;
  evaluatedAt: string;
  summary: { total: number; pass: number; fail: number; notApplicable: number; failing: Record<string, number> };
  rules: Rule[];
}
interface Finding { id: string; clusterId: string; category: string; rule: string; status: string; severity: string; firstSeenAt?: string; lastSeenAt?: string; resolvedAt?: string; observedAt: string }

describe("baseline conformance of the demo fleet", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  const report = async (cluster: string): Promise<Report> => {
    const res = await api<Report>(h, "GET", `/clusters/${cluster}/conformance`);
    if (res.status !== 200) throw new Error(`GET conformance of ${cluster} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const rule = (r: Report, id: string): Rule => {
    const found = r.rules.find((x) => x.id === id);
    if (!found) throw new Error(`no rule ${id}`);
    return found;
  };
  const failing = (r: Report): string[] => r.rules.filter((x) => x.status === "fail").map((x) => x.id);
  const findings = async (): Promise<Finding[]> => (await api<{ value: Finding[] }>(h, "GET", "/dashboard/data/findings")).body.value;

  it("adoption records the first report: its last step, and the failures as findings", async () => {
    for (const cluster of ["aks-dev", "aks-staging", "aks-prod"]) {
      const op = await operation(h, `adopt:${cluster}`);
      // Conformance is the third step; the governance review (issue 27) ends the adoption.
      expect({ cluster, status: op.status, steps: op.steps.map((s) => [s.name, s.status]).slice(-2) })
        .toEqual({ cluster, status: "Succeeded", steps: [["Baseline conformance", "Succeeded"], ["Governance review (budget, log categories)", "Succeeded"]] });
    }
    const dev = (await findings()).filter((f) => f.clusterId === "aks-dev" && f.category === "conformance");
    expect(dev.find((f) => f.rule === "local-accounts-disabled")).toMatchObject({ id: "aks-dev:conformance:local-accounts-disabled", status: "fail" });
    expect(dev.every((f) => f.status === "fail" && f.firstSeenAt === f.observedAt)).toBe(true);
    const cluster = await api<{ findings: { open: number; bySeverity: Record<string, number>; byCategory: Record<string, number> } }>(h, "GET", "/clusters/aks-dev");
    expect(cluster.body.findings).toMatchObject({ open: dev.length, byCategory: { conformance: dev.length } });
    expect(cluster.body.findings.bySeverity.high).toBe(dev.filter((f) => f.severity === "high").length);
    // The fleet list counts from one cross-partition query: the same counts as each cluster's own view.
    const list = await api<{ value: { id: string; findings: unknown }[] }>(h, "GET", "/clusters");
    for (const id of ["aks-dev", "aks-staging", "aks-prod"]) {
      const one = await api<{ findings: unknown }>(h, "GET", `/clusters/${id}`);
      expect([id, list.body.value.find((c) => c.id === id)?.findings]).toEqual([id, one.body.findings]);
    }
    expect(list.body.value.find((c) => c.id === "aks-dev")?.findings).toMatchObject({ open: dev.length });
  });

  it("GET conformance judges each demo cluster live with evidence: dev and staging fail what they lack, prod mostly passes", async () => {
    const [dev, staging, prod] = [await report("aks-dev"), await report("aks-staging"), await report("aks-prod")];
    for (const r of [dev, staging, prod]) {
      expect(r.summary.total).toBeGreaterThanOrEqual(40);
      expect(r.summary.pass + r.summary.fail + r.summary.notApplicable).toBe(r.summary.total);
      expect(r.rules.filter((x) => x.citation.length === 0 || x.evidence.length === 0)).toEqual([]);
    }
    expect(failing(dev)).toEqual(expect.arrayContaining(["local-accounts-disabled", "run-command-disabled", "network-plugin-overlay", "monitoring-ci"]));
    // dev had no diagnostic setting: its adoption's governance review created the platform's.
    expect(rule(dev, "diag-control-plane").status).toBe("pass");
    expect(rule(dev, "local-accounts-disabled")).toMatchObject({ status: "fail", severity: "high", remediation: "approval", observed: false, evidence: "properties.disableLocalAccounts = false: fails (expected true)" });
    // §5: dev may run Free tier and no Defender. The platform owns node images (nodeOS None) and rolls them in the
    // cluster's own aksManagedNodeOSUpgradeSchedule (weekly, 4 h in the demo), which #31 judges.
    expect(["sku-tier-sla", "defender-profile"].map((id) => rule(dev, id).status)).toEqual(["notApplicable", "notApplicable"]);
    expect(rule(dev, "node-os-maintenance-window")).toMatchObject({ status: "pass", evidence: expect.stringContaining("the platform's node-image rollouts run in this window") as string });
    expect(rule(dev, "node-os-channel")).toMatchObject({ status: "pass", observed: "None" });

    // staging's cluster-logs sent kube-audit beside kube-audit-admin: its adoption's governance review
    // turned kube-audit off in that setting (the adoption's conformance report, a step before, failed it).
    expect([rule(staging, "diag-audit-xor").status, rule(staging, "diag-noisy-off").status]).toEqual(["pass", "pass"]);
    expect(rule(staging, "defender-profile").status).toBe("pass");

    // The demo fleet is clusters only: no hub firewall at the route's next hop, no peering, registry,
    // vault, gateway, policy assignment or Flux. The dependency rules (#20-#22, #50-#67, #69)
    // name each missing piece; the cluster's own properties fail only the four known gaps. The budget
    // (#67) passes: the adoption's governance review (issue 27) created the platform's on the group.
    const clusterOwn = ["identity-user-assigned-cp", "api-vnet-integration", "autoscaler-on", "os-sku-azurelinux"];
    const dependencies = ["egress-firewall-aks-rules", "authorized-ranges-include-egress", "diag-dependencies", "acr-premium-private", "acr-geo-replication", "acr-no-admin",
      "kubelet-acrpull", "cp-identity-network-contributor", "kv-rbac-private", "kv-secrets-user", "waf-prevention", "appgw-tls", "appgw-firewall-zonal", "hub-spoke-peered",
      "policy-restricted-initiative", "policy-allowed-images", "policy-resource-limits", "gitops-flux"];
    // Issue 28: the monitoring flags without a data collection rule association, and no Entra group holding Cluster Admin.
    const access = ["entra-admin-assignment", "monitoring-ci", "monitoring-prometheus"];
    expect(failing(prod).sort()).toEqual([...clusterOwn, ...dependencies, ...access].sort());
    expect(rule(prod, "monitoring-ci").evidence).toContain("ContainerInsights");
    expect(rule(prod, "budget-on-rg").status).toBe("pass");
    expect(rule(prod, "acr-no-admin")).toMatchObject({ status: "fail", severity: "high", evidence: expect.stringContaining("no container registry in the cluster's resource group") as string });
    expect(rule(prod, "egress-firewall-aks-rules").evidence).toContain("no Azure Firewall holds the node subnets' default-route next hop");
    expect(rule(prod, "policy-restricted-initiative").evidence).toContain("no assignment of the restricted pod security initiative");
    expect(rule(prod, "gitops-flux").evidence).toContain("no microsoft.flux extension");
    // Informational backup, and Bastion with no hub to look in: not judged.
    expect(["backup-optional", "bastion-for-ops"].map((id) => rule(prod, id).status)).toEqual(["notApplicable", "notApplicable"]);
    expect(["sku-tier-sla", "diag-control-plane", "egress-default-route", "event-grid-topic", "k8s-version-supported"].map((id) => rule(prod, id).status)).toEqual(["pass", "pass", "pass", "pass", "pass"]);
  });

  it("a property fixed through ARM passes at the next evaluation and its finding is resolved, first and last seen kept", async () => {
    const before = await report("aks-dev");
    const finding = rule(before, "local-accounts-disabled").finding;
    expect(finding).toMatchObject({ id: "aks-dev:conformance:local-accounts-disabled", status: "fail", lastSeenAt: before.evaluatedAt });
    const firstSeen = finding?.firstSeenAt ?? "";
    expect(firstSeen < before.evaluatedAt).toBe(true);

    // The operator turns local accounts off through ARM (the SDK), as the finding's remediation says.
    const current = await h.aks.managedClusters.get("rg-aks-dev", "aks-dev");
    const poller = await h.aks.managedClusters.beginCreateOrUpdate("rg-aks-dev", "aks-dev", { ...current, disableLocalAccounts: true });
    await advance(h, 10 * 60_000);
    expect((await poller.pollUntilDone()).disableLocalAccounts).toBe(true);

    const after = await report("aks-dev");
    expect(after.evaluatedAt > before.evaluatedAt).toBe(true);
    expect(rule(after, "local-accounts-disabled")).toMatchObject({
      status: "pass", observed: true,
      finding: { status: "pass", firstSeenAt: firstSeen, lastSeenAt: before.evaluatedAt, resolvedAt: after.evaluatedAt }
    });
    expect(after.summary.fail).toBe(before.summary.fail - 1);
    // A rule still failing keeps its first sighting and moves its last one.
    expect(rule(after, "run-command-disabled").finding).toMatchObject({ status: "fail", firstSeenAt: firstSeen, lastSeenAt: after.evaluatedAt });
    // The dashboard's findings show the resolved one beside the open ones.
    const stored = (await findings()).filter((f) => f.clusterId === "aks-dev");
    expect(stored.find((f) => f.rule === "local-accounts-disabled")).toMatchObject({ status: "pass", resolvedAt: after.evaluatedAt, firstSeenAt: firstSeen });
  });

  it("matches add-on keys as ARM stores them, in whatever casing they were written (the portal's azurePolicy)", async () => {
    const current = await h.aks.managedClusters.get("rg-aks-staging", "aks-staging");
    const addons = { ...current.addonProfiles };
    const policy = addons.azurepolicy;
    delete addons.azurepolicy;
    const poller = await h.aks.managedClusters.beginCreateOrUpdate("rg-aks-staging", "aks-staging", {
      ...current, addonProfiles: { ...addons, azurePolicy: { ...policy, enabled: true } }
    });
    await advance(h, 10 * 60_000);
    expect(Object.keys((await poller.pollUntilDone()).addonProfiles ?? {})).toContain("azurePolicy");
    expect(rule(await report("aks-staging"), "azure-policy-addon")).toMatchObject({ status: "pass", observed: { azurePolicy: true } });
  });

  it("a related read ARM refuses makes only the rules that need it not applicable, naming ARM's error; throttling answers 503 with Retry-After", async () => {
    const prodId = clusterResourceId(h, "aks-prod");
    const fault = await sim<{ id: string }>(h, "POST", "/_sim/faults", {
      kind: "badRequest", target: `${prodId}/providers/Microsoft.Insights/diagnosticSettings`, code: "InvalidResourceType", message: "diagnostic settings are not readable here"
    });
    const refused = await report("aks-prod");
    expect(rule(refused, "diag-control-plane")).toMatchObject({ status: "notApplicable", evidence: expect.stringContaining("InvalidResourceType") as string });
    expect(rule(refused, "local-accounts-disabled").status).toBe("pass");
    await sim(h, "DELETE", `/_sim/faults/${fault.body.id}`);

    const throttle = await sim<{ id: string }>(h, "POST", "/_sim/faults", { kind: "throttle", target: h.subscriptionId, durationMs: 60_000, retryAfterSeconds: 7 });
    const res = await fetch(`${h.platform.apiBase}/clusters/aks-prod/conformance`);
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "7"]);
    await sim(h, "DELETE", `/_sim/faults/${throttle.body.id}`);
    expect((await report("aks-prod")).summary.fail).toBe(refused.summary.fail);
  });

  it("one evaluation costs a bounded number of ARM reads: nine for the cluster (#5 reads its role assignments, #45/#46 its data collection rule associations), eleven for the dependencies of a demo cluster (docs/conformance.md counts them)", async () => {
    const seen: RequestRecord[] = [];
    const onResponse = (r: RequestRecord): void => { seen.push(r); };
    h.platform.azure.kernel.stats.on("response", onResponse);
    try {
      await report("aks-prod");
    } finally {
      h.platform.azure.kernel.stats.off("response", onResponse);
    }
    const byOperation: Record<string, number> = {};
    for (const r of seen) byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
    console.log(`ARM requests of one conformance evaluation: ${seen.length} ${JSON.stringify(byOperation)}`);
    // The cluster's own: GET, diagnostic settings, node OS schedule, versions, system topics, the node subnet and its route table,
    // its role assignments (#5) and data collection rule associations (#45/#46, Resources_Get) (9).
    // Its dependencies here (a demo cluster without hub, registry, vault or gateway): firewalls, spoke VNet, registries, vaults,
    // gateways, private endpoints, policy assignments, budgets (the group's: its adoption's governance review created
    // one, so no second read at the subscription), extensions, the control plane's role assignments, the node NSG's
    // diagnostic settings (11). The cluster's own role assignments (#5) and the dependencies' (#21-#22, #56, #58) are
    // two reads at two scopes. A provisioned cluster adds its hub, registry, vault, gateway
    // and their diagnostic settings (docs/conformance.md: at most 38 for one registry, vault and gateway).
    expect(byOperation).toMatchObject({
      ManagedClusters_Get: 1, MaintenanceConfigurations_Get: 1, ManagedClusters_ListKubernetesVersions: 1, SystemTopics_ListByResourceGroup: 1,
      VirtualNetworksSubnets_Get: 1, RouteTables_Get: 1, DiagnosticSettings_List: 2, AzureFirewalls_ListAll: 1, VirtualNetworks_Get: 1,
      Registries_List: 1, Vaults_List: 1, ApplicationGateways_List: 1, PrivateEndpoints_ListAll: 1, PolicyAssignments_List: 1, Budgets_List: 1, RoleAssignments_List: 2, Resources_Get: 1
    });
    expect(seen.length).toBe(20);
    expect(seen.every((r) => r.method === "GET")).toBe(true);
  });

  it("404 for a cluster the platform does not know", async () => {
    const res = await api<{ error: { code: string } }>(h, "GET", "/clusters/aks-ghost/conformance");
    expect([res.status, res.body.error.code]).toEqual([404, "ClusterNotFound"]);
  });
});
