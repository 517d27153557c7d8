import {
  assignWaves, baselineProfile, changeOf, criticalPathMs, deterministicGuid, differences, resolveRefs, validateProvisionRequest,
  type BaselineProfile, type DesiredResource
} from "../../shared/domain/baseline";
import { DESIRED_RESOURCE_LOGS, PLATFORM_RESOURCE_SETTING } from "../../shared/domain/governance/logCategories";
import { CLUSTER_LOG_CATEGORIES, DEFAULT_BUDGET_AMOUNT, PLATFORM_BUDGET, PLATFORM_DIAGNOSTIC_SETTING } from "../../shared/domain/governance/desired";

const SUB = "00000000-0000-0000-0000-000000000001";
const ctx = { subscriptionId: SUB, budgetStartDate: "2026-12-01T00:00:00Z" };
const ADMINS = "6b1e0000-0000-4000-8000-000000000001";
const READERS = "6b1e0000-0000-4000-8000-000000000002";
const CERTS = `/subscriptions/${SUB}/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs`;
const access = { adminGroupObjectIds: [ADMINS], namespaceReaders: [{ namespace: "a0008", groupObjectId: READERS }] };
const tls = { gatewayCertificateSecretId: `${CERTS}/secrets/gateway-cert`, ingressRootCertificateSecretId: `${CERTS}/secrets/ingress-root` };
const base = { name: "aks-demo", environment: "prod", location: "westeurope", network: { hubAddressSpace: "10.200.0.0/24", spokeAddressSpace: "10.240.0.0/16" }, access, tls };

function profileOf(overrides: Record<string, unknown> = {}): BaselineProfile {
  const v = validateProvisionRequest({ ...base, ...overrides });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return baselineProfile(v.value, ctx);
}
const res = (p: BaselineProfile, key: string): DesiredResource => {
  const r = p.resources.find((x) => x.key === key);
  if (!r) throw new Error(`no ${key}`);
  return r;
};
const at = (v: unknown, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], v);

/** The fields a request gets a 400 for. */
function fields(body: unknown): string[] {
  const v = validateProvisionRequest(body);
  return v.ok ? [] : v.issues.map((i) => i.field);
}

describe("baseline profile per environment", () => {
  it("prod: private cluster with VNet integration, Defender, Standard tier, tainted 3-node system pool, zones 1-3, Premium firewall", () => {
    const p = profileOf();
    const mc = res(p, "cluster").body;
    expect(at(mc, "sku.tier")).toBe("Standard");
    expect(at(mc, "properties.apiServerAccessProfile")).toMatchObject({ enablePrivateCluster: true, enableVnetIntegration: true, disableRunCommand: true });
    expect(at(mc, "properties.securityProfile.defender.securityMonitoring.enabled")).toBe(true);
    const [system, user] = at(mc, "properties.agentPoolProfiles") as Record<string, unknown>[];
    expect(system).toMatchObject({ mode: "System", count: 3, minCount: 3, nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"], availabilityZones: ["1", "2", "3"], maxPods: 30 });
    expect(user).toMatchObject({ mode: "User", count: 2, minCount: 2, maxCount: 5, availabilityZones: ["1", "2", "3"] });
    expect(at(mc, "properties.networkProfile")).toMatchObject({ networkPlugin: "azure", networkPluginMode: "overlay", networkPolicy: "azure", outboundType: "userDefinedRouting", dnsServiceIP: "172.16.0.10" });
    expect(at(mc, "properties.aadProfile")).toMatchObject({ managed: true, enableAzureRBAC: true });
    expect([at(mc, "properties.disableLocalAccounts"), at(mc, "properties.oidcIssuerProfile.enabled"), at(mc, "properties.securityProfile.workloadIdentity.enabled")]).toEqual([true, true, true]);
    expect(at(mc, "properties.addonProfiles.azureKeyvaultSecretsProvider.enabled")).toBe(true);
    expect(at(mc, "properties.addonProfiles.azurepolicy.enabled")).toBe(true);
    expect(at(mc, "properties.autoUpgradeProfile")).toEqual({ upgradeChannel: "none", nodeOSUpgradeChannel: "None" });
    expect(at(res(p, "fw-policy").body, "properties.sku.tier")).toBe("Premium");
    expect(p.resources.some((r) => r.key === "dns-aks")).toBe(true);
    expect(res(p, "cluster").sources?.["properties.agentPoolProfiles.0.nodeTaints"]).toContain("ART");
  });

  it("staging mirrors prod's private cluster and Defender", () => {
    const mc = res(profileOf({ environment: "staging" }), "cluster").body;
    expect([at(mc, "properties.apiServerAccessProfile.enablePrivateCluster"), at(mc, "properties.securityProfile.defender.securityMonitoring.enabled"), at(mc, "sku.tier")]).toEqual([true, true, "Standard"]);
  });

  it("dev: public API server limited to the firewall's address, no Defender, Free tier, smaller pools, Standard firewall", () => {
    const p = profileOf({ environment: "dev" });
    const cluster = res(p, "cluster");
    expect(at(cluster.body, "properties.apiServerAccessProfile.enablePrivateCluster")).toBe(false);
    expect(cluster.refs).toContainEqual({ path: "properties.apiServerAccessProfile.authorizedIPRanges.0", from: "fw-pip", fromPath: "properties.ipAddress", format: "cidr32" });
    expect(at(cluster.body, "properties.securityProfile.defender")).toBeUndefined();
    expect(at(cluster.body, "sku.tier")).toBe("Free");
    expect((at(cluster.body, "properties.agentPoolProfiles") as { count: number }[]).map((x) => x.count)).toEqual([2, 1]);
    expect(p.resources.some((r) => r.key === "dns-aks")).toBe(false);
    expect(at(res(p, "fw-policy").body, "properties.sku.tier")).toBe("Standard");
  });

  it("the registry's geo-replica: prod at the location's Azure pair, before the registry's private endpoint; none in dev and staging unless an override names its region", () => {
    const prod = profileOf();
    const replica = res(prod, "registry-replica");
    expect([replica.id.endsWith("/registries/acraksdemo/replications/northeurope"), replica.body, replica.dependsOn]).toEqual([true, { location: "northeurope", properties: {} }, ["registry"]]);
    expect(res(prod, "pe-acr").dependsOn).toContain("registry-replica");
    expect(res(profileOf({ location: "eastus" }), "registry-replica").body).toMatchObject({ location: "westus" });
    for (const environment of ["dev", "staging"]) {
      const p = profileOf({ environment });
      expect([environment, p.resources.some((r) => r.key === "registry-replica"), p.omitted.map((o) => o.what)]).toEqual([environment, false, expect.arrayContaining(["registry geo-replica"])]);
    }
    expect(res(profileOf({ environment: "staging", overrides: { registryReplicaLocation: "swedencentral" } }), "registry-replica").body).toMatchObject({ location: "swedencentral" });
    expect(profileOf().omitted.map((o) => o.what)).not.toContain("registry geo-replica");
  });

  it("the reference's node-OS window (weekly, Tuesday 21:00, 12 h) after the cluster, in every environment", () => {
    for (const environment of ["dev", "staging", "prod"]) {
      const schedule = res(profileOf({ environment }), "node-os-schedule");
      expect([environment, schedule.id.endsWith("/managedClusters/aks-demo/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule"), schedule.dependsOn, schedule.body])
        .toEqual([environment, true, ["cluster"], { properties: { maintenanceWindow: { durationHours: 12, schedule: { weekly: { dayOfWeek: "Tuesday", intervalWeeks: 1 } }, startTime: "21:00" } } }]);
    }
  });

  it("governed settings come from governance/desired.ts: the diagnostic setting's categories and the budget by environment", () => {
    for (const env of ["dev", "staging", "prod"] as const) {
      const p = profileOf({ environment: env });
      const diag = res(p, "cluster-diagnostics");
      expect(diag.id).toMatch(new RegExp(`/diagnosticSettings/${PLATFORM_DIAGNOSTIC_SETTING}$`));
      const logs = at(diag.body, "properties.logs") as { category: string; enabled: boolean }[];
      expect(logs.filter((l) => l.enabled).map((l) => l.category)).toEqual([...CLUSTER_LOG_CATEGORIES]);
      // Exactly governance's desired setting: kube-audit and kube-scheduler are off by being absent.
      expect(logs.filter((l) => !l.enabled)).toEqual([]);
      expect(logs.map((l) => l.category)).not.toContain("kube-audit");
      const budget = res(p, "budget");
      expect(budget.id).toMatch(new RegExp(`/budgets/${PLATFORM_BUDGET}$`));
      expect(at(budget.body, "properties.amount")).toBe(DEFAULT_BUDGET_AMOUNT[env]);
    }
  });

  it("the route table's next hop, the Key Vault tenant and every principal are read from other resources, never hard-coded", () => {
    const p = profileOf();
    expect(res(p, "route-table").refs).toEqual([{ path: "properties.routes.0.properties.nextHopIpAddress", from: "firewall", fromPath: "properties.ipConfigurations.0.properties.privateIPAddress" }]);
    expect(res(p, "ra-kubelet-acrpull").refs?.[0]).toMatchObject({ from: "cluster", fromPath: "properties.identityProfile.kubeletidentity.objectId" });
    expect(at(res(p, "ra-kubelet-acrpull").body, "properties.roleDefinitionId")).toMatch(/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
    expect(res(p, "key-vault").refs?.[0]?.fromPath).toBe("properties.tenantId");
  });

  it("role assignment names are deterministic GUIDs of scope, role and principal", () => {
    const a = profileOf().resources.filter((r) => r.type === "Microsoft.Authorization/roleAssignments").map((r) => r.id);
    const b = profileOf().resources.filter((r) => r.type === "Microsoft.Authorization/roleAssignments").map((r) => r.id);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
    for (const id of a) expect(id.split("/").pop()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicGuid("A", "b")).toBe(deterministicGuid("a", "B"));
    expect(deterministicGuid("a", "b")).not.toBe(deterministicGuid("a", "c"));
  });

  it("a hub named by id is read, not written: no hub VNet, firewall or rules are created, the spoke peers with it", () => {
    const hubId = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.Network/virtualNetworks/vnet-shared-hub`;
    const p = profileOf({ network: { hubId, spokeAddressSpace: "10.241.0.0/16" } });
    expect(p.resources.filter((r) => r.external && r.type.startsWith("Microsoft.Network/")).map((r) => r.key)).toEqual(["hub-vnet", "firewall", "fw-pip"]);
    expect(res(p, "firewall").id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.Network/azureFirewalls/fw-vnet-shared-hub`);
    expect(p.resources.some((r) => r.type === "Microsoft.Network/firewallPolicies")).toBe(false);
    expect(res(p, "peering-hub-spoke").id.startsWith(`${hubId}/virtualNetworkPeerings/`)).toBe(true);
  });

  it("every resource cites its source, names only known dependencies, and the graph has no cycle", () => {
    for (const env of ["dev", "prod"]) {
      const p = profileOf({ environment: env });
      const keys = new Set(p.resources.map((r) => r.key));
      expect(keys.size).toBe(p.resources.length);
      for (const r of p.resources) {
        expect(r.source.length).toBeGreaterThan(5);
        for (const d of r.dependsOn) expect(keys.has(d) ? d : `${r.key} → ${d}`).toBe(d);
        for (const ref of r.refs ?? []) expect(keys.has(ref.from)).toBe(true);
      }
      expect(() => assignWaves(p.resources, keys)).not.toThrow();
    }
  });
});

describe("provisioning request validation (one test per rule)", () => {
  it("accepts the baseline request", () => expect(fields(base)).toEqual([]));
  it("cluster name rule (V34)", () => expect(fields({ ...base, name: "-bad!" })).toContain("name"));
  it("Key Vault name rule: kv-<name> at most 24 characters (V25)", () => {
    const v = validateProvisionRequest({ ...base, name: "a-very-long-cluster-name" });
    expect(!v.ok && v.issues.some((i) => i.field === "name" && i.message.includes("Key Vault"))).toBe(true);
  });
  it("registry name rule: at least 5 letters and digits (V22)", () => {
    const v = validateProvisionRequest({ ...base, name: "a" });
    expect(!v.ok && v.issues.some((i) => i.field === "name" && i.message.includes("container registry"))).toBe(true);
  });
  it("environment must be dev, staging or prod", () => expect(fields({ ...base, environment: "qa" })).toEqual(["environment"]));
  it("location must be a region with three zones", () => expect(fields({ ...base, location: "westcentralus" })).toEqual(["location"]));
  it("CIDR syntax", () => expect(fields({ ...base, network: { spokeAddressSpace: "10.240.0.0/33" } })).toEqual(["network.spokeAddressSpace"]));
  it("a CIDR with host bits set names the network address", () => {
    const v = validateProvisionRequest({ ...base, network: { spokeAddressSpace: "10.240.3.0/16" } });
    const issue = v.ok ? undefined : v.issues[0];
    expect([issue?.field, issue?.message.includes("10.240.0.0/16")]).toEqual(["network.spokeAddressSpace", true]);
  });
  it("spoke size: a /21 at least for the five subnets", () => expect(fields({ ...base, network: { spokeAddressSpace: "10.240.0.0/22" } })).toEqual(["network.spokeAddressSpace"]));
  it("hub size: a /24 at least for AzureFirewallSubnet /26 and GatewaySubnet", () => expect(fields({ ...base, network: { hubAddressSpace: "10.200.0.0/25", spokeAddressSpace: "10.240.0.0/16" } })).toEqual(["network.hubAddressSpace"]));
  it("hub and spoke must not overlap", () => expect(fields({ ...base, network: { hubAddressSpace: "10.240.0.0/24", spokeAddressSpace: "10.240.0.0/16" } })).toEqual(["network.spokeAddressSpace"]));
  it("pod CIDR must not overlap the spoke (V40)", () => expect(fields({ ...base, overrides: { podCidr: "10.240.128.0/17" } })).toEqual(["overrides.podCidr"]));
  it("service CIDR must not overlap the hub (V39)", () => expect(fields({ ...base, overrides: { serviceCidr: "10.200.0.0/16", dnsServiceIP: "10.200.0.10" } })).toEqual(["overrides.serviceCidr"]));
  it("no range may use what AKS reserves (V43)", () => expect(fields({ ...base, overrides: { serviceCidr: "172.30.0.0/16", dnsServiceIP: "172.30.0.10" } })).toEqual(["overrides.serviceCidr"]));
  it("dnsServiceIP inside the service CIDR (V41)", () => expect(fields({ ...base, overrides: { dnsServiceIP: "10.0.0.10" } })).toEqual(["overrides.dnsServiceIP"]));
  it("dnsServiceIP is not the service range's network address", () => expect(fields({ ...base, overrides: { dnsServiceIP: "172.16.0.0" } })).toEqual(["overrides.dnsServiceIP"]));
  it("either hubId or hubAddressSpace", () => expect(fields({ ...base, network: { ...base.network, hubId: `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/h` } })).toEqual(["network.hubId"]));
  it("hubId must be a virtual network id", () => expect(fields({ ...base, network: { hubId: "vnet-hub", spokeAddressSpace: "10.240.0.0/16" } })).toEqual(["network.hubId"]));
  it("zones are among 1, 2, 3", () => expect(fields({ ...base, overrides: { zones: ["1", "4"] } })).toEqual(["overrides.zones"]));
  it("fewer zones break the baseline outside dev", () => {
    expect(fields({ ...base, overrides: { zones: ["1"] } })).toEqual(["overrides.zones"]);
    expect(fields({ ...base, environment: "dev", overrides: { zones: ["1"] } })).toEqual([]);
  });
  it("fewer than three system nodes break the baseline outside dev", () => {
    expect(fields({ ...base, overrides: { systemPool: { count: 1, minCount: 1 } } })).toEqual(["overrides.systemPool.count", "overrides.systemPool.minCount"]);
    expect(fields({ ...base, environment: "dev", overrides: { systemPool: { count: 1, minCount: 1 } } })).toEqual([]);
  });
  it("a public cluster or no Defender breaks the baseline outside dev", () => {
    expect(fields({ ...base, environment: "staging", overrides: { privateCluster: false, defender: false } })).toEqual(["overrides.privateCluster", "overrides.defender"]);
    expect(fields({ ...base, environment: "dev", overrides: { privateCluster: false, defender: false } })).toEqual([]);
  });
  it("the registry replica's region is a known region other than the cluster's", () => {
    expect(fields({ ...base, overrides: { registryReplicaLocation: "westeurope" } })).toEqual(["overrides.registryReplicaLocation"]);
    expect(fields({ ...base, overrides: { registryReplicaLocation: "atlantis" } })).toEqual(["overrides.registryReplicaLocation"]);
    expect(fields({ ...base, overrides: { registryReplicaLocation: "germanywestcentral" } })).toEqual([]);
  });
  it("the Free tier breaks the baseline in prod", () => expect(fields({ ...base, overrides: { skuTier: "Free" } })).toEqual(["overrides.skuTier"]));
  it("B-series VM sizes are refused (V37)", () => expect(fields({ ...base, overrides: { userPool: { vmSize: "Standard_B2s" } } })).toEqual(["overrides.userPool.vmSize"]));
  it("pool counts lie between minCount and maxCount", () => expect(fields({ ...base, overrides: { userPool: { count: 9, maxCount: 5 } } })).toEqual(["overrides.userPool.count"]));
  it("unknown fields are named", () => expect(fields({ ...base, color: "blue", overrides: { gpu: true } })).toEqual(["color", "overrides.gpu"]));
  it("the policy is validated by the policy module", () => expect(fields({ ...base, policy: { approval: "sometimes" } })).toEqual(["policy.approval"]));
  it("every invalid field is named in one answer", () => {
    expect(fields({ name: "-x", environment: "qa", location: "mars", network: { spokeAddressSpace: "nope" } })).toEqual(["name", "name", "name", "environment", "location", "network.spokeAddressSpace"]);
  });
});

describe("plan diffs", () => {
  const desired = { location: "westeurope", properties: { routes: [{ name: "r", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" } }], zones: ["1", "2", "3"], addonProfiles: { azurepolicy: { enabled: true } } } };
  const r = { key: "x", title: "x", id: "/subscriptions/s/x", type: "t", apiVersion: "v", body: desired, dependsOn: [], source: "s" } satisfies DesiredResource;

  it("create when ARM answers 404", () => expect(changeOf(r, desired, undefined)).toEqual({ change: "create", differences: [] }));
  it("no change when ARM holds the desired values, with its own additions, casing and order", () => {
    const observed = { id: "/SUBSCRIPTIONS/S/X", location: "westeurope", properties: { provisioningState: "Succeeded", routes: [{ id: "/x/r", name: "r", etag: "e", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" } }], zones: ["3", "1", "2"], addonProfiles: { azurePolicy: { enabled: true, identity: {} } } } };
    expect(changeOf(r, desired, observed)).toEqual({ change: "noChange", differences: [] });
  });
  it("update with the property-level difference", () => {
    const observed = { location: "westeurope", properties: { routes: [{ name: "r", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "Internet" } }], zones: ["1"], addonProfiles: {} } };
    expect(changeOf(r, desired, observed)).toEqual({ change: "update", differences: [
      { path: "properties.routes.0.properties.nextHopType", desired: "VirtualAppliance", observed: "Internet" },
      { path: "properties.zones", desired: ["1", "2", "3"], observed: ["1"] },
      { path: "properties.addonProfiles.azurepolicy", desired: { enabled: true }, observed: undefined }
    ] });
  });
  it("ignores create-time paths of an existing resource", () => {
    expect(differences({ properties: { dnsPrefix: "a", x: 1 } }, { properties: { dnsPrefix: "b", x: 1 } }, "", ["properties.dnsPrefix"])).toEqual([]);
  });
  it("fills references from the resources they read, and reports the ones not readable yet", () => {
    const out = resolveRefs({ properties: { routes: [{ properties: { nextHopIpAddress: "" } }] } }, [{ path: "properties.routes.0.properties.nextHopIpAddress", from: "firewall", fromPath: "properties.ipConfigurations.0.properties.privateIPAddress" }],
      (key) => key === "firewall" ? { properties: { ipConfigurations: [{ properties: { privateIPAddress: "10.200.0.4" } }] } } : undefined);
    expect(out).toEqual({ body: { properties: { routes: [{ properties: { nextHopIpAddress: "10.200.0.4" } }] } }, missing: [] });
    expect(resolveRefs({ a: "" }, [{ path: "a", from: "pip", fromPath: "properties.ipAddress", format: "cidr32" }], () => undefined).missing).toEqual(["pip:properties.ipAddress"]);
    expect(resolveRefs({ a: "" }, [{ path: "a", from: "pip", fromPath: "properties.ipAddress", format: "cidr32" }], () => ({ properties: { ipAddress: "20.1.2.3" } })).body).toEqual({ a: "20.1.2.3/32" });
  });
});

describe("plan ordering", () => {
  const p = profileOf();
  const all = new Set(p.resources.map((r) => r.key));
  const waves = assignWaves(p.resources, all);
  const w = (k: string) => waves.get(k)!;

  it("firewall (its private IP) before the route table, the route table before the cluster, then the cluster's dependants (BASELINE.md §1.8)", () => {
    expect(w("firewall")).toBeLessThan(w("route-table"));
    expect(w("route-table")).toBeLessThan(w("spoke-vnet"));
    expect(w("spoke-vnet")).toBeLessThan(w("cluster"));
    expect(w("fw-rcg-network")).toBeLessThan(w("fw-rcg-application"));
    expect(w("fw-rcg-application")).toBeLessThan(w("firewall"));
    expect(w("peering-spoke-hub")).toBeLessThan(w("peering-hub-spoke"));
    expect(w("cluster")).toBeLessThan(w("ra-kubelet-acrpull"));
    expect(w("cluster")).toBeLessThan(w("cluster-diagnostics"));
  });
  it("identities and their role assignments before the cluster; App Gateway after its Key Vault roles and endpoint", () => {
    for (const r of p.resources.filter((x) => x.key.startsWith("ra-cp-") || x.key.startsWith("id-"))) expect(w(r.key)).toBeLessThan(w("cluster"));
    expect(w("ra-id-appgateway-kv-secrets")).toBeLessThan(w("app-gateway"));
    expect(w("pe-kv-zone-group")).toBeLessThan(w("app-gateway"));
  });
  it("independent branches share a wave", () => {
    expect(w("rg-network")).toBe(w("rg-workload"));
    expect(w("workspace")).toBe(w("registry"));
    expect(w("nsg-nodepools")).toBe(w("nsg-appgw"));
  });
  it("resources with no change do not hold back the ones that depend on them", () => {
    const only = new Set(["route-table", "cluster"]);
    expect(Object.fromEntries(assignWaves(p.resources, only))).toEqual({ "route-table": 0, cluster: 1 });
  });
  it("the critical path runs through the firewall and the cluster", () => {
    const cp = criticalPathMs(p.resources, (r) => r.durationMs ?? 0);
    expect(cp.path).toEqual(expect.arrayContaining(["firewall", "route-table", "spoke-vnet", "cluster"]));
    expect(cp.ms).toBeGreaterThanOrEqual(16 * 60_000);
  });
});

describe("guardrails in the profile: Azure Policy (issue 29) and GitOps", () => {
  const assignments = (p: BaselineProfile) => p.resources.filter((r) => r.type === "Microsoft.Authorization/policyAssignments");
  const effectOf = (r: DesiredResource) => at(r.body, "properties.parameters.effect.value");
  const byDefinition = (p: BaselineProfile, definition: string) => assignments(p).find((r) => String(at(r.body, "properties.policyDefinitionId")).endsWith(definition))!;

  it("assigns the reference's 21 policies at the workload resource group, before the cluster, with its custom ingress definition at the subscription", () => {
    const p = profileOf();
    expect(assignments(p)).toHaveLength(21);
    expect(assignments(p).every((r) => r.id.startsWith(`/subscriptions/${SUB}/resourceGroups/rg-aks-demo/providers/Microsoft.Authorization/policyAssignments/`))).toBe(true);
    expect(res(p, "cluster").dependsOn).toEqual(expect.arrayContaining(assignments(p).map((r) => r.key)));
    expect(res(p, "policy-def-ingress").id).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/policyDefinitions/K8sCustomIngressTlsHostsHaveDefinedDomainSuffix`);
    expect(res(p, "policy-ingress-tls-hosts").dependsOn).toContain("policy-def-ingress");
    // Names are Bicep's guid(definition, resource group, cluster): stable across runs.
    expect(assignments(profileOf()).map((r) => r.id)).toEqual(assignments(p).map((r) => r.id));
  });

  it("effects per environment: the reference's Deny in staging and prod, Audit in dev; the initiative audits everywhere", () => {
    for (const env of ["staging", "prod"]) {
      const p = profileOf({ environment: env });
      expect(effectOf(byDefinition(p, "e345eecc-fa47-480f-9e88-67dcc122b164"))).toBe("Deny");
      expect(effectOf(byDefinition(p, "42b8ef37-b724-4e24-bbc8-7a7708edfe00"))).toBe("Audit");
    }
    const dev = profileOf({ environment: "dev", overrides: { privateCluster: false, defender: false, skuTier: "Free" } });
    expect(assignments(dev).map(effectOf).every((e) => e === "Audit")).toBe(true);
  });

  it("allowed images: the registry and MCR, anchored; docker.io/library only in dev", () => {
    const regex = (p: BaselineProfile) => new RegExp(String(at(byDefinition(p, "febd0533-8e55-448f-b837-bd0e06f16469").body, "properties.parameters.allowedContainerImagesRegex.value")));
    const prod = regex(profileOf());
    expect([prod.test("acraksdemo.azurecr.io/app:1"), prod.test("mcr.microsoft.com/oss/nginx:1"), prod.test("docker.io/library/nginx:1"), prod.test("evil.example/mcr.microsoft.com/x")]).toEqual([true, true, false, false]);
    expect(regex(profileOf({ environment: "dev", overrides: { privateCluster: false, defender: false, skuTier: "Free" } })).test("docker.io/library/nginx:1")).toBe(true);
  });

  it("gitops: the flux extension and configuration after the cluster's AcrPull, and the firewall's GitOps egress for the repository's host", () => {
    const p = profileOf({ gitops: { url: "https://dev.azure.com/contoso/ops/_git/cluster", branch: "release/1", path: "clusters/prod" } });
    expect(res(p, "flux-extension")).toMatchObject({ type: "Microsoft.KubernetesConfiguration/extensions", apiVersion: "2023-05-01", dependsOn: expect.arrayContaining(["cluster", "ra-kubelet-acrpull", "fw-rcg-application"]) as string[] });
    expect(at(res(p, "flux-configuration").body, "properties.gitRepository")).toMatchObject({ url: "https://dev.azure.com/contoso/ops/_git/cluster", repositoryRef: { branch: "release/1" } });
    expect(at(res(p, "flux-configuration").body, "properties.kustomizations.unified.path")).toBe("clusters/prod");
    const collections = at(res(p, "fw-rcg-application").body, "properties.ruleCollections") as { name: string; rules: { name: string; targetFqdns?: string[] }[] }[];
    const gitops = collections.find((c) => c.name === "GitOps-Traffic");
    expect(gitops?.rules.find((r) => r.name === "git-origin")?.targetFqdns).toEqual(["dev.azure.com"]);
    expect(gitops?.rules.find((r) => r.name === "flux-extension-runtime-requirements")?.targetFqdns).toContain("westeurope.dp.kubernetesconfiguration.azure.com");
    // An ssh repository needs a network rule on its port (application rules speak HTTP(S) only).
    const ssh = profileOf({ gitops: { url: "ssh://git@github.com/org/repo" } });
    expect(JSON.stringify(at(res(ssh, "fw-rcg-network").body, "properties.ruleCollections"))).toContain("\"destinationPorts\":[\"22\"]");
    // Without a repository: no Flux, and the profile says so.
    expect(profileOf().resources.some((r) => r.key.startsWith("flux-"))).toBe(false);
    expect(profileOf().omitted.map((o) => o.what)).toContain("Flux (microsoft.flux extension and configuration)");
  });

  it("gitops request validation: the URL's scheme, no password in it, branch and path shapes", () => {
    expect(fields({ ...base, gitops: { url: "https://github.com/org/repo" } })).toEqual([]);
    expect(fields({ ...base, gitops: { url: "ftp://example.com/repo" } })).toEqual(["gitops.url"]);
    expect(fields({ ...base, gitops: { url: "git@github.com:org/repo.git" } })).toEqual(["gitops.url"]);
    expect(fields({ ...base, gitops: { url: "https://user:secret@github.com/org/repo" } })).toEqual(["gitops.url"]);
    expect(fields({ ...base, gitops: { url: "https://github.com/org/repo", branch: "../main", path: "/etc", extra: 1 } }).sort()).toEqual(["gitops.branch", "gitops.extra", "gitops.path"]);
    expect(fields({ ...base, gitops: "https://github.com/org/repo" })).toEqual(["gitops"]);
  });
});

describe("issue 28: a baseline cluster usable on day one", () => {
  const roleOf = (r: DesiredResource) => String((r.body.properties as { roleDefinitionId: string }).roleDefinitionId).split("/").pop();
  it("access is required outside dev, names every invalid field, and dev may go without it (the gap is recorded)", () => {
    const { access: _a, tls: _t, ...bare } = base;
    expect(fields(bare)).toEqual(["access", "tls"]);
    expect(fields({ ...bare, environment: "staging" })).toEqual(["access", "tls"]);
    expect(fields({ ...bare, environment: "dev" })).toEqual([]);
    expect(fields({ ...base, access: { adminGroupObjectIds: ["not-a-guid"], namespaceReaders: [{ namespace: "Bad_NS", groupObjectId: ADMINS, extra: 1 }] } }))
      .toEqual(["access.adminGroupObjectIds.0", "access.namespaceReaders.0.extra", "access.namespaceReaders.0.namespace"]);
    expect(fields({ ...base, access: { adminGroupObjectIds: [] } })).toEqual(["access.adminGroupObjectIds"]);
    expect(fields({ ...base, tls: { gatewayCertificateSecretId: "https://kv.vault.azure.net/secrets/x" } })).toEqual(["tls.gatewayCertificateSecretId", "tls.ingressRootCertificateSecretId"]);
    const dev = baselineProfile({ ...bare, environment: "dev" } as never, ctx);
    expect(dev.omitted.map((o) => o.what)).toEqual(expect.arrayContaining(["Entra admin group", "trusted TLS certificates"]));
  });

  it("writes the admin groups into aadProfile and as role assignments: Cluster Admin + Cluster User at the cluster, RBAC Reader at the namespace", () => {
    const p = profileOf();
    const mc = res(p, "cluster").body as { properties: { aadProfile: { adminGroupObjectIDs: string[] } } };
    expect(mc.properties.aadProfile.adminGroupObjectIDs).toEqual([ADMINS]);
    const groups = p.resources.filter((r) => r.type === "Microsoft.Authorization/roleAssignments" && (r.body.properties as { principalType: string }).principalType === "Group");
    expect(groups.map((r) => [r.id.split("/providers/Microsoft.Authorization/")[0]!.replace(p.clusterId, "{cluster}"), roleOf(r), (r.body.properties as { principalId: string }).principalId])).toEqual([
      ["{cluster}", "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b", ADMINS],
      ["{cluster}", "4abbcc35-e782-43d8-92c5-2d3f1bd2253f", ADMINS],
      ["{cluster}/namespaces/a0008", "7f6c6a51-bcf8-42ba-9220-52d62157d7db", READERS],
      ["{cluster}", "4abbcc35-e782-43d8-92c5-2d3f1bd2253f", READERS]
    ]);
    expect(groups.every((r) => r.dependsOn.includes("cluster"))).toBe(true);
    // A reader group that is also an admin group gets no second Cluster User (RoleAssignmentExists).
    const same = profileOf({ access: { adminGroupObjectIds: [ADMINS], namespaceReaders: [{ namespace: "a0008", groupObjectId: ADMINS }] } });
    expect(same.resources.filter((r) => r.key.startsWith("ra-readers-")).map((r) => r.key)).toEqual(["ra-readers-0-namespace"]);
  });

  it("the workload path: request secrets are read (external), the gateway reads them with its identity, trusts the root, and reaches the ingress by a name in a linked zone", () => {
    const p = profileOf();
    expect(res(p, "tls-gateway-secret")).toMatchObject({ external: true, id: tls.gatewayCertificateSecretId });
    expect(res(p, "ra-id-appgateway-tls-vault-0-secrets")).toMatchObject({ id: expect.stringContaining(`${CERTS}/providers/Microsoft.Authorization/roleAssignments/`) as string, dependsOn: ["tls-vault-0", "id-appgateway"] });
    const gw = res(p, "app-gateway");
    expect(gw.refs).toEqual(expect.arrayContaining([
      { path: "properties.sslCertificates.0.properties.keyVaultSecretId", from: "tls-gateway-secret", fromPath: "properties.secretUri" },
      { path: "properties.trustedRootCertificates.0.properties.keyVaultSecretId", from: "tls-ingress-root-secret", fromPath: "properties.secretUri" }
    ]));
    const props = gw.body.properties as { backendAddressPools: { properties: { backendAddresses: { fqdn: string }[] } }[]; backendHttpSettingsCollection: { properties: { trustedRootCertificates: { id: string }[] } }[] };
    expect(props.backendAddressPools[0]!.properties.backendAddresses[0]!.fqdn).toBe("aks-demo.aks-ingress.internal");
    expect(props.backendHttpSettingsCollection[0]!.properties.trustedRootCertificates[0]!.id).toMatch(/trustedRootCertificates\/root-cert-wildcard-aks-ingress$/);
    expect(res(p, "dns-ingress-record").body).toEqual({ properties: { ttl: 3600, aRecords: [{ ipv4Address: "10.240.4.4" }] } });
    expect(res(p, "dns-ingress-link").dependsOn).toEqual(["dns-ingress", "spoke-vnet"]);
    // Dev without tls: a self-signed pair generated by the PUT activity, never in the profile.
    const dev = profileOf({ environment: "dev", tls: undefined });
    expect(res(dev, "tls-gateway-secret")).toMatchObject({ id: expect.stringContaining("/vaults/kv-aks-demo/secrets/gateway-external-pfx-cert") as string, generate: { kind: "selfSignedCertificate", format: "pfx", path: "properties.value" } });
    // No secret value in any body (a policy assignment's parameters are { name: { value } }: no secret).
    expect(JSON.stringify(dev.resources.filter((r) => !/\/policyAssignments$/i.test(r.type)).map((r) => r.body))).not.toContain("\"value\"");
  });

  it("monitoring that flows, the ingress identity's federated credential, the kubelet on its node group, firewall addresses and analytics per environment", () => {
    const p = profileOf();
    expect(res(p, "dcra-container-insights")).toMatchObject({ dependsOn: ["cluster", "dcr-container-insights"], body: { properties: { dataCollectionRuleId: res(p, "dcr-container-insights").id } } });
    expect(res(p, "dcra-prometheus").id).toBe(`${p.clusterId}/providers/Microsoft.Insights/dataCollectionRuleAssociations/MSProm-westeurope-aks-demo`);
    expect(res(p, "ingress-federated-credential").refs).toEqual([{ path: "properties.issuer", from: "cluster", fromPath: "properties.oidcIssuerProfile.issuerURL" }]);
    expect(res(p, "ra-kubelet-vmcontrib").id).toContain(`/resourceGroups/rg-aks-demo-nodepools/providers/Microsoft.Authorization/roleAssignments/`);
    const fw = (q: BaselineProfile) => (res(q, "firewall").body.properties as { ipConfigurations: unknown[] }).ipConfigurations.length;
    const insights = (q: BaselineProfile) => (res(q, "fw-policy").body.properties as { insights?: { isEnabled: boolean } }).insights?.isEnabled;
    expect([fw(p), insights(p)]).toEqual([3, true]);
    const dev = profileOf({ environment: "dev" });
    expect([fw(dev), insights(dev)]).toEqual([1, undefined]);
  });

  it("resource logs: the firewall, App Gateway, Key Vault and registry get governance's categories (logCategories.ts) under its setting, to the workspace", () => {
    const p = profileOf();
    for (const [key, kind] of [["firewall", "firewall"], ["app-gateway", "applicationGateway"], ["key-vault", "keyVault"], ["registry", "containerRegistry"]] as const) {
      const ds = res(p, `${key}-diagnostics`);
      expect(ds.id).toBe(`${res(p, key).id}/providers/Microsoft.Insights/diagnosticSettings/${PLATFORM_RESOURCE_SETTING}`);
      expect((ds.body.properties as { logs: { category: string }[] }).logs.map((l) => l.category)).toEqual([...DESIRED_RESOURCE_LOGS[kind].categories]);
      expect(ds.dependsOn).toEqual([key, "workspace"]);
    }
    // A shared hub's firewall is read, not governed here.
    const shared = profileOf({ network: { hubId: `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.Network/virtualNetworks/vnet-shared-hub`, spokeAddressSpace: "10.241.0.0/16" } });
    expect(shared.resources.some((r) => r.key === "firewall-diagnostics")).toBe(false);
  });
});
