/**
 * The dependency rules (BASELINE.md §4 #20, #22, #50, #52-#62, #64-#67, #69, #71, #72) on a
 * baseline-shaped cluster with its hub, registry, vault, gateway, role and policy assignments,
 * budget and Flux: each passes there, fails on one property changed, and answers notApplicable
 * (naming ARM's refusal) when the read it needs was refused.
 */
import { evaluateRule, ruleById, type ObservedCluster, type RelatedRead, type RuleResult } from "../../../shared/domain/conformance";
import type { Environment } from "../../../shared/domain/policy";
import { CONTROL_PLANE, FIREWALL_PIP, GATEWAY, baselineObserved } from "./baselineCluster";

function judge(id: string, change: (o: ObservedCluster) => void = () => undefined, env: Environment = "prod"): RuleResult {
  const rule = ruleById(id);
  if (!rule) throw new Error(`no rule ${id}`);
  const o = baselineObserved();
  change(o);
  return evaluateRule(rule, o, env);
}
const containing = (text: string): string => expect.stringContaining(text) as string;
const refused = (key: RelatedRead) => (o: ObservedCluster): void => {
  delete (o as Partial<Record<RelatedRead, unknown>>)[key];
  o.unread = { ...o.unread, [key]: "HTTP 403 AuthorizationFailed: no read access" };
};
/** A public API server with the firewall's address authorized (dev's shape). */
const publicApi = (ranges: string[]) => (o: ObservedCluster): void => {
  o.cluster.apiServerAccessProfile = { enablePrivateCluster: false, authorizedIPRanges: ranges };
  o.firewallPublicIps = { [FIREWALL_PIP.toLowerCase()]: "203.0.113.10" };
};

interface Case { id: string; fail: (o: ObservedCluster) => void; failEvidence?: string; needs: RelatedRead; env?: Environment; passChange?: (o: ObservedCluster) => void }

const cases: Case[] = [
  { id: "egress-firewall-aks-rules", needs: "firewallRules", failEvidence: "10.240.0.0/22",
    fail: (o) => { o.firewallRules!.ipGroups = Object.fromEntries(Object.keys(o.firewallRules!.ipGroups).map((k) => [k, ["10.9.0.0/24"]])); } },
  { id: "authorized-ranges-include-egress", needs: "firewallPublicIps", passChange: publicApi(["203.0.113.10/32"]), failEvidence: "not authorized: 203.0.113.10",
    fail: publicApi(["198.51.100.0/24"]) },
  { id: "diag-dependencies", needs: "dependencyDiagnostics", failEvidence: "keyVault kv-aks-base",
    fail: (o) => { o.dependencyDiagnostics!.find((d) => d.kind === "keyVault")!.settings = []; } },
  { id: "acr-premium-private", needs: "registries", failEvidence: "public network access",
    fail: (o) => { o.registries![0]!.properties!.publicNetworkAccess = "Enabled"; } },
  { id: "acr-geo-replication", needs: "registries", failEvidence: "no replica outside",
    fail: (o) => { o.registries![0]!.replicaLocations = ["eastus"]; } },
  { id: "acr-no-admin", needs: "registries", fail: (o) => { o.registries![0]!.properties!.adminUserEnabled = true; } },
  { id: "kubelet-acrpull", needs: "roleAssignments", failEvidence: "no AcrPull",
    fail: (o) => { o.roleAssignments = o.roleAssignments!.filter((r) => !r.properties?.roleDefinitionId?.endsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d")); } },
  { id: "cp-identity-network-contributor", needs: "roleAssignments", failEvidence: "snet-privatecluster",
    fail: (o) => { o.roleAssignments = o.roleAssignments!.map((r) => r.properties?.principalId === CONTROL_PLANE ? { ...r, properties: { ...r.properties, scope: `${r.properties.scope ?? ""}/subnets/snet-clusternodes` } } : r); } },
  { id: "kv-rbac-private", needs: "vaults", failEvidence: "access policies",
    fail: (o) => { o.vaults![0]!.properties!.enableRbacAuthorization = false; } },
  { id: "kv-secrets-user", needs: "roleAssignments", failEvidence: `gateway identity ${GATEWAY} lacks it`,
    fail: (o) => { o.roleAssignments = o.roleAssignments!.filter((r) => r.properties?.principalId !== GATEWAY); } },
  { id: "waf-prevention", needs: "appGateways", failEvidence: "Prevention",
    fail: (o) => { o.appGateways![0]!.wafPolicy!.properties!.policySettings!.mode = "Detection"; } },
  { id: "appgw-tls", needs: "appGateways", failEvidence: "SNI not required on listener-https",
    fail: (o) => { o.appGateways![0]!.properties!.httpListeners![0]!.properties!.requireServerNameIndication = false; } },
  { id: "appgw-firewall-zonal", needs: "appGateways", failEvidence: "fw-hub",
    fail: (o) => { o.firewalls![0]!.zones = ["1"]; } },
  { id: "hub-spoke-peered", needs: "peerings", fail: (o) => { o.peerings!.hub![0]!.properties!.peeringState = "Disconnected"; } },
  { id: "policy-restricted-initiative", needs: "policyAssignments", failEvidence: "no assignment",
    fail: (o) => { o.policyAssignments = o.policyAssignments!.filter((a) => a.name !== "restricted"); } },
  { id: "policy-allowed-images", needs: "policyAssignments", failEvidence: "not docker.io",
    fail: (o) => { o.policyAssignments!.find((a) => a.name === "images")!.properties!.parameters!.allowedContainerImagesRegex = { value: "^(acraksbase\\.azurecr\\.io/.+|docker\\.io/library/.+)$" }; } },
  { id: "policy-resource-limits", needs: "policyAssignments", failEvidence: "effect is not Deny",
    fail: (o) => { o.policyAssignments!.find((a) => a.name === "limits")!.properties!.parameters!.effect = { value: "Audit" }; } },
  { id: "budget-on-rg", needs: "budgets", failEvidence: "no budget has an enabled notification",
    fail: (o) => { o.budgets![0]!.properties!.notifications!.actual50!.enabled = false; } },
  { id: "gitops-flux", needs: "extensions", failEvidence: "no microsoft.flux extension",
    fail: (o) => { o.extensions = o.extensions!.filter((e) => e.name !== "flux"); } },
  { id: "bastion-for-ops", needs: "bastionHosts", failEvidence: "no Bastion host on vnet-hub/AzureBastionSubnet",
    fail: (o) => { o.bastionHosts = []; } }
];

describe("dependency rules: pass on the baseline, fail on one change, not applicable when ARM refuses the read", () => {
  it.each(cases)("$id", ({ id, fail, failEvidence, needs, env, passChange }) => {
    expect(judge(id, passChange, env)).toMatchObject({ status: "pass" });
    const failed = judge(id, (o) => { passChange?.(o); fail(o); }, env);
    expect(failed).toMatchObject({ status: "fail", evidence: containing(failEvidence ?? "fails (expected") });
    expect(judge(id, (o) => { passChange?.(o); refused(needs)(o); }, env)).toMatchObject({ status: "notApplicable", evidence: containing("AuthorizationFailed") });
  });

  it("covers every §4 rule the earlier catalogue left out but #5, #45 and #46 (another change owns those)", () => {
    const numbers = [20, 22, 50, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 64, 65, 66, 67, 69, 71, 72];
    expect(numbers.map((n) => [n, !!ruleById(cases.find((c) => ruleById(c.id)?.number === n)?.id ?? (n === 72 ? "backup-optional" : ""))])).toEqual(numbers.map((n) => [n, true]));
  });
});

describe("what a dependency rule judges when the resource is missing", () => {
  it("no registry, vault or gateway in the cluster's resource group fails their rules, naming it", () => {
    expect(judge("acr-no-admin", (o) => { o.registries = []; })).toMatchObject({ status: "fail", evidence: containing("no container registry in the cluster's resource group") });
    expect(judge("kv-rbac-private", (o) => { o.vaults = []; })).toMatchObject({ status: "fail", evidence: containing("no Key Vault") });
    expect(judge("waf-prevention", (o) => { o.appGateways = []; })).toMatchObject({ status: "fail", evidence: containing("no application gateway") });
  });

  it("no firewall behind the default route fails the firewall rules; no hub makes Bastion not applicable", () => {
    expect(judge("egress-firewall-aks-rules", (o) => { o.firewalls = []; })).toMatchObject({ status: "fail", evidence: containing("no Azure Firewall holds the node subnets' default-route next hop") });
    expect(judge("bastion-for-ops", (o) => { o.firewalls = []; delete o.peerings; })).toMatchObject({ status: "notApplicable" });
  });

  it("a cluster without policy or Flux fails those rules with evidence (adoption's report), not an error", () => {
    const bare = (o: ObservedCluster) => { o.policyAssignments = []; o.extensions = []; o.fluxConfigurations = []; };
    for (const id of ["policy-restricted-initiative", "policy-allowed-images", "policy-resource-limits", "gitops-flux"]) {
      expect(judge(id, bare)).toMatchObject({ status: "fail" });
    }
    // Backup is informational (§4, ART L517): its absence is not a failure.
    expect(judge("backup-optional", bare)).toMatchObject({ status: "notApplicable", evidence: containing("informational") });
  });

  it("policy effects per environment: Audit is enough in dev, Deny is asked in staging and prod; DoNotEnforce does not deny", () => {
    const audit = (o: ObservedCluster) => { o.policyAssignments!.find((a) => a.name === "limits")!.properties!.parameters!.effect = { value: "Audit" }; };
    expect(judge("policy-resource-limits", audit, "dev").status).toBe("pass");
    expect(judge("policy-resource-limits", audit, "staging").status).toBe("fail");
    expect(judge("policy-resource-limits", (o) => { o.policyAssignments!.find((a) => a.name === "limits")!.properties!.enforcementMode = "DoNotEnforce"; }).status).toBe("fail");
    // docker.io/library is allowed outside prod (BASELINE.md §5 allowed-images row).
    const hub = (o: ObservedCluster) => { o.policyAssignments!.find((a) => a.name === "images")!.properties!.parameters!.allowedContainerImagesRegex = { value: "^(acraksbase\\.azurecr\\.io/.+|docker\\.io/library/.+)$" }; };
    expect(judge("policy-allowed-images", hub, "staging").status).toBe("pass");
  });

  it("the App Gateway's predefined TLS policies: 2022 and later pass, 2015 fails", () => {
    const predefined = (name: string) => (o: ObservedCluster) => { o.appGateways![0]!.properties!.sslPolicy = { policyType: "Predefined", policyName: name }; };
    expect(judge("appgw-tls", predefined("AppGwSslPolicy20220101S")).status).toBe("pass");
    expect(judge("appgw-tls", predefined("AppGwSslPolicy20150501")).status).toBe("fail");
  });

  it("a refused private-endpoint read is named; a private cluster makes authorized ranges not applicable", () => {
    expect(judge("authorized-ranges-include-egress")).toMatchObject({ status: "notApplicable", evidence: containing("private") });
    expect(judge("acr-premium-private", (o) => { o.registries![0]!.privateEndpoints = []; })).toMatchObject({ status: "fail", evidence: containing("no private endpoint in the spoke") });
  });
});
