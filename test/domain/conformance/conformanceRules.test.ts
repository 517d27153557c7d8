/** The baseline conformance rules (shared/domain/conformance) on a baseline-shaped cluster, one property changed at a time. */
import {
  CONFORMANCE_RULES, conformanceFindingId, evaluateConformance, evaluateRule, ruleById, type ObservedCluster, type RuleResult
} from "../../../shared/domain/conformance";
import type { Environment } from "../../../shared/domain/policy";
import { findingOf } from "../../../orchestrations/conformance/activities/conformance";
import { NODE_SUBNET, baselineObserved } from "./baselineCluster";

function judge(id: string, change: (o: ObservedCluster) => void = () => undefined, env: Environment = "prod"): RuleResult {
  const rule = ruleById(id);
  if (!rule) throw new Error(`no rule ${id}`);
  const o = baselineObserved();
  change(o);
  return evaluateRule(rule, o, env);
}
/** `expect.stringContaining`, typed for object literals. */
const containing = (text: string): string => expect.stringContaining(text) as string;
const status = (id: string, change?: (o: ObservedCluster) => void, env?: Environment) => judge(id, change, env).status;
const pools = (o: ObservedCluster) => o.cluster.agentPoolProfiles!;
/** ARM-computed (read-only in the SDK's model): what AKS would report. */
const reported = <T extends object>(target: T, values: Record<string, unknown>): void => { Object.assign(target, values); };

describe("the rule catalogue", () => {
  it("has at least 40 rules from BASELINE.md §4, each with id, path, expected value, severity, citation and remediation class", () => {
    expect(CONFORMANCE_RULES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CONFORMANCE_RULES.map((r) => r.id)).size).toBe(CONFORMANCE_RULES.length);
    expect(new Set(CONFORMANCE_RULES.map((r) => r.number)).size).toBe(CONFORMANCE_RULES.length);
    for (const r of CONFORMANCE_RULES) {
      expect({ id: r.id, ok: r.id.length > 0 && /^[a-z0-9-]+$/.test(r.id) && r.number >= 1 && r.number <= 72 && r.title.length > 0 && r.path.length > 0 && r.expected.length > 0 && r.citation.length > 10 }).toEqual({ id: r.id, ok: true });
      expect(["high", "medium", "low", "info"]).toContain(r.severity);
      expect(["automatic", "approval", "manual"]).toContain(r.remediation);
    }
  });

  it("tags the baseline repository's own choices (not seed sentences) as such, as §4 lists them", () => {
    expect(CONFORMANCE_RULES.filter((r) => r.source === "aks-baseline").map((r) => r.number)).toEqual([2, 14, 23, 25, 41, 42, 70]);
  });

  it("a cluster shaped like the baseline passes every rule in prod", () => {
    const report = evaluateConformance(baselineObserved(), "prod", "2026-11-02T08:00:00.000Z");
    // A private API server has no authorized IP ranges to hold the firewall's address (#22).
    expect(report.rules.filter((r) => r.status !== "pass").map((r) => `${r.id}: ${r.evidence}`)).toEqual([
      "authorized-ranges-include-egress: properties.apiServerAccessProfile.authorizedIPRanges ∋ firewall public IPs: not applicable; the API server is private: authorized IP ranges do not apply"
    ]);
    expect(report.summary).toMatchObject({ total: CONFORMANCE_RULES.length, pass: CONFORMANCE_RULES.length - 1, fail: 0, notApplicable: 1 });
  });

  it("dev does not judge what §5 allows there (Free tier, no Defender, one zone, small user pools, noisy log categories)", () => {
    const report = evaluateConformance(baselineObserved(), "dev", "2026-11-02T08:00:00.000Z");
    expect(report.rules.filter((r) => r.status === "notApplicable").map((r) => r.id).sort())
      .toEqual(["acr-geo-replication", "appgw-firewall-zonal", "authorized-ranges-include-egress", "defender-profile", "diag-noisy-off", "sku-tier-sla", "user-pool-2-nodes", "zones-123"]);
    expect(report.rules.find((r) => r.id === "sku-tier-sla")?.evidence).toContain("pre-production");
  });

  it("severity follows the environment where §4 says so (M, H in prod)", () => {
    expect(judge("defender-profile", undefined, "prod").severity).toBe("high");
    expect(judge("defender-profile", undefined, "staging").severity).toBe("medium");
  });

  it("a rule that cannot judge odd ARM data fails naming why, and the others still run", () => {
    const broken = { ...ruleById("oidc-issuer")!, check: () => { throw new Error("unexpected shape"); } };
    expect(evaluateRule(broken, baselineObserved(), "prod")).toMatchObject({ status: "fail", evidence: containing("unexpected shape") });
  });
});

describe("identity and security rules", () => {
  it("fail on local accounts, a service principal, no Azure RBAC, no Entra integration, no workload identity", () => {
    expect(judge("local-accounts-disabled", (o) => { o.cluster.disableLocalAccounts = false; })).toMatchObject({ status: "fail", observed: false, evidence: containing("properties.disableLocalAccounts = false") });
    expect(status("identity-managed", (o) => { o.cluster.identity = undefined; o.cluster.servicePrincipalProfile = { clientId: "1b7e0c5f-0000-0000-0000-000000000000" }; })).toBe("fail");
    expect(status("identity-user-assigned-cp", (o) => { o.cluster.identity = { type: "SystemAssigned" }; })).toBe("fail");
    expect(status("entra-azure-rbac", (o) => { o.cluster.aadProfile!.enableAzureRbac = false; })).toBe("fail");
    // Rule 5 (issue 28): with Azure RBAC a group must hold AKS RBAC Cluster Admin at the cluster itself.
    expect(judge("entra-admin-assignment", (o) => { o.clusterRoleAssignments = o.clusterRoleAssignments!.filter((ra) => !ra.roleDefinitionId?.endsWith("b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b")); })).toMatchObject({ status: "fail", evidence: containing("Cluster Admin") });
    expect(status("entra-admin-assignment", (o) => { o.clusterRoleAssignments![0]!.scope = `${o.cluster.id!}/namespaces/a0008`; })).toBe("fail");
    expect(status("entra-admin-assignment", (o) => { o.clusterRoleAssignments![0]!.principalType = "User"; })).toBe("fail");
    expect(status("entra-admin-assignment", (o) => { o.clusterRoleAssignments![0]!.scope = o.cluster.id!.toUpperCase(); })).toBe("pass");
    // Without Azure RBAC, Kubernetes RBAC binds the admin groups of aadProfile.
    expect(status("entra-admin-assignment", (o) => { o.cluster.aadProfile!.enableAzureRbac = false; o.clusterRoleAssignments = []; })).toBe("pass");
    expect(status("entra-admin-assignment", (o) => { o.cluster.aadProfile!.enableAzureRbac = false; o.cluster.aadProfile!.adminGroupObjectIDs = []; })).toBe("fail");
    expect(status("entra-managed-aad", (o) => { delete o.cluster.aadProfile; })).toBe("fail");
    expect(status("workload-identity", (o) => { o.cluster.securityProfile!.workloadIdentity = undefined; })).toBe("fail");
    expect(status("oidc-issuer", (o) => { o.cluster.oidcIssuerProfile = { enabled: false }; })).toBe("fail");
    expect(status("no-pod-identity", (o) => { o.cluster.podIdentityProfile = { enabled: true }; })).toBe("fail");
    expect(status("k8s-rbac-enabled", (o) => { o.cluster.enableRbac = false; })).toBe("fail");
  });

  it("Defender: fails in staging without security monitoring or a workspace, not applicable in dev", () => {
    expect(status("defender-profile", (o) => { o.cluster.securityProfile!.defender = undefined; }, "staging")).toBe("fail");
    expect(status("defender-profile", (o) => { o.cluster.securityProfile!.defender!.logAnalyticsWorkspaceResourceId = undefined; }, "prod")).toBe("fail");
    expect(judge("defender-profile", (o) => { o.cluster.securityProfile!.defender = undefined; }, "dev")).toMatchObject({ status: "notApplicable", evidence: containing("cost") });
  });

  it("Image Cleaner: off or too seldom fails", () => {
    expect(status("image-cleaner", (o) => { o.cluster.securityProfile!.imageCleaner = { enabled: false }; })).toBe("fail");
    expect(status("image-cleaner", (o) => { o.cluster.securityProfile!.imageCleaner = { enabled: true, intervalHours: 336 }; })).toBe("fail");
    expect(status("image-cleaner", (o) => { o.cluster.securityProfile!.imageCleaner = { enabled: true, intervalHours: 48 }; })).toBe("pass");
  });

  it("matches add-on keys case-insensitively, as AKS does (azurePolicy / azurepolicy, AzureKeyVaultSecretsProvider)", () => {
    const rename = (from: string, to: string) => (o: ObservedCluster) => {
      const addons = o.cluster.addonProfiles!;
      addons[to] = addons[from]!;
      delete addons[from];
    };
    expect(judge("azure-policy-addon", rename("azurepolicy", "azurePolicy"))).toMatchObject({ status: "pass", observed: { azurePolicy: true } });
    expect(status("kv-csi-addon", rename("azureKeyvaultSecretsProvider", "AzureKeyVaultSecretsProvider"))).toBe("pass");
    expect(status("azure-policy-addon", (o) => { rename("azurepolicy", "AZUREPOLICY")(o); o.cluster.addonProfiles!.AZUREPOLICY!.enabled = false; })).toBe("fail");
    expect(judge("azure-policy-addon", (o) => { delete o.cluster.addonProfiles!.azurepolicy; })).toMatchObject({ status: "fail", evidence: containing("no azurepolicy add-on profile") });
  });
});

describe("network rules", () => {
  it("fail on kubenet, no overlay, no network policy, load-balancer egress", () => {
    expect(status("network-plugin-cni", (o) => { o.cluster.networkProfile!.networkPlugin = "kubenet"; })).toBe("fail");
    expect(status("network-plugin-overlay", (o) => { delete o.cluster.networkProfile!.networkPluginMode; })).toBe("fail");
    expect(status("network-policy", (o) => { delete o.cluster.networkProfile!.networkPolicy; })).toBe("fail");
    expect(status("network-policy", (o) => { o.cluster.networkProfile!.networkPolicy = "cilium"; })).toBe("pass");
    expect(status("egress-udr", (o) => { o.cluster.networkProfile!.outboundType = "loadBalancer"; })).toBe("fail");
  });

  it("egress-default-route: the node subnet's route table must send 0.0.0.0/0 to a virtual appliance", () => {
    expect(judge("egress-default-route", (o) => { o.nodeSubnets![0]!.routeTable!.routes = [{ addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }]; }))
      .toMatchObject({ status: "fail", observed: { [NODE_SUBNET]: { nextHopType: "Internet" } }, evidence: containing("snet-clusternodes") });
    expect(judge("egress-default-route", (o) => { o.nodeSubnets![0]!.subnet!.routeTable = undefined; o.nodeSubnets![0]!.routeTable = undefined; }))
      .toMatchObject({ status: "fail", observed: { [NODE_SUBNET]: "no route table" } });
    expect(status("egress-default-route", (o) => { o.nodeSubnets![0]!.subnet = undefined; })).toBe("fail");
    expect(judge("egress-default-route", (o) => { o.cluster.networkProfile!.outboundType = "loadBalancer"; })).toMatchObject({ status: "notApplicable" });
    expect(judge("egress-default-route", (o) => { o.nodeSubnets = undefined; o.unread = { nodeSubnets: "HTTP 403 AuthorizationFailed: no read on the spoke" }; }))
      .toMatchObject({ status: "notApplicable", evidence: containing("AuthorizationFailed") });
  });

  it("subnet NSGs, API server exposure, VNet integration, run command, private DNS zone", () => {
    expect(status("subnet-nsgs", (o) => { o.nodeSubnets![0]!.subnet!.networkSecurityGroup = undefined; })).toBe("fail");
    expect(status("api-server-restricted", (o) => { o.cluster.apiServerAccessProfile = {}; })).toBe("fail");
    expect(status("api-server-restricted", (o) => { o.cluster.apiServerAccessProfile = { authorizedIPRanges: ["203.0.113.4/32"] }; })).toBe("pass");
    expect(status("api-vnet-integration", (o) => { o.apiServerSubnet!.delegations = []; })).toBe("fail");
    expect(status("api-vnet-integration", (o) => { o.cluster.apiServerAccessProfile!.enableVnetIntegration = false; })).toBe("fail");
    expect(status("run-command-disabled", (o) => { o.cluster.apiServerAccessProfile!.disableRunCommand = false; })).toBe("fail");
    expect(status("private-dns-zone-byo", (o) => { o.cluster.apiServerAccessProfile!.privateDNSZone = "system"; })).toBe("fail");
    expect(status("private-dns-zone-byo", (o) => { o.cluster.apiServerAccessProfile = { authorizedIPRanges: ["203.0.113.4/32"] }; })).toBe("notApplicable");
  });
});

describe("tier, version and upgrade rules", () => {
  it("sku-tier-sla: Free fails in prod and is not judged elsewhere", () => {
    expect(judge("sku-tier-sla", (o) => { o.cluster.sku = { name: "Base", tier: "Free" }; })).toMatchObject({ status: "fail", observed: "Free" });
    expect(status("sku-tier-sla", (o) => { o.cluster.sku = { name: "Base", tier: "Free" }; }, "staging")).toBe("notApplicable");
  });

  it("k8s-version-supported: a minor the region no longer offers, or a preview, fails; unread versions are not applicable", () => {
    expect(judge("k8s-version-supported", (o) => { reported(o.cluster, { currentKubernetesVersion: "1.31.9" }); })).toMatchObject({ status: "fail", evidence: containing("1.31 is not offered") });
    expect(status("k8s-version-supported", (o) => { reported(o.cluster, { currentKubernetesVersion: "1.36.0" }); })).toBe("fail");
    expect(status("k8s-version-supported", (o) => { o.kubernetesVersions = undefined; })).toBe("notApplicable");
  });

  it("pools-version-skew: a pool ahead of the control plane or three minors behind fails", () => {
    expect(status("pools-version-skew", (o) => { reported(pools(o)[1]!, { currentOrchestratorVersion: "1.31.5" }); })).toBe("fail");
    expect(status("pools-version-skew", (o) => { reported(pools(o)[1]!, { currentOrchestratorVersion: "1.32.5" }); })).toBe("pass");
    expect(status("pools-version-skew", (o) => { reported(pools(o)[1]!, { currentOrchestratorVersion: "1.34.3" }); })).toBe("fail");
  });

  it("upgrade channels: AKS auto-upgrade fails; node OS None (the platform rolls images) passes; the window is then judged when the cluster has one (the platform's rollouts run in it), else not applicable", () => {
    expect(status("upgrade-channel-controlled", (o) => { o.cluster.autoUpgradeProfile!.upgradeChannel = "patch"; })).toBe("fail");
    const none = (o: ObservedCluster) => { o.cluster.autoUpgradeProfile!.nodeOSUpgradeChannel = "None"; o.maintenanceConfigurations = []; };
    expect(status("node-os-channel", none)).toBe("pass");
    expect(status("node-os-maintenance-window", none)).toBe("notApplicable");
    const ownWindow = judge("node-os-maintenance-window", (o) => { o.cluster.autoUpgradeProfile!.nodeOSUpgradeChannel = "None"; });
    expect([ownWindow.status, ownWindow.evidence]).toEqual(["pass", containing("the platform's node-image rollouts run in this window")]);
    expect(status("node-os-maintenance-window", (o) => { o.cluster.autoUpgradeProfile!.nodeOSUpgradeChannel = "None"; o.maintenanceConfigurations![0]!.maintenanceWindow!.durationHours = 2; })).toBe("fail");
    // The schedule ARM refused to show: not judged, naming why.
    const refused = judge("node-os-maintenance-window", (o) => { o.cluster.autoUpgradeProfile!.nodeOSUpgradeChannel = "None"; delete o.maintenanceConfigurations; o.unread = { maintenanceConfigurations: "403 AuthorizationFailed" }; });
    expect([refused.status, refused.evidence]).toEqual(["notApplicable", containing("403 AuthorizationFailed")]);
    expect(status("node-os-channel", (o) => { o.cluster.autoUpgradeProfile!.nodeOSUpgradeChannel = "Unmanaged"; })).toBe("fail");
    expect(status("node-os-maintenance-window", (o) => { o.maintenanceConfigurations = []; })).toBe("fail");
    expect(status("node-os-maintenance-window", (o) => { o.maintenanceConfigurations![0]!.maintenanceWindow!.durationHours = 2; })).toBe("fail");
  });
});

describe("node pool rules", () => {
  it("system pool: untainted, too few nodes for staging (enough for dev), B-series", () => {
    expect(status("system-pool-dedicated", (o) => { pools(o)[0]!.nodeTaints = []; })).toBe("fail");
    const two = (o: ObservedCluster) => { pools(o)[0]!.count = 2; pools(o)[0]!.minCount = 2; };
    expect(judge("system-pool-3-nodes", two, "staging")).toMatchObject({ status: "fail", evidence: containing("staging needs 3") });
    expect(status("system-pool-3-nodes", two, "dev")).toBe("pass");
    expect(status("system-pool-3-nodes", (o) => { pools(o)[0]!.minCount = 1; }, "prod")).toBe("fail");
    expect(status("system-vm-size", (o) => { pools(o)[0]!.vmSize = "Standard_B4ms"; })).toBe("fail");
  });

  it("user pools: none fails user-pool-exists and makes the two-node rule not applicable", () => {
    const systemOnly = (o: ObservedCluster) => { o.cluster.agentPoolProfiles = [pools(o)[0]!]; };
    expect(status("user-pool-exists", systemOnly)).toBe("fail");
    expect(judge("user-pool-2-nodes", systemOnly)).toMatchObject({ status: "notApplicable", evidence: containing("no User pool") });
    expect(status("user-pool-2-nodes", (o) => { pools(o)[1]!.count = 1; pools(o)[1]!.minCount = 1; })).toBe("fail");
  });

  it("per-pool properties name the failing pool in the evidence", () => {
    const r = judge("autoscaler-on", (o) => { pools(o)[1]!.enableAutoScaling = false; });
    expect(r).toMatchObject({ status: "fail", evidence: containing("failing: npuser01") });
    expect(status("zones-123", (o) => { pools(o)[1]!.availabilityZones = ["1"]; })).toBe("fail");
    expect(status("zones-123", (o) => { pools(o)[1]!.availabilityZones = ["1"]; }, "dev")).toBe("notApplicable");
    expect(judge("max-pods-planned", (o) => { delete pools(o)[0]!.maxPods; })).toMatchObject({ status: "fail", observed: { npsystem: null, npuser01: 30 } });
    expect(status("no-node-public-ip", (o) => { pools(o)[1]!.enableNodePublicIP = true; })).toBe("fail");
    expect(status("os-disk-ephemeral", (o) => { pools(o)[1]!.osDiskType = "Managed"; })).toBe("fail");
    expect(status("os-sku-azurelinux", (o) => { pools(o)[1]!.osSKU = "Ubuntu"; })).toBe("fail");
    expect(status("os-sku-azurelinux", (o) => { pools(o)[1]!.osType = "Windows"; pools(o)[1]!.osSKU = "Windows2022"; })).toBe("pass");
    expect(status("surge-upgrade", (o) => { pools(o)[1]!.upgradeSettings = {}; })).toBe("fail");
    expect(status("node-pool-tags", (o) => { delete pools(o)[0]!.tags; })).toBe("fail");
  });
});

describe("monitoring, logs, events and cost rules", () => {
  const logs = (o: ObservedCluster) => o.diagnosticSettings![0]!.logs!;

  it("Container insights: omsAgent with logAnalyticsWorkspaceResourceID in any casing passes; no Entra auth fails", () => {
    const recased = (o: ObservedCluster) => {
      o.cluster.addonProfiles!.omsAgent = { enabled: true, config: { logAnalyticsWorkspaceResourceID: "/ws", useAADAuth: "True" } };
      delete o.cluster.addonProfiles!.omsagent;
    };
    expect(judge("monitoring-ci", recased)).toMatchObject({ status: "pass", observed: { key: "omsAgent", logAnalyticsWorkspaceResourceID: "/ws" } });
    expect(status("monitoring-ci", (o) => { delete o.cluster.addonProfiles!.omsagent!.config!.useAADAuth; })).toBe("fail");
    expect(status("monitoring-prometheus", (o) => { o.cluster.azureMonitorProfile = undefined; })).toBe("fail");
    // Issue 28: the flags alone send nothing; the rules read the data collection rule associations.
    expect(judge("monitoring-ci", (o) => { o.dataCollection = []; })).toMatchObject({ status: "fail", evidence: containing("ContainerInsights") });
    expect(judge("monitoring-prometheus", (o) => { o.dataCollection = o.dataCollection!.filter((a) => !a.name?.startsWith("MSProm")); })).toMatchObject({ status: "fail", evidence: containing("Prometheus") });
    expect(judge("monitoring-prometheus", (o) => { o.dataCollection![0]!.rule!.destinations = {}; })).toMatchObject({ status: "fail" });
    expect(judge("monitoring-ci", (o) => { o.dataCollection = undefined; o.unread = { dataCollection: "HTTP 403 AuthorizationFailed: no read" }; })).toMatchObject({ status: "notApplicable", evidence: containing("AuthorizationFailed") });
  });

  it("control-plane logs: a missing category or no setting fails; the allLogs group covers them", () => {
    expect(judge("diag-control-plane", (o) => { logs(o)[3]!.enabled = false; })).toMatchObject({ status: "fail", evidence: containing("guard") });
    expect(status("diag-control-plane", (o) => { o.diagnosticSettings = []; })).toBe("fail");
    expect(status("diag-control-plane", (o) => { o.diagnosticSettings = [{ name: "all", workspaceId: "/ws", logs: [{ categoryGroup: "allLogs", enabled: true }] }]; })).toBe("pass");
    expect(status("diag-control-plane", (o) => { o.diagnosticSettings![0]!.workspaceId = undefined; o.diagnosticSettings![0]!.storageAccountId = "/sa"; })).toBe("fail");
  });

  it("kube-audit beside kube-audit-admin fails (in any setting, or through allLogs); kube-scheduler on fails outside dev", () => {
    const audit = (o: ObservedCluster) => { o.diagnosticSettings!.push({ name: "extra", workspaceId: "/ws", logs: [{ category: "kube-audit", enabled: true }] }); };
    expect(judge("diag-audit-xor", audit)).toMatchObject({ status: "fail", evidence: containing("kube-audit in extra") });
    expect(status("diag-audit-xor", (o) => { o.diagnosticSettings = [{ name: "all", workspaceId: "/ws", logs: [{ categoryGroup: "allLogs", enabled: true }] }]; })).toBe("fail");
    expect(status("diag-audit-xor", (o) => { o.diagnosticSettings = []; })).toBe("notApplicable");
    expect(status("diag-noisy-off", (o) => { logs(o)[4]!.enabled = true; }, "staging")).toBe("fail");
    expect(status("diag-noisy-off", (o) => { logs(o)[4]!.enabled = true; }, "dev")).toBe("notApplicable");
  });

  it("event topic, cost analysis, legacy add-ons", () => {
    expect(status("event-grid-topic", (o) => { o.eventTopics = [{ name: "other", source: "/subscriptions/x/other", topicType: "Microsoft.ContainerService.ManagedClusters" }]; })).toBe("fail");
    expect(status("cost-analysis", (o) => { o.cluster.metricsProfile = {}; })).toBe("fail");
    expect(status("cost-analysis", (o) => { o.cluster.sku = { tier: "Free" }; o.cluster.metricsProfile = {}; })).toBe("notApplicable");
    expect(judge("legacy-addons-off", (o) => { o.cluster.addonProfiles!.KubeDashboard = { enabled: true }; delete o.cluster.addonProfiles!.kubeDashboard; }))
      .toMatchObject({ status: "fail", observed: ["KubeDashboard"] });
  });
});

describe("findings of a report", () => {
  it("ids are stable per (cluster, rule) and hold none of the characters Cosmos refuses in ids", () => {
    expect(conformanceFindingId("aks-dev", "local-accounts-disabled")).toBe("aks-dev:conformance:local-accounts-disabled");
    expect(conformanceFindingId("a/b?c#d\\e", "r")).not.toMatch(/[/\\?#]/);
  });

  it("a failing rule is a failing finding with its evidence and citation; info severity is kept as low; notApplicable is not a failure", () => {
    const failing = judge("os-sku-azurelinux", (o) => { pools(o)[1]!.osSKU = "Ubuntu"; });
    expect(findingOf("aks-base", failing, "2026-11-02T08:00:00.000Z")).toMatchObject({
      id: "aks-base:conformance:os-sku-azurelinux", clusterId: "aks-base", category: "conformance", rule: "os-sku-azurelinux", status: "fail",
      severity: "low", remediation: "approval", observedAt: "2026-11-02T08:00:00.000Z", evidence: containing("cluster-stamp.bicep:757,790")
    });
    expect(findingOf("aks-base", judge("zones-123", undefined, "dev"), "t").status).toBe("pass");
  });
});
