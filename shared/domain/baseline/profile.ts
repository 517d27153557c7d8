/**
 * The baseline profile: from a provisioning request and its environment, the desired state of
 * every resource the platform deploys, as data (ARM id, api-version, PUT body, what it depends on,
 * the values read from other resources at apply time, and the seed section or repository line
 * that justifies it). Citations: `ART` = the architecture article, `W22`/`W25` = the WAF reviews,
 * `path:line` = mspnp/aks-baseline at 0b468aa, `§n` = ../shared/BASELINE.md. Pure.
 */
import type { Environment } from "../policy";
import { desiredBudget } from "../governance/budget";
import { BUDGET_NOTIFICATIONS, DEFAULT_BUDGET_AMOUNT, PLATFORM_BUDGET, PLATFORM_DIAGNOSTIC_SETTING } from "../governance/desired";
import { desiredDiagnosticSetting } from "../governance/diagnostics";
import { desiredSettingBody, PLATFORM_RESOURCE_SETTING, type GovernedResourceKind } from "../governance/logCategories";
import { formatIpv4, parseRange, subRange } from "./cidr";
import { FLUX_CONFIGURATION, FLUX_EXTENSION, fluxConfigurationBody, fluxExtensionBody, gitopsFirewallRules, KUBERNETES_CONFIGURATION_API } from "./gitops";
import { deterministicGuid, derivedNames } from "./names";
import { assignmentBody, assignmentNameOf, BASELINE_POLICY_ASSIGNMENTS, CUSTOM_INGRESS_DEFINITION, customIngressDefinitionBody, customIngressDefinitionId, POLICY_API } from "./policies";
import { DEFAULT_DNS_SERVICE_IP, DEFAULT_HUB_ADDRESS_SPACE, DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR, ENVIRONMENT_PROFILES, NODE_SUBNET_PREFIX, POOL_MAX_SURGE, registryReplicaLocationOf, type ProvisionRequest } from "./request";

type Json = Record<string, unknown>;

/** A value of the body read from another resource when the step runs (the firewall's private IP, a principal id). */
export interface ValueRef {
  /** Dot path in this resource's body (`properties.routes.0.properties.nextHopIpAddress`). */
  path: string;
  /** Key of the resource it is read from. */
  from: string;
  fromPath: string;
  /** `cidr32`: the address as a `/32` range. */
  format?: "cidr32";
}

export interface DesiredResource {
  /** Stable key within the profile (`firewall`, `ra-kubelet-acrpull`). */
  key: string;
  title: string;
  id: string;
  type: string;
  apiVersion: string;
  body: Json;
  dependsOn: string[];
  refs?: ValueRef[];
  /** Why it exists and has these values. */
  source: string;
  /** Citations of individual properties (ARM path → source). */
  sources?: Record<string, string>;
  /** Read, never written: a hub the request names by id. */
  external?: boolean;
  /** Paths not compared for an existing resource (create-time values, or ones Azure moves on its own). */
  ignoreOnUpdate?: string[];
  /** Typical create duration (ms) for the critical-path estimate. */
  durationMs?: number;
  /**
   * A value the PUT activity makes when it writes the resource and sends only to ARM (a dev
   * self-signed certificate as a Key Vault secret's write-only `properties.value`): never in the
   * profile, the plan, the operation record or the orchestration's history.
   */
  generate?: GeneratedValue;
}

export interface GeneratedValue {
  kind: "selfSignedCertificate";
  /** Body path the value goes to. */
  path: string;
  commonName: string;
  /** `pfx`: certificate and key, base64 PKCS#12 (App Gateway listener); `cer`: the certificate only, base64 DER (a trusted root). */
  format: "pfx" | "cer";
}

export interface ProfileContext {
  subscriptionId: string;
  /** First day of the current month (`2026-12-01T00:00:00Z`): the budget's start. */
  budgetStartDate: string;
  /** The platform's action group (BUDGET_ACTION_GROUP_ID): the budget notifies it, as governance keeps it. */
  budgetActionGroupId?: string;
}

export interface BaselineProfile {
  name: string;
  environment: Environment;
  location: string;
  clusterId: string;
  workloadResourceGroup: string;
  networkResourceGroup: string;
  resources: DesiredResource[];
  /** Settings the profile deliberately leaves out, and why. */
  omitted: { what: string; why: string }[];
}

export const API = {
  resources: "2025-04-01",
  network: "2025-05-01",
  privateDns: "2024-06-01",
  registry: "2023-07-01",
  keyVault: "2023-07-01",
  workspace: "2023-09-01",
  identity: "2023-01-31",
  authorization: "2022-04-01",
  aks: "2025-10-01",
  diagnostics: "2021-05-01-preview",
  budget: "2021-10-01",
  monitorAccounts: "2023-04-03",
  dataCollection: "2023-03-11"
} as const;

/** Role definition ids (BASELINE.md Appendix A). */
export const ROLES = {
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  privateDnsZoneContributor: "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  keyVaultReader: "21090545-7ca7-4776-b22c-e363652d74d2",
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
  aksRbacReader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
  virtualMachineContributor: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c"
} as const;

/** The ingress controller's Kubernetes service account (its workload identity's federated subject). */
export const INGRESS_NAMESPACE = "ingress";
export const INGRESS_SERVICE_ACCOUNT = "ingress-controller";
/** The private zone the App Gateway resolves its backend in (`<cluster>.aks-ingress.internal`). */
export const INGRESS_ZONE = "aks-ingress.internal";
export const GATEWAY_CERT_SECRET = "gateway-external-pfx-cert";
export const INGRESS_ROOT_SECRET = "appgw-ingress-internal-aks-ingress-tls";

const ZONES = ["1", "2", "3"];

export function baselineProfile(request: ProvisionRequest, ctx: ProfileContext): BaselineProfile {
  const env = ENVIRONMENT_PROFILES[request.environment];
  const o = request.overrides ?? {};
  const { name, location } = request;
  const names = derivedNames(name);
  const sub = `/subscriptions/${ctx.subscriptionId}`;
  const netRg = `rg-${name}-networking`;
  const workRg = names.resourceGroup;
  const netRgId = `${sub}/resourceGroups/${netRg}`;
  const workRgId = `${sub}/resourceGroups/${workRg}`;
  const laId = `${workRgId}/providers/Microsoft.OperationalInsights/workspaces/${names.workspace}`;
  const net = (type: string, n: string, rgId = netRgId) => `${rgId}/providers/Microsoft.Network/${type}/${n}`;
  const zones = o.zones ?? ZONES;
  const privateCluster = o.privateCluster ?? env.privateCluster;
  const defender = o.defender ?? env.defender;
  // Bastion in the hub for operators (conformance #71), outside dev: its hourly cost buys nothing a developer needs.
  const bastion = request.environment !== "dev";
  const resources: DesiredResource[] = [];
  const add = (r: DesiredResource) => { resources.push(r); return r; };

  // ---------------------------------------------------------------- resource groups (§1.1)
  add({ key: "rg-network", title: `resource group ${netRg}`, id: netRgId, type: "Microsoft.Resources/resourceGroups", apiVersion: API.resources, body: { location }, dependsOn: [], source: "§1.1 A1/A2 (04-networking.md:50,61): networking in its own group, separation of duties (04-networking.md:7-9)" });
  add({ key: "rg-workload", title: `resource group ${workRg}`, id: workRgId, type: "Microsoft.Resources/resourceGroups", apiVersion: API.resources, body: { location }, dependsOn: [], source: "§1.1 A3 (05-bootstrap-prep.md:39)" });

  // ---------------------------------------------------------------- hub (§1.2, §1.4)
  const hubId = request.network.hubId ?? net("virtualNetworks", `vnet-${name}-hub`);
  const hubName = hubId.split("/").pop() ?? "";
  const hubRgId = hubId.split("/providers/")[0] ?? netRgId;
  const fwId = `${hubRgId}/providers/Microsoft.Network/azureFirewalls/fw-${hubName}`;
  const fwPipIdOf = (i: number) => `${hubRgId}/providers/Microsoft.Network/publicIPAddresses/pip-fw-${hubName}${i === 0 ? "" : `-${String(i).padStart(2, "0")}`}`;
  const fwPipKey = (i: number) => (i === 0 ? "fw-pip" : `fw-pip-${i}`);
  const fwPipId = fwPipIdOf(0);
  const spokeRange = parseRange(request.network.spokeAddressSpace)!;
  const nodesPrefix = subRange(spokeRange, 0, 22);
  if (request.network.hubId) {
    add({ key: "hub-vnet", title: `hub ${hubName} (existing)`, id: hubId, type: "Microsoft.Network/virtualNetworks", apiVersion: API.network, body: {}, dependsOn: [], external: true, source: "request network.hubId: a shared hub (ART §Network topology L20-34)" });
    add({ key: "firewall", title: `firewall fw-${hubName} (existing)`, id: fwId, type: "Microsoft.Network/azureFirewalls", apiVersion: API.network, body: {}, dependsOn: [], external: true, source: "the shared hub's firewall, named fw-<hub> by this platform" });
    add({ key: "fw-pip", title: `firewall public IP (existing)`, id: fwPipId, type: "Microsoft.Network/publicIPAddresses", apiVersion: API.network, body: {}, dependsOn: [], external: true, source: "the shared hub's firewall address" });
  } else {
    const hubRange = parseRange(request.network.hubAddressSpace ?? DEFAULT_HUB_ADDRESS_SPACE)!;
    const policyId = net("firewallPolicies", `fwp-${hubName}`);
    const ipGroupId = net("ipGroups", `ipg-${hubName}-aksnodepools`);
    // GitOps egress (hub-regionA.bicep:697-763) when the request names a repository.
    const gitopsRules = request.gitops ? gitopsFirewallRules(request.gitops, location, ipGroupId) : undefined;
    add({
      key: "hub-vnet", title: `hub virtual network ${hubName}`, id: hubId, type: "Microsoft.Network/virtualNetworks", apiVersion: API.network, dependsOn: ["rg-network"], durationMs: 20_000,
      body: { location, properties: { addressSpace: { addressPrefixes: [hubRange.text] }, subnets: [
        { name: "AzureFirewallSubnet", properties: { addressPrefix: subRange(hubRange, 0, 26), defaultOutboundAccess: false } },
        { name: "GatewaySubnet", properties: { addressPrefix: subRange(hubRange, 64, 27), defaultOutboundAccess: false } },
        ...(bastion ? [{ name: "AzureBastionSubnet", properties: { addressPrefix: subRange(hubRange, 128, 26), defaultOutboundAccess: false } }] : [])
      ] } },
      source: "§1.2 B5 (hub-default.bicep:8-26,282-322); AzureFirewallSubnet /26 (V8); AzureBastionSubnet /26 (Bastion's minimum; the reference's /27 predates it)"
    });
    if (bastion) {
      const bastionPipId = net("publicIPAddresses", `pip-ab-${hubName}`);
      add({ key: "bastion-pip", title: "Bastion public IP", id: bastionPipId, type: "Microsoft.Network/publicIPAddresses", apiVersion: API.network, dependsOn: ["rg-network"], durationMs: 10_000,
        body: { location, sku: { name: "Standard" }, zones: ZONES, properties: { publicIPAllocationMethod: "Static", idleTimeoutInMinutes: 4, publicIPAddressVersion: "IPv4" } },
        source: "§1.4 D1 (hub-default.bicep:282-322): Bastion needs a Standard static public IP" });
      add({ key: "bastion", title: `Azure Bastion ab-${hubName}`, id: net("bastionHosts", `ab-${hubName}`), type: "Microsoft.Network/bastionHosts", apiVersion: API.network, dependsOn: ["hub-vnet", "bastion-pip"], durationMs: 6 * 60_000,
        body: { location, sku: { name: "Standard" }, properties: { ipConfigurations: [{ name: "hub-subnet", properties: { subnet: { id: `${hubId}/subnets/AzureBastionSubnet` }, publicIPAddress: { id: bastionPipId } } }] } },
        source: "§4 #71 bastion-for-ops: W22 §Security › Recommendations (\"Securely connect to Kubernetes nodes through a bastion host\"); ART §Subnet to host Azure Bastion L61-63; staging and prod only (cost)" });
    }
    // The first keeps its name (`fw-pip`, read by dev's authorized ranges); the others are `-01`, `-02`.
    for (let i = 0; i < env.firewallPublicIps; i++) {
      add({ key: fwPipKey(i), title: `firewall public IP${i === 0 ? "" : ` ${i + 1}`}`, id: fwPipIdOf(i), type: "Microsoft.Network/publicIPAddresses", apiVersion: API.network, dependsOn: ["rg-network"], durationMs: 10_000,
        body: { location, sku: { name: "Standard" }, zones: ZONES, properties: { publicIPAllocationMethod: "Static", idleTimeoutInMinutes: 4, publicIPAddressVersion: "IPv4" } },
        source: "§1.2 B7 (hub-default.bicep:339-356): Standard, zonal, static (V10); three in staging/prod for SNAT port capacity (numFirewallIpAddressesToAssign = 3), one in dev (§5, cost)" });
    }
    add({ key: "fw-policy", title: `firewall policy fwp-${hubName}`, id: policyId, type: "Microsoft.Network/firewallPolicies", apiVersion: API.network, dependsOn: ["rg-network", ...(env.firewallPolicyAnalytics ? ["workspace"] : [])], durationMs: 30_000,
      body: { location, properties: {
        sku: { tier: env.firewallTier }, threatIntelMode: "Deny", dnsSettings: { servers: [], enableProxy: true },
        // Policy analytics to the cluster's workspace (the reference has a hub workspace; this platform one per cluster).
        ...(env.firewallPolicyAnalytics ? { insights: { isEnabled: true, retentionDays: 30, logAnalyticsResources: { defaultWorkspaceId: { id: laId } } } } : {}),
        ...(env.firewallTier === "Premium" ? { intrusionDetection: { mode: "Deny", configuration: { bypassTrafficSettings: [], signatureOverrides: [] } } } : {})
      } },
      source: "§1.2 B9 (hub-default.bicep:399-431); tier by environment §5 (dev Standard)" });
    add({ key: "ip-group", title: "IP group of the node subnets", id: ipGroupId, type: "Microsoft.Network/ipGroups", apiVersion: API.network, dependsOn: ["rg-network"], durationMs: 20_000,
      body: { location, properties: { ipAddresses: [nodesPrefix] } }, source: "§1.4 D4 (hub-regionA.bicep:466-472)" });
    add({ key: "fw-rcg-network", title: "firewall network rules", id: `${policyId}/ruleCollectionGroups/DefaultNetworkRuleCollectionGroup`, type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups", apiVersion: API.network, dependsOn: ["fw-policy", "ip-group"], durationMs: 60_000,
      body: { properties: { priority: 200, ruleCollections: [
        { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "org-wide-allowed", priority: 100, action: { type: "Allow" }, rules: [
          { ruleType: "NetworkRule", name: "DNS", ipProtocols: ["UDP"], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["53"] }] },
        { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "AKS-Global-Requirements", priority: 200, action: { type: "Allow" }, rules: [
          { ruleType: "NetworkRule", name: "pods-to-api-server-konnectivity", ipProtocols: ["TCP"], sourceIpGroups: [ipGroupId], destinationAddresses: [`AzureCloud.${location}`], destinationPorts: ["443"] }] },
        ...(gitopsRules?.network ? [gitopsRules.network] : [])
      ] } },
      source: "§1.4 D5 (hub-regionA.bicep:515-603)" });
    add({ key: "fw-rcg-application", title: "firewall application rules", id: `${policyId}/ruleCollectionGroups/DefaultApplicationRuleCollectionGroup`, type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups", apiVersion: API.network, dependsOn: ["fw-rcg-network"], durationMs: 60_000,
      body: { properties: { priority: 300, ruleCollections: [
        { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "AKS-Global-Requirements", priority: 200, action: { type: "Allow" }, rules: [
          { ruleType: "ApplicationRule", name: "azure-monitor-addon", protocols: [{ protocolType: "Https", port: 443 }], sourceIpGroups: [ipGroupId], targetFqdns: ["*.ods.opinsights.azure.com", "*.oms.opinsights.azure.com", `${location}.monitoring.azure.com`, "*.metrics.ingest.monitor.azure.com"], terminateTLS: false },
          { ruleType: "ApplicationRule", name: "azure-policy-addon", protocols: [{ protocolType: "Https", port: 443 }], sourceIpGroups: [ipGroupId], targetFqdns: ["data.policy.core.windows.net", "store.policy.core.windows.net"], terminateTLS: false },
          { ruleType: "ApplicationRule", name: "service-requirements", protocols: [{ protocolType: "Https", port: 443 }], sourceIpGroups: [ipGroupId], fqdnTags: ["AzureKubernetesService"], terminateTLS: false }] },
        ...(gitopsRules ? [gitopsRules.application] : [])
      ] } },
      source: "§1.4 D6 (hub-regionA.bicep:606-765); one group at a time on a policy (§1.8.1, hub-default.bicep:478-480)" });
    const pips = Array.from({ length: env.firewallPublicIps }, (_, i) => i);
    add({ key: "firewall", title: `Azure Firewall fw-${hubName}`, id: fwId, type: "Microsoft.Network/azureFirewalls", apiVersion: API.network, dependsOn: ["hub-vnet", ...pips.map(fwPipKey), "fw-rcg-application"], durationMs: 6 * 60_000,
      body: { location, zones: ZONES, properties: {
        sku: { name: "AZFW_VNet", tier: env.firewallTier }, firewallPolicy: { id: policyId },
        // Only the first configuration names the subnet (hub-default.bicep:511-521).
        ipConfigurations: pips.map((i) => ({ name: fwPipIdOf(i).split("/").pop(), properties: { ...(i === 0 ? { subnet: { id: `${hubId}/subnets/AzureFirewallSubnet` } } : {}), publicIPAddress: { id: fwPipIdOf(i) } } }))
      } },
      source: "§1.2 B12 (hub-default.bicep:489-523), after its rule groups (comment 497-501); ART §Egress traffic flow L310-325" });
  }

  // ---------------------------------------------------------------- spoke (§1.3)
  const spokeName = `vnet-${name}-spoke`;
  const spokeId = net("virtualNetworks", spokeName);
  const rtId = net("routeTables", `route-${name}-to-hub-fw`);
  add({ key: "route-table", title: "route table: default route to the firewall", id: rtId, type: "Microsoft.Network/routeTables", apiVersion: API.network, dependsOn: ["rg-network", "firewall"], durationMs: 10_000,
    body: { location, properties: { routes: [{ name: "r-nexthop-to-fw", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "" } }] } },
    refs: [{ path: "properties.routes.0.properties.nextHopIpAddress", from: "firewall", fromPath: "properties.ipConfigurations.0.properties.privateIPAddress" }],
    source: "§1.3 C1 (spoke-BU0001A0008.bicep:48-63); next hop read back from the firewall (:58), never hard-coded (§1.8.2)" });
  const nsgs: { key: string; suffix: string; rules: Json[]; source: string }[] = [
    { key: "nsg-nodepools", suffix: "nodepools", rules: [], source: "§1.3 C2 (:66-72)" },
    { key: "nsg-privatecluster", suffix: "privatecluster", rules: [], source: "§1.3 C3 (:75-81)" },
    { key: "nsg-aksilbs", suffix: "aksilbs", rules: [], source: "§1.3 C4 (:110-116)" },
    { key: "nsg-appgw", suffix: "appgw", source: "§1.3 C5 (:145-222); GatewayManager 65200-65535 required by v2 (V15)", rules: [
      rule("Allow443Inbound", 100, "Inbound", "Allow", "Tcp", "Internet", "VirtualNetwork", "443"),
      rule("AllowControlPlaneInbound", 110, "Inbound", "Allow", "*", "GatewayManager", "*", "65200-65535"),
      rule("AllowHealthProbesInbound", 120, "Inbound", "Allow", "*", "AzureLoadBalancer", "*", "*"),
      rule("DenyAllInbound", 1000, "Inbound", "Deny", "*", "*", "*", "*"),
      rule("AllowAllOutbound", 1000, "Outbound", "Allow", "*", "*", "*", "*")] },
    { key: "nsg-privatelinkendpoints", suffix: "privatelinkendpoints", source: "§1.3 C6 (:251-297)", rules: [
      rule("AllowAll443InFromVnet", 100, "Inbound", "Allow", "Tcp", "VirtualNetwork", "VirtualNetwork", "443"),
      rule("DenyAllInbound", 1000, "Inbound", "Deny", "*", "*", "*", "*"),
      rule("DenyAllOutbound", 1000, "Outbound", "Deny", "*", "*", "*", "*")] }
  ];
  const nsgId = (suffix: string) => net("networkSecurityGroups", `nsg-${spokeName}-${suffix}`);
  for (const n of nsgs) {
    add({ key: n.key, title: `NSG ${n.suffix}`, id: nsgId(n.suffix), type: "Microsoft.Network/networkSecurityGroups", apiVersion: API.network, dependsOn: ["rg-network"], durationMs: 10_000,
      body: { location, properties: { securityRules: n.rules } }, source: n.source });
  }
  const subnet = (n: string, offset: number, prefix: number, nsg: string, routeTable: boolean, extra: Json = {}) => ({
    name: n, properties: {
      addressPrefix: subRange(spokeRange, offset, prefix), networkSecurityGroup: { id: nsgId(nsg) }, ...(routeTable ? { routeTable: { id: rtId } } : {}),
      privateEndpointNetworkPolicies: "Disabled", privateLinkServiceNetworkPolicies: "Disabled", defaultOutboundAccess: false, ...extra
    }
  });
  const subnetId = (n: string) => `${spokeId}/subnets/${n}`;
  add({ key: "spoke-vnet", title: `spoke virtual network ${spokeName}`, id: spokeId, type: "Microsoft.Network/virtualNetworks", apiVersion: API.network,
    dependsOn: ["rg-network", "route-table", ...nsgs.map((n) => n.key)], durationMs: 20_000,
    body: { location, properties: { addressSpace: { addressPrefixes: [spokeRange.text] }, subnets: [
      subnet("snet-clusternodes", 0, NODE_SUBNET_PREFIX, "nodepools", true),
      subnet("snet-clusteringressservices", 1024, 28, "aksilbs", true),
      subnet("snet-privatelinkendpoints", 1056, 28, "privatelinkendpoints", false, { privateLinkServiceNetworkPolicies: "Enabled" }),
      subnet("snet-applicationgateway", 1280, 24, "appgw", false),
      subnet("snet-privatecluster", 1792, 28, "privatecluster", true, { delegations: [{ name: "aks-delegation", properties: { serviceName: "Microsoft.ContainerService/managedClusters" } }] })
    ] } },
    sources: { "properties.subnets": "§1.3 C8 (:328-421), Appendix B address plan", "properties.subnets.0.properties.routeTable": "force-tunnel UDR (04-networking.md:24-28); AKS checks it at create (V44)" },
    source: "§1.3 C8: five subnets inline, every one with its NSG, RT and delegation (a VNet PUT replaces subnets, §1.8.8)" });
  const peering = { allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false };
  add({ key: "peering-spoke-hub", title: "peering spoke → hub", id: `${spokeId}/virtualNetworkPeerings/to_${hubName}`, type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", apiVersion: API.network,
    dependsOn: ["spoke-vnet", "hub-vnet"], durationMs: 10_000, body: { properties: { remoteVirtualNetwork: { id: hubId }, ...peering } }, source: "§1.3 C9 (virtualNetworkPeering.bicep:13-25)" });
  add({ key: "peering-hub-spoke", title: "peering hub → spoke", id: `${hubId}/virtualNetworkPeerings/to_${spokeName}`, type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", apiVersion: API.network,
    dependsOn: ["peering-spoke-hub"], durationMs: 10_000, body: { properties: { remoteVirtualNetwork: { id: spokeId }, ...peering } }, source: "§1.3 C10 (spoke…bicep:436-446), after spoke → hub (§1.8.3)" });

  // ---------------------------------------------------------------- workload: monitoring, registry, identities, Key Vault (§1.5, §1.6 F-2)
  add({ key: "workspace", title: `Log Analytics ${names.workspace}`, id: laId, type: "Microsoft.OperationalInsights/workspaces", apiVersion: API.workspace, dependsOn: ["rg-workload"],
    body: { location, properties: { sku: { name: "PerGB2018" }, retentionInDays: 30, publicNetworkAccessForIngestion: "Enabled", publicNetworkAccessForQuery: "Enabled", workspaceCapping: { dailyQuotaGb: -1 } } },
    source: "§1.5 E1 (acr-stamp.bicep:40-53): 30-day retention (§5)" });
  const acrId = `${workRgId}/providers/Microsoft.ContainerRegistry/registries/${names.registry}`;
  add({ key: "registry", title: `container registry ${names.registry}`, id: acrId, type: "Microsoft.ContainerRegistry/registries", apiVersion: API.registry, dependsOn: ["rg-workload"], durationMs: 60_000,
    body: { location, sku: { name: "Premium" }, properties: {
      adminUserEnabled: false, networkRuleSet: { defaultAction: "Deny", ipRules: [] }, publicNetworkAccess: "Disabled", zoneRedundancy: "Enabled",
      dataEndpointEnabled: true, networkRuleBypassOptions: "AzureServices",
      policies: { quarantinePolicy: { status: "disabled" }, trustPolicy: { type: "Notary", status: "disabled" }, retentionPolicy: { days: 15, status: "enabled" } }
    } },
    source: "§1.5 E8 (acr-stamp.bicep:166-203): Premium for private link (V23, V24); ART §Container image reference L129-144" });
  // The geo-replica (§1.5 E9, acr-stamp.bicep:13,205-209: `replications@…` named and located at geoRedundancyLocation,
  // `properties {}`), in prod only (BASELINE.md §5: none in dev and staging; ART L526 cost trade-off), at the
  // location's Azure pair unless overrides.registryReplicaLocation names another region. Before the private
  // endpoint, as the reference orders it (acr-stamp.bicep:248-251 `dependsOn: [acrAks::acrReplication]`): a
  // replica added later needs an address for its regional data endpoint in the endpoint's subnet.
  const replicaLocation = registryReplicaLocationOf(request);
  if (replicaLocation) {
    add({ key: "registry-replica", title: `geo-replica of ${names.registry} in ${replicaLocation}`, id: `${acrId}/replications/${replicaLocation}`,
      type: "Microsoft.ContainerRegistry/registries/replications", apiVersion: API.registry, dependsOn: ["registry"], durationMs: 5 * 60_000,
      body: { location: replicaLocation, properties: {} },
      source: "§1.5 E9 (acr-stamp.bicep:13,205-209); ART §Availability zones L480, §Disaster recovery L507; BASELINE.md §5 (prod: 1 replica)" });
  }
  privateLink("acr", "privatelink.azurecr.io", acrId, "registry", "privatelink-azurecr-io", replicaLocation ? "registry-replica" : "registry", "§1.5 E6, E7, E11, E12 (acr-stamp.bicep:148-281)");

  const identity = (key: string, n: string, source: string) => add({ key, title: `identity ${n}`, id: `${workRgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`,
    type: "Microsoft.ManagedIdentity/userAssignedIdentities", apiVersion: API.identity, dependsOn: ["rg-workload"], body: { location }, source });
  const cpIdentity = identity("id-controlplane", `mi-${name}-controlplane`, "§1.6 F9 (cluster-stamp.bicep:471-474); ART §AKS access to Azure L169-186");
  const gwIdentity = identity("id-appgateway", `mi-${name}-appgateway`, "§1.6 F10 (:477-480)");
  identity("id-ingress", `podmi-${name}-ingress-controller`, "§1.6 F11 (:483-486), a workload identity");

  const kvId = `${workRgId}/providers/Microsoft.KeyVault/vaults/${names.keyVault}`;
  add({ key: "key-vault", title: `Key Vault ${names.keyVault}`, id: kvId, type: "Microsoft.KeyVault/vaults", apiVersion: API.keyVault, dependsOn: ["rg-workload", "id-controlplane"], durationMs: 20_000,
    body: { location, properties: {
      sku: { family: "A", name: "standard" }, tenantId: "", accessPolicies: [], enableRbacAuthorization: true,
      networkAcls: { bypass: "AzureServices", defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] },
      enabledForDeployment: false, enabledForDiskEncryption: false, enabledForTemplateDeployment: false, enableSoftDelete: true, softDeleteRetentionInDays: 7
    } },
    refs: [{ path: "properties.tenantId", from: "id-controlplane", fromPath: "properties.tenantId" }],
    source: "§1.6 F12 (:500-523): RBAC, firewall deny, private link; ART §Add secret management L348-354" });
  privateLink("kv", "privatelink.vaultcore.azure.net", kvId, "vault", "privatelink-akv-net", "key-vault", "§1.6 F21, F22 (:619-669)");
  const aksZoneId = `${workRgId}/providers/Microsoft.Network/privateDnsZones/privatelink.${location}.azmk8s.io`;
  if (privateCluster) {
    add({ key: "dns-aks", title: `private DNS zone privatelink.${location}.azmk8s.io`, id: aksZoneId, type: "Microsoft.Network/privateDnsZones", apiVersion: API.privateDns, dependsOn: ["rg-workload"], body: { location: "global" }, source: "§1.6 F23 (:672-688)" });
    add({ key: "dns-aks-link", title: "AKS zone link to the spoke", id: `${aksZoneId}/virtualNetworkLinks/to_${spokeName}`, type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", apiVersion: API.privateDns,
      dependsOn: ["dns-aks", "spoke-vnet"], body: { location: "global", properties: { virtualNetwork: { id: spokeId }, registrationEnabled: false } }, source: "§1.6 F23" });
  }

  // ---------------------------------------------------------------- role assignments before the cluster (§1.6 F15-F20, F24; §1.8.4)
  const roleAssignments: string[] = [];
  const assign = (key: string, scopeKey: string, scope: string, role: string, principalKey: string, principalId: string, source: string, principalPath = "properties.principalId", extraDeps: string[] = []) => {
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${deterministicGuid(scope, role, principalId)}`;
    add({ key, title: `role ${roleName(role)} → ${principalKey} on ${scope.split("/").pop()}`, id, type: "Microsoft.Authorization/roleAssignments", apiVersion: API.authorization,
      dependsOn: [scopeKey, principalKey, ...extraDeps],
      body: { properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: "", principalType: "ServicePrincipal" } },
      refs: [{ path: "properties.principalId", from: principalKey, fromPath: principalPath }],
      source: `${source}; name = guid(scope, role, principal), BASELINE.md §6.2 #7` });
    return key;
  };
  for (const s of ["snet-clusternodes", "snet-privatecluster", "snet-clusteringressservices"]) {
    roleAssignments.push(assign(`ra-cp-netcontrib-${s}`, "spoke-vnet", subnetId(s), ROLES.networkContributor, "id-controlplane", cpIdentity.id, "§1.6 F19 (role-assignment-EnsureClusterIdentityHasRbacToSelfManagedResources.bicep:65-96); ART L183"));
  }
  if (privateCluster) {
    roleAssignments.push(assign("ra-cp-dns-vnet", "spoke-vnet", spokeId, ROLES.privateDnsZoneContributor, "id-controlplane", cpIdentity.id, "§1.6 F20 (…SelfManagedResources.bicep:54-63)"));
    roleAssignments.push(assign("ra-cp-dns-zone", "dns-aks", aksZoneId, ROLES.privateDnsZoneContributor, "id-controlplane", cpIdentity.id, "§1.6 F24 (:691-700)"));
  }
  const kvRoles: string[] = [];
  for (const [pk, pid] of [["id-appgateway", gwIdentity.id], ["id-ingress", `${workRgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/podmi-${name}-ingress-controller`]] as const) {
    kvRoles.push(assign(`ra-${pk}-kv-secrets`, "key-vault", kvId, ROLES.keyVaultSecretsUser, pk, pid, "§1.6 F15-F18 (:565-606); ART L354"));
    kvRoles.push(assign(`ra-${pk}-kv-reader`, "key-vault", kvId, ROLES.keyVaultReader, pk, pid, "§1.6 F15-F18 (:565-606)"));
  }

  // ---------------------------------------------------------------- Azure Policy (§1.7 F26; policies.ts documents each choice)
  add({ key: "policy-def-ingress", title: `policy definition ${CUSTOM_INGRESS_DEFINITION}`, id: customIngressDefinitionId(ctx.subscriptionId),
    type: "Microsoft.Authorization/policyDefinitions", apiVersion: POLICY_API.definitions, dependsOn: [], body: customIngressDefinitionBody(),
    source: "§1.7 custom definition at the subscription (policy-K8sCustomIngressTlsHostsHaveDefinedDomainSuffix.bicep)" });
  const policyKeys: string[] = [];
  for (const a of BASELINE_POLICY_ASSIGNMENTS) {
    const key = `policy-${a.definition === CUSTOM_INGRESS_DEFINITION ? "ingress-tls-hosts" : a.definition.slice(0, 8)}`;
    policyKeys.push(key);
    add({ key, title: `policy ${a.title}`, id: `${workRgId}/providers/Microsoft.Authorization/policyAssignments/${assignmentNameOf(a, ctx.subscriptionId, workRgId, name)}`,
      type: "Microsoft.Authorization/policyAssignments", apiVersion: POLICY_API.assignments,
      dependsOn: ["rg-workload", ...(a.definition === CUSTOM_INGRESS_DEFINITION ? ["policy-def-ingress"] : [])],
      body: assignmentBody(a, { cluster: name, acr: names.registry, environment: request.environment, subscriptionId: ctx.subscriptionId }),
      source: `§1.7 (${a.source}); effect per environment: policies.ts` });
  }

  // ---------------------------------------------------------------- the workload path's certificates (§1.6 F13)
  // Named in the request (Key Vault secrets, read from ARM: their `secretUri` is what the gateway
  // fetches, cluster-stamp.bicep:1272,1316), or in dev only a self-signed pair the PUT activity
  // makes and writes to the cluster's vault (the value goes to ARM only: `generate`).
  const tlsSecrets: { gateway: string; root: string } = { gateway: "tls-gateway-secret", root: "tls-ingress-root-secret" };
  if (request.tls) {
    const named = [[tlsSecrets.gateway, request.tls.gatewayCertificateSecretId, "the gateway's public certificate"], [tlsSecrets.root, request.tls.ingressRootCertificateSecretId, "the ingress controller's root"]] as const;
    const vaults = new Map<string, string>();
    for (const [key, id, what] of named) {
      add({ key, title: `Key Vault secret ${id.split("/").pop()} (${what}, existing)`, id, type: "Microsoft.KeyVault/vaults/secrets", apiVersion: API.keyVault, body: {}, dependsOn: [], external: true,
        source: "request tls: the certificates are Key Vault secrets the reference takes as parameters (cluster-stamp.bicep:529-541)" });
      const vault = id.split("/secrets/")[0] ?? "";
      if (vault.toLowerCase() !== kvId.toLowerCase() && ![...vaults.keys()].some((v) => v.toLowerCase() === vault.toLowerCase())) vaults.set(vault, `tls-vault-${vaults.size}`);
    }
    // The gateway reads them with its identity: Key Vault Secrets User on a vault that is not the cluster's (F15-F16).
    for (const [vault, key] of vaults) {
      add({ key, title: `Key Vault ${vault.split("/").pop()} (existing)`, id: vault, type: "Microsoft.KeyVault/vaults", apiVersion: API.keyVault, body: {}, dependsOn: [], external: true, source: "the vault of a request tls secret" });
      kvRoles.push(assign(`ra-id-appgateway-${key}-secrets`, key, vault, ROLES.keyVaultSecretsUser, "id-appgateway", gwIdentity.id, "§1.6 F15 (:565-575): the gateway reads its certificates with its identity"));
    }
  } else {
    const secret = (key: string, n: string, generate: GeneratedValue, contentType: string, source: string) => add({
      key, title: `Key Vault secret ${n} (dev: self-signed)`, id: `${kvId}/secrets/${n}`, type: "Microsoft.KeyVault/vaults/secrets", apiVersion: API.keyVault, dependsOn: ["key-vault"],
      body: { properties: { contentType } }, generate, source });
    secret(tlsSecrets.gateway, GATEWAY_CERT_SECRET, { kind: "selfSignedCertificate", path: "properties.value", commonName: `${name}.gateway.internal`, format: "pfx" }, "application/x-pkcs12",
      "§1.6 F13 (:529-541) gateway-external-pfx-cert; dev only: a self-signed certificate, not trusted by browsers (see omitted)");
    secret(tlsSecrets.root, INGRESS_ROOT_SECRET, { kind: "selfSignedCertificate", path: "properties.value", commonName: `*.${INGRESS_ZONE}`, format: "cer" }, "application/x-x509-ca-cert",
      "§1.6 F13 (:529-541) appgw-ingress-internal-aks-ingress-tls; dev only: a self-signed root the ingress controller's certificate must chain to");
  }

  // ---------------------------------------------------------------- the ingress private zone (§1.6 F25)
  const ingressZoneId = `${workRgId}/providers/Microsoft.Network/privateDnsZones/${INGRESS_ZONE}`;
  const ingressSubnet = parseRange(subRange(spokeRange, 1024, 28))!;
  // The ingress controller's internal load balancer address: the subnet's fifth address, as the reference's default (10.240.4.4 in 10.240.4.0/28, :43).
  const ingressIp = formatIpv4(ingressSubnet.start + 4);
  add({ key: "dns-ingress", title: `private DNS zone ${INGRESS_ZONE}`, id: ingressZoneId, type: "Microsoft.Network/privateDnsZones", apiVersion: API.privateDns, dependsOn: ["rg-workload"], body: { location: "global" }, source: "§1.6 F25 (:702-728)" });
  add({ key: "dns-ingress-record", title: `A record ${name}.${INGRESS_ZONE} → ${ingressIp}`, id: `${ingressZoneId}/A/${name}`, type: "Microsoft.Network/privateDnsZones/A", apiVersion: API.privateDns, dependsOn: ["dns-ingress"],
    body: { properties: { ttl: 3600, aRecords: [{ ipv4Address: ingressIp }] } }, source: "§1.6 F25 (:706-716): the ingress ILB address in snet-clusteringressservices" });
  add({ key: "dns-ingress-link", title: `${INGRESS_ZONE} link to the spoke`, id: `${ingressZoneId}/virtualNetworkLinks/to_${spokeName}`, type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", apiVersion: API.privateDns,
    dependsOn: ["dns-ingress", "spoke-vnet"], body: { location: "global", properties: { virtualNetwork: { id: spokeId }, registrationEnabled: false } }, source: "§1.6 F25 (:718-727)" });

  // ---------------------------------------------------------------- the cluster (§2)
  const clusterId = `${workRgId}/providers/Microsoft.ContainerService/managedClusters/${name}`;
  const systemPool = { ...env.system, ...(o.systemPool ?? {}) };
  const userPool = { ...env.user, ...(o.userPool ?? {}) };
  const pool = (n: string, mode: "System" | "User", p: typeof systemPool, osDisk: number) => ({
    name: n, mode, count: p.count, minCount: p.minCount, maxCount: p.maxCount, enableAutoScaling: true, vmSize: p.vmSize,
    osDiskSizeGB: osDisk, osDiskType: "Ephemeral", osType: "Linux", osSKU: "AzureLinux", type: "VirtualMachineScaleSets",
    vnetSubnetID: subnetId("snet-clusternodes"), enableNodePublicIP: false, maxPods: 30, availabilityZones: zones, upgradeSettings: { maxSurge: POOL_MAX_SURGE },
    tags: { workload: name, environment: request.environment, pool: n },
    ...(o.kubernetesVersion ? { orchestratorVersion: o.kubernetesVersion } : {}),
    ...(mode === "System" ? { nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] } : {})
  });
  const serviceCidr = o.serviceCidr ?? DEFAULT_SERVICE_CIDR;
  const adminGroups = [...new Set((request.access?.adminGroupObjectIds ?? []).map((g) => g.toLowerCase()))];
  const nodeResourceGroup = `rg-${name}-nodepools`;
  add({
    key: "cluster", title: `AKS cluster ${name}`, id: clusterId, type: "Microsoft.ContainerService/managedClusters", apiVersion: API.aks, durationMs: 10 * 60_000,
    dependsOn: ["spoke-vnet", "route-table", "workspace", "registry", "pe-acr-zone-group", ...(privateCluster ? ["dns-aks-link"] : []), ...roleAssignments, ...policyKeys],
    body: {
      location, sku: { name: "Base", tier: o.skuTier ?? env.skuTier },
      identity: { type: "UserAssigned", userAssignedIdentities: { [cpIdentity.id]: {} } },
      properties: {
        ...(o.kubernetesVersion ? { kubernetesVersion: o.kubernetesVersion } : {}),
        dnsPrefix: name.replace(/_/g, "-"),
        agentPoolProfiles: [pool("npsystem", "System", systemPool, 64), pool("npuser01", "User", userPool, 120)],
        servicePrincipalProfile: { clientId: "msi" },
        addonProfiles: {
          omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: laId, useAADAuth: "true" } },
          azurepolicy: { enabled: true, config: { version: "v2" } },
          azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "false" } }
        },
        nodeResourceGroup,
        enableRBAC: true,
        networkProfile: {
          networkPlugin: "azure", networkPluginMode: "overlay", networkPolicy: "azure", outboundType: "userDefinedRouting", loadBalancerSku: "standard",
          podCidr: o.podCidr ?? DEFAULT_POD_CIDR, serviceCidr, dnsServiceIP: o.dnsServiceIP ?? DEFAULT_DNS_SERVICE_IP
        },
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: adminGroups, tenantID: "" },
        apiServerAccessProfile: privateCluster
          ? { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true, enableVnetIntegration: true, privateDNSZone: aksZoneId, subnetId: subnetId("snet-privatecluster"), disableRunCommand: true }
          : { enablePrivateCluster: false, enableVnetIntegration: true, subnetId: subnetId("snet-privatecluster"), authorizedIPRanges: [""], disableRunCommand: true },
        autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "None" },
        azureMonitorProfile: { metrics: { enabled: true } },
        ...((o.skuTier ?? env.skuTier) === "Free" ? {} : { metricsProfile: { costAnalysis: { enabled: true } } }),
        disableLocalAccounts: true,
        securityProfile: {
          workloadIdentity: { enabled: true }, imageCleaner: { enabled: true, intervalHours: 120 },
          ...(defender ? { defender: { logAnalyticsWorkspaceResourceId: laId, securityMonitoring: { enabled: true } } } : {})
        },
        oidcIssuerProfile: { enabled: true },
        storageProfile: { blobCSIDriver: { enabled: false }, diskCSIDriver: { enabled: false }, fileCSIDriver: { enabled: false }, snapshotController: { enabled: false } }
      }
    },
    refs: [
      { path: "properties.aadProfile.tenantID", from: "id-controlplane", fromPath: "properties.tenantId" },
      ...(privateCluster ? [] : [{ path: "properties.apiServerAccessProfile.authorizedIPRanges.0", from: "fw-pip", fromPath: "properties.ipAddress", format: "cidr32" as const }])
    ],
    ignoreOnUpdate: ["properties.dnsPrefix", "properties.nodeResourceGroup"],
    sources: {
      "properties.agentPoolProfiles.0.nodeTaints": "ART §Cluster nodes L443 (CriticalAddonsOnly); W22 §Reliability › Node pool design",
      "properties.agentPoolProfiles.0.count": "ART §Cluster autoscaler L431 (system minimum 3); §5 (dev smaller)",
      "properties.agentPoolProfiles.1.availabilityZones": "ART §Availability zones L466-480 (cluster-stamp.bicep:772-775)",
      "properties.agentPoolProfiles.0.maxPods": "ART L160 (30); overlay default is 250 (§6.2 #3)",
      "properties.networkProfile": "§2 (cluster-stamp.bicep:856-866); ART §Pod-to-pod traffic L329-336",
      "properties.networkProfile.outboundType": "ART §Egress traffic flow L312-316; needs the route table on the node subnet (V44, V45)",
      "properties.aadProfile": "ART §Integrate Microsoft Entra ID L207 (cluster-stamp.bicep:867-872); adminGroupObjectIDs = request access.adminGroupObjectIds (BASELINE.md §4 rule 5)",
      "properties.disableLocalAccounts": "ART §Local accounts L213-215 (:951)",
      "properties.securityProfile.workloadIdentity": "ART §Integrate Microsoft Entra ID for the workload L219-221 (:952-972)",
      "properties.oidcIssuerProfile": "(:973-975), required by workload identity",
      "properties.addonProfiles.azureKeyvaultSecretsProvider": "ART §Accessing cluster secrets L358-360 (:847-851)",
      "properties.addonProfiles.azurepolicy": "ART §Policy management L368-391 (:831-836)",
      "properties.agentPoolProfiles.0.tags": "ART §Cost management (L703 \"Use tags when you create node pools\"); not in the reference repo",
      "properties.metricsProfile.costAnalysis": "ART §Cost management (L682 \"Consider enabling AKS cost analysis\"); Standard or Premium tier only; not in the reference repo",
      "properties.securityProfile.defender": "W25 §Security › Recommendations; per environment §5 (off in dev)",
      "properties.apiServerAccessProfile": "§5 private cluster per environment (cluster-stamp.bicep:892-900); dev public with the firewall's address authorized (W25, rule 22)",
      "properties.sku.tier": "ART §Kubernetes API Server SLA L523; §5",
      "properties.autoUpgradeProfile": "the platform owns upgrades and node images (§6.1 D8): no maintenance configuration"
    },
    source: "§2 the managed cluster PUT body (cluster-stamp.bicep:739-1009), stable api (preview-only fields dropped, §0.2)"
  });

  // ---------------------------------------------------------------- after the cluster (§1.8.6)
  // The reference's node-OS window (cluster-stamp.bicep:1011-1025: weekly, Tuesday 21:00, 12 h). The cluster's
  // channel is None (§6.1 D8: the platform rolls node images itself), and the platform's node-image rollouts run
  // in this window when the cluster has one (shared/domain/policy.ts effectiveNodeImageWindow), so the
  // reference's weekly cadence holds; conformance #31 judges it.
  add({ key: "node-os-schedule", title: "node OS maintenance window aksManagedNodeOSUpgradeSchedule (weekly, Tuesday 21:00, 12 h)", id: `${clusterId}/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule`,
    type: "Microsoft.ContainerService/managedClusters/maintenanceConfigurations", apiVersion: API.aks, dependsOn: ["cluster"],
    body: { properties: { maintenanceWindow: { durationHours: 12, schedule: { weekly: { dayOfWeek: "Tuesday", intervalWeeks: 1 } }, startTime: "21:00" } } },
    source: "§1.6 F28 (cluster-stamp.bicep:1011-1025); ART §Weekly updates L576; §6.1 D8 (the platform's rollouts use it)" });
  assign("ra-kubelet-acrpull", "registry", acrId, ROLES.acrPull, "cluster", `${clusterId}/kubelet`, "§1.6 F29 (:1028-1037); ART L181-185", "properties.identityProfile.kubeletidentity.objectId");
  if (request.gitops) {
    // GitOps bootstrap after the kubelet can pull (cluster-stamp.bicep:1113-1178), once the firewall lets Flux out.
    const egress = request.network.hubId ? [] : ["fw-rcg-application"];
    add({ key: "flux-extension", title: "cluster extension flux (microsoft.flux)", id: `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${FLUX_EXTENSION}`,
      type: "Microsoft.KubernetesConfiguration/extensions", apiVersion: KUBERNETES_CONFIGURATION_API, dependsOn: ["cluster", "ra-kubelet-acrpull", ...egress], durationMs: 3 * 60_000,
      body: fluxExtensionBody(), ignoreOnUpdate: ["properties.configurationProtectedSettings"],
      source: "§1.6 F1-F4 (cluster-stamp.bicep:1113-1136); ART §Cluster bootstrapping L601" });
    add({ key: "flux-configuration", title: `Flux configuration ${FLUX_CONFIGURATION} → ${request.gitops.url}`, id: `${clusterId}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/${FLUX_CONFIGURATION}`,
      type: "Microsoft.KubernetesConfiguration/fluxConfigurations", apiVersion: KUBERNETES_CONFIGURATION_API, dependsOn: ["flux-extension"], durationMs: 2 * 60_000,
      body: fluxConfigurationBody(request.gitops),
      source: "§1.6 F5-F8 (cluster-stamp.bicep:1142-1178); ART §Cluster bootstrapping L592-605, §Cluster CI/CD L668" });
  }

  // The node resource group exists once the cluster does (AKS creates it, managed by the cluster).
  assign("ra-kubelet-vmcontrib", "cluster", `${sub}/resourceGroups/${nodeResourceGroup}`, ROLES.virtualMachineContributor, "cluster", `${clusterId}/kubelet`,
    "§1.6 F37 (role-assignment-EnsureClusterUserAssignedHasRbacToManageVMSS.bicep:20-27)", "properties.identityProfile.kubeletidentity.objectId");

  // ---------------------------------------------------------------- people: Entra groups (§1.6 F30; BASELINE.md §4 rule 5)
  const groupRoles = new Set<string>();
  const assignGroup = (key: string, scope: string, role: string, group: string, source: string) => {
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${deterministicGuid(scope, role, group)}`;
    if (groupRoles.has(id.toLowerCase())) return;
    groupRoles.add(id.toLowerCase());
    add({ key, title: `role ${roleName(role)} → group ${group} on ${scope.split("/").slice(-2).join(" ")}`, id, type: "Microsoft.Authorization/roleAssignments", apiVersion: API.authorization, dependsOn: ["cluster"],
      body: { properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: group, principalType: "Group" } },
      source: `${source}; name = guid(scope, role, principal), BASELINE.md §6.2 #7` });
  };
  adminGroups.forEach((g, i) => {
    assignGroup(`ra-admins-${i}-cluster-admin`, clusterId, ROLES.aksRbacClusterAdmin, g, "§1.6 F30 (cluster-stamp.bicep:1039-1048): the admin group is AKS RBAC Cluster Admin");
    assignGroup(`ra-admins-${i}-cluster-user`, clusterId, ROLES.aksClusterUser, g, "§1.6 F30 (:1050-1058): and Cluster User (to get the kubeconfig)");
  });
  (request.access?.namespaceReaders ?? []).forEach((r, i) => {
    const g = r.groupObjectId.toLowerCase();
    assignGroup(`ra-readers-${i}-namespace`, `${clusterId}/namespaces/${r.namespace}`, ROLES.aksRbacReader, g, `§1.6 F30 (:1060-1069): AKS RBAC Reader on namespace ${r.namespace}`);
    if (!adminGroups.includes(g)) assignGroup(`ra-readers-${i}-cluster-user`, clusterId, ROLES.aksClusterUser, g, "§1.6 F30 (:1071-1080): readers are Cluster Users too");
  });

  // ---------------------------------------------------------------- the ingress controller's workload identity (§1.6 F36)
  add({ key: "ingress-federated-credential", title: `federated credential of podmi-${name}-ingress-controller`, id: `${workRgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/podmi-${name}-ingress-controller/federatedIdentityCredentials/ingress-controller`,
    type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", apiVersion: API.identity, dependsOn: ["cluster", "id-ingress"],
    body: { properties: { issuer: "", subject: `system:serviceaccount:${INGRESS_NAMESPACE}:${INGRESS_SERVICE_ACCOUNT}`, audiences: ["api://AzureADTokenExchange"] } },
    refs: [{ path: "properties.issuer", from: "cluster", fromPath: "properties.oidcIssuerProfile.issuerURL" }],
    source: "§1.6 F36 (cluster-stamp.bicep:488-497): issuer = the cluster's OIDC issuer, after the cluster" });

  // ---------------------------------------------------------------- monitoring that flows (§1.6 F1-F6, F32-F33)
  const amwName = `amw-${name}`;
  const amwId = `${workRgId}/providers/Microsoft.Monitor/accounts/${amwName}`;
  const dceId = `${workRgId}/providers/Microsoft.Insights/dataCollectionEndpoints/MSProm-${location}-${name}`;
  const promDcrId = `${workRgId}/providers/Microsoft.Insights/dataCollectionRules/MSProm-${location}-${name}`;
  const ciDcrId = `${workRgId}/providers/Microsoft.Insights/dataCollectionRules/MSCI-${location}-${name}`;
  const laName = names.workspace;
  add({ key: "monitor-workspace", title: `Azure Monitor workspace ${amwName}`, id: amwId, type: "Microsoft.Monitor/accounts", apiVersion: API.monitorAccounts, dependsOn: ["rg-workload"], durationMs: 30_000,
    body: { location, properties: { publicNetworkAccess: "Enabled" } }, source: "§1.6 F1 (cluster-stamp.bicep:175-181): where Prometheus metrics go" });
  add({ key: "dce-prometheus", title: `data collection endpoint MSProm-${location}-${name}`, id: dceId, type: "Microsoft.Insights/dataCollectionEndpoints", apiVersion: API.dataCollection, dependsOn: ["rg-workload"],
    body: { location, kind: "Linux", properties: { networkAcls: { publicNetworkAccess: "Enabled" } } }, source: "§1.6 F2 (:184-193)" });
  add({ key: "dcr-prometheus", title: `data collection rule MSProm-${location}-${name} (Prometheus)`, id: promDcrId, type: "Microsoft.Insights/dataCollectionRules", apiVersion: API.dataCollection, dependsOn: ["dce-prometheus", "monitor-workspace"],
    body: { location, kind: "Linux", properties: {
      dataCollectionEndpointId: dceId,
      dataSources: { prometheusForwarder: [{ name: "PrometheusDataSource", streams: ["Microsoft-PrometheusMetrics"], labelIncludeFilter: {} }] },
      destinations: { monitoringAccounts: [{ accountResourceId: amwId, name: amwName }] },
      dataFlows: [{ streams: ["Microsoft-PrometheusMetrics"], destinations: [amwName] }]
    } }, source: "§1.6 F3 (:196-233)" });
  const ciStreams = ["Microsoft-ContainerLogV2", "Microsoft-KubeEvents", "Microsoft-KubePodInventory", "Microsoft-KubeNodeInventory", "Microsoft-KubePVInventory", "Microsoft-KubeServices", "Microsoft-KubeMonAgentEvents", "Microsoft-InsightsMetrics", "Microsoft-ContainerInventory", "Microsoft-ContainerNodeInventory", "Microsoft-Perf"];
  add({ key: "dcr-container-insights", title: `data collection rule MSCI-${location}-${name} (Container insights)`, id: ciDcrId, type: "Microsoft.Insights/dataCollectionRules", apiVersion: API.dataCollection, dependsOn: ["workspace"],
    body: { location, kind: "Linux", properties: {
      dataSources: {
        syslog: [{ name: "sysLogsDataSource", streams: ["Microsoft-Syslog"], facilityNames: ["auth", "authpriv", "cron", "daemon", "mark", "kern", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7", "lpr", "mail", "news", "syslog", "user", "uucp"], logLevels: ["Info"] }],
        extensions: [{ name: "ContainerInsightsExtension", streams: ciStreams, extensionName: "ContainerInsights",
          extensionSettings: { dataCollectionSettings: { interval: "1m", namespaceFilteringMode: "Exclude", namespaces: ["kube-system", "gatekeeper-system"], enableContainerLogV2: true } } }]
      },
      destinations: { logAnalytics: [{ workspaceResourceId: laId, name: laName }] },
      dataFlows: [{ streams: ["Microsoft-Syslog"], destinations: [laName] }, { streams: ciStreams, destinations: [laName] }]
    } }, source: "§1.6 F5 (:264-372)" });
  for (const [key, dcr, dcrKey, source] of [["dcra-prometheus", promDcrId, "dcr-prometheus", "§1.6 F32 (:255-261)"], ["dcra-container-insights", ciDcrId, "dcr-container-insights", "§1.6 F33 (:394-400)"]] as const) {
    add({ key, title: `data collection rule association ${dcr.split("/").pop()} → cluster`, id: `${clusterId}/providers/Microsoft.Insights/dataCollectionRuleAssociations/${dcr.split("/").pop()}`,
      type: "Microsoft.Insights/dataCollectionRuleAssociations", apiVersion: API.dataCollection, dependsOn: ["cluster", dcrKey],
      body: { properties: { dataCollectionRuleId: dcr } }, source: `${source}: without it the add-on and the metrics profile send nowhere` });
  }
  add({ key: "cluster-diagnostics", title: `cluster diagnostic setting ${PLATFORM_DIAGNOSTIC_SETTING}`, id: `${clusterId}/providers/Microsoft.Insights/diagnosticSettings/${PLATFORM_DIAGNOSTIC_SETTING}`,
    type: "Microsoft.Insights/diagnosticSettings", apiVersion: API.diagnostics, dependsOn: ["cluster", "workspace"],
    // Governance's desired setting, so provisioning and governance never rewrite each other's.
    body: { properties: { workspaceId: laId, logs: desiredDiagnosticSetting(laId).logs } },
    source: "§1.6 F31 (:1083-1111); ART §Monitor and collect metrics L544-551; governance/desired.ts" });
  const budgetAmount = request.policy?.governance?.budgetAmount ?? o.budgetAmount ?? DEFAULT_BUDGET_AMOUNT[request.environment];
  add({ key: "budget", title: `budget ${PLATFORM_BUDGET}`, id: `${workRgId}/providers/Microsoft.Consumption/budgets/${PLATFORM_BUDGET}`, type: "Microsoft.Consumption/budgets", apiVersion: API.budget, dependsOn: ["rg-workload"],
    body: { properties: {
      category: "Cost", amount: budgetAmount, timeGrain: "Monthly", timePeriod: { startDate: ctx.budgetStartDate },
      // Governance's notifications (to the platform's action group) when one is configured; else the owners.
      notifications: ctx.budgetActionGroupId
        ? desiredBudget(budgetAmount, ctx.budgetActionGroupId, Date.parse(ctx.budgetStartDate)).notifications
        : Object.fromEntries(BUDGET_NOTIFICATIONS.map((n) => [n.key, { enabled: true, operator: "GreaterThanOrEqualTo", threshold: n.threshold, thresholdType: n.thresholdType, contactRoles: ["Owner"] }]))
    } },
    ignoreOnUpdate: ["properties.timePeriod"],
    source: "§1.6 F44 (not in the repo; ART §Cost management L707, contoso-bicycle/README.md:82); governance/desired.ts" });

  // ---------------------------------------------------------------- ingress: WAF policy and App Gateway (§1.6 F41-F42)
  const wafId = net("ApplicationGatewayWebApplicationFirewallPolicies", `waf-${name}`, workRgId);
  add({ key: "waf-policy", title: `WAF policy waf-${name}`, id: wafId, type: "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", apiVersion: API.network, dependsOn: ["rg-workload"], durationMs: 30_000,
    body: { location, properties: { policySettings: { fileUploadLimitInMb: 10, state: "Enabled", mode: "Prevention" }, managedRules: { managedRuleSets: [{ ruleSetType: "OWASP", ruleSetVersion: "3.2" }, { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.0" }] } } },
    source: "§1.6 F41 (:1219-1243); ART §Ingress traffic flow L302" });
  const gwPipId = net("publicIPAddresses", `pip-${name}-appgw`);
  add({ key: "appgw-pip", title: "App Gateway public IP", id: gwPipId, type: "Microsoft.Network/publicIPAddresses", apiVersion: API.network, dependsOn: ["rg-network"], durationMs: 10_000,
    body: { location, sku: { name: "Standard" }, zones: ZONES, properties: { publicIPAllocationMethod: "Static", idleTimeoutInMinutes: 4, publicIPAddressVersion: "IPv4" } }, source: "§1.3 C12 (:464-480)" });
  const gwId = net("applicationGateways", `apw-${name}`, workRgId);
  const sr = (kind: string, n: string) => ({ id: `${gwId}/${kind}/${n}` });
  add({ key: "app-gateway", title: `App Gateway apw-${name} (WAF_v2)`, id: gwId, type: "Microsoft.Network/applicationGateways", apiVersion: API.network, durationMs: 8 * 60_000,
    dependsOn: ["spoke-vnet", "appgw-pip", "waf-policy", "id-appgateway", "pe-kv-zone-group", tlsSecrets.gateway, tlsSecrets.root, ...kvRoles.filter((k) => k.includes("appgateway"))],
    body: { location, zones, identity: { type: "UserAssigned", userAssignedIdentities: { [gwIdentity.id]: {} } }, properties: {
      sku: { name: "WAF_v2", tier: "WAF_v2" },
      sslPolicy: { policyType: "Custom", minProtocolVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] },
      gatewayIPConfigurations: [{ name: "apw-ip-configuration", properties: { subnet: { id: subnetId("snet-applicationgateway") } } }],
      frontendIPConfigurations: [{ name: "apw-frontend-ip-configuration", properties: { publicIPAddress: { id: gwPipId } } }],
      frontendPorts: [{ name: "port-443", properties: { port: 443 } }],
      autoscaleConfiguration: { minCapacity: 0, maxCapacity: 10 },
      firewallPolicy: { id: wafId },
      enableHttp2: false,
      sslCertificates: [{ name: `${name}-ssl-certificate`, properties: { keyVaultSecretId: "" } }],
      trustedRootCertificates: [{ name: "root-cert-wildcard-aks-ingress", properties: { keyVaultSecretId: "" } }],
      probes: [{ name: "probe-ingress", properties: { protocol: "Https", path: "/favicon.ico", interval: 30, timeout: 30, unhealthyThreshold: 3, pickHostNameFromBackendHttpSettings: true, minServers: 0, match: {} } }],
      backendAddressPools: [{ name: "ingress", properties: { backendAddresses: [{ fqdn: `${name}.${INGRESS_ZONE}` }] } }],
      backendHttpSettingsCollection: [{ name: "ingress-https", properties: { port: 443, protocol: "Https", cookieBasedAffinity: "Disabled", pickHostNameFromBackendAddress: true, requestTimeout: 20, probe: sr("probes", "probe-ingress"), trustedRootCertificates: [sr("trustedRootCertificates", "root-cert-wildcard-aks-ingress")] } }],
      httpListeners: [{ name: "listener-https", properties: { frontendIPConfiguration: sr("frontendIPConfigurations", "apw-frontend-ip-configuration"), frontendPort: sr("frontendPorts", "port-443"), protocol: "Https", sslCertificate: sr("sslCertificates", `${name}-ssl-certificate`), hostName: `${name}.example.internal`, requireServerNameIndication: true } }],
      requestRoutingRules: [{ name: "apw-routing-rules", properties: { ruleType: "Basic", priority: 100, httpListener: sr("httpListeners", "listener-https"), backendAddressPool: sr("backendAddressPools", "ingress"), backendHttpSettings: sr("backendHttpSettingsCollection", "ingress-https") } }]
    } },
    refs: [
      { path: "properties.sslCertificates.0.properties.keyVaultSecretId", from: tlsSecrets.gateway, fromPath: "properties.secretUri" },
      { path: "properties.trustedRootCertificates.0.properties.keyVaultSecretId", from: tlsSecrets.root, fromPath: "properties.secretUri" }
    ],
    sources: {
      "properties.trustedRootCertificates": "§1.6 F42 (:1268-1275): TLS to the ingress, which the gateway trusts through this root (kv secretUri)",
      "properties.backendAddressPools": `§1.6 F42 (:1336-1346): the ingress by name, resolved in the private zone ${INGRESS_ZONE} (F25)`
    },
    source: "§1.6 F42 (:1245-1411): WAF_v2, TLS 1.2, SNI, autoscale 0-10, TLS end to end; ART §Ingress traffic flow L292-306" });

  // ---------------------------------------------------------------- resource logs of the baseline's other resources (§1.2 B13, §1.5 E10, §1.6 F14, F43)
  // The same desired categories governance keeps (governance/logCategories.ts), under the setting it owns.
  const logs: [GovernedResourceKind, string, string][] = [
    ...(request.network.hubId ? [] : [["firewall", "firewall", "§1.2 B13 (hub-default.bicep:525-659): application, network, DNS proxy and the structured AZFW logs"] as [GovernedResourceKind, string, string]]),
    ["applicationGateway", "app-gateway", "§1.6 F43 (cluster-stamp.bicep:1413-1433): access, performance and firewall (WAF) logs"],
    ["keyVault", "key-vault", "§1.6 F14 (cluster-stamp.bicep:544-562): AuditEvent"],
    ["containerRegistry", "registry", "§1.5 E10 (acr-stamp.bicep:212-243): repository and login events"]
  ];
  for (const [kind, key, source] of logs) {
    const target = resources.find((r) => r.key === key)!;
    add({ key: `${key}-diagnostics`, title: `diagnostic setting ${PLATFORM_RESOURCE_SETTING} of ${target.id.split("/").pop()}`, id: `${target.id}/providers/Microsoft.Insights/diagnosticSettings/${PLATFORM_RESOURCE_SETTING}`,
      type: "Microsoft.Insights/diagnosticSettings", apiVersion: API.diagnostics, dependsOn: [key, "workspace"], body: { properties: desiredSettingBody(kind, laId) },
      source: `${source}; governance/logCategories.ts` });
  }

  // ---------------------------------------------------------------- resource logs of the dependencies (conformance #50)
  // One setting per dependency, every log category through the `allLogs` group, to the workspace
  // (https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings#resource-logs:
  // "allLogs" names every category of the resource); the reference sets them per category
  // (hub-default.bicep:525-659, cluster-stamp.bicep:544-562,1413-1433, acr-stamp.bicep:212-243).
  // The firewall, gateway, vault and registry already have governance's per-category setting above
  // (it satisfies #50); a second setting sending the same categories to the same workspace is refused
  // by Azure ("Data sink ... is already used in diagnostic setting ... for category ..."), so only the
  // dependencies governance does not keep get this one.
  // Every firewall address (three in staging and prod, issue 28), as #50 reads the firewall's ipConfigurations.
  const fwPipKeys = resources.filter((r) => /^fw-pip(-\d+)?$/.test(r.key)).map((r) => r.key);
  for (const key of ["firewall", "app-gateway", "key-vault", "registry", "nsg-nodepools", ...fwPipKeys, "appgw-pip"]) {
    const target = resources.find((r) => r.key === key);
    if (!target || target.external || resources.some((r) => r.key === `${key}-diagnostics`)) continue;
    add({ key: `${key}-diagnostics`, title: `diagnostic setting (resource logs) of ${target.title}`, id: `${target.id}/providers/Microsoft.Insights/diagnosticSettings/${PLATFORM_DIAGNOSTIC_SETTING}`,
      type: "Microsoft.Insights/diagnosticSettings", apiVersion: API.diagnostics, dependsOn: [key, "workspace"],
      body: { properties: { workspaceId: laId, logs: [{ categoryGroup: "allLogs", enabled: true }] } },
      source: "§4 #50 diag-dependencies; ART §Cost management L699 (scope them); hub-default.bicep:525-659, cluster-stamp.bicep:544-562,1413-1433, acr-stamp.bicep:212-243" });
  }

  return {
    name, environment: request.environment, location, clusterId, workloadResourceGroup: workRg, networkResourceGroup: netRg, resources,
    omitted: [
      { what: "Event Grid system topic", why: "adoption subscribes the cluster's system topic to the platform after provisioning (§1.6 F38)" },
      { what: "query pack and solutions, DCR diagnostic settings, alerts", why: "not modelled by this platform yet (§1.6 F4, F6-F8, F34-F35, F40)" },
      ...(replicaLocation ? [] : [{ what: "registry geo-replica", why: `${request.environment}: geo-replication is production's (BASELINE.md §5; cost, ART L526); overrides.registryReplicaLocation adds one (conformance #53 is judged in prod only)` }]),
      ...(bastion ? [] : [{ what: "Azure Bastion", why: "dev: Bastion's hourly cost for no operator need (conformance #71 fails there, low)" }]),
      ...(request.gitops ? (request.network.hubId ? [{ what: "GitOps egress rules on the shared hub's firewall", why: "the hub is read, not written: its owner allows the repository's host and Flux's endpoints (hub-regionA.bicep:697-763)" }] : [])
        : [{ what: "Flux (microsoft.flux extension and configuration)", why: "the request names no gitops repository" }]),
      ...(request.tls ? [] : [{ what: "trusted TLS certificates", why: "dev without `tls`: a self-signed pair in the cluster's vault (browsers will not trust the gateway; the ingress controller's certificate must chain to the generated root)" }]),
      ...(adminGroups.length > 0 ? [] : [{ what: "Entra admin group", why: "dev without `access`: no group holds AKS RBAC Cluster Admin, so nobody can use kubectl until one is granted (BASELINE.md §4 rule 5 fails)" }]),
      { what: "kubernetesVersion", why: "AKS's default GA version for the region unless overrides.kubernetesVersion (§6.1 D11)" }
    ]
  };

  function privateLink(short: string, zone: string, targetId: string, group: string, configName: string, targetKey: string, source: string): void {
    const zoneId = `${workRgId}/providers/Microsoft.Network/privateDnsZones/${zone}`;
    const peId = net("privateEndpoints", `pe-${targetId.split("/").pop()}`, workRgId);
    add({ key: `dns-${short}`, title: `private DNS zone ${zone}`, id: zoneId, type: "Microsoft.Network/privateDnsZones", apiVersion: API.privateDns, dependsOn: ["rg-workload"], body: { location: "global" }, source });
    add({ key: `dns-${short}-link`, title: `${zone} link to the spoke`, id: `${zoneId}/virtualNetworkLinks/to_${spokeName}`, type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", apiVersion: API.privateDns,
      dependsOn: [`dns-${short}`, "spoke-vnet"], body: { location: "global", properties: { virtualNetwork: { id: spokeId }, registrationEnabled: false } }, source });
    add({ key: `pe-${short}`, title: `private endpoint for ${targetId.split("/").pop()}`, id: peId, type: "Microsoft.Network/privateEndpoints", apiVersion: API.network, dependsOn: [targetKey, "spoke-vnet"], durationMs: 60_000,
      body: { location, properties: { subnet: { id: subnetId("snet-privatelinkendpoints") }, privateLinkServiceConnections: [{ name: `to_${spokeName}`, properties: { privateLinkServiceId: targetId, groupIds: [group] } }] } }, source });
    add({ key: `pe-${short}-zone-group`, title: `DNS zone group of pe-${targetId.split("/").pop()}`, id: `${peId}/privateDnsZoneGroups/default`, type: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", apiVersion: API.network,
      dependsOn: [`pe-${short}`, `dns-${short}-link`], durationMs: 10_000, body: { properties: { privateDnsZoneConfigs: [{ name: configName, properties: { privateDnsZoneId: zoneId } }] } }, source });
  }
}

function rule(name: string, priority: number, direction: string, access: string, protocol: string, source: string, destination: string, port: string): Json {
  return { name, properties: { priority, direction, access, protocol, sourceAddressPrefix: source, sourcePortRange: "*", destinationAddressPrefix: destination, destinationPortRange: port } };
}

function roleName(id: string): string {
  return Object.entries(ROLES).find(([, v]) => v === id)?.[0] ?? id;
}
