/**
 * The dependency reads of conformance (rules #20, #22, #50, #52-#62, #64-#67, #69, #71, #72), made
 * once per evaluation and only when a rule needs them, through ARM's REST API (the resources
 * client's pipeline: its credential and retry policy). Each read that ARM refuses (403, 404 of a
 * provider, another tenant's subscription) is noted in `unread` and makes only its rules
 * notApplicable; throttling and transient errors are thrown (the evaluation is retried whole).
 *
 * ARM requests (docs/conformance.md counts them; a provisioned cluster's evaluation costs 42 in all, with the cluster's own):
 * firewalls 1, spoke VNet 1, registries, vaults, gateways 1 each, private endpoints 1, policy
 * assignments 1, budgets 1 (+1 at the subscription when the group has none), extensions 1,
 * control-plane identity 1 (user-assigned); then per firewall its rule groups 1 and the IP groups
 * its AKS rules name, its public IPs (public API with authorized ranges only), hub VNet 1, Bastion
 * hosts 1, per registry its replicas 1, per gateway its WAF policy 1 and identity 1; then Flux
 * configurations 1 (Flux installed), role assignments 1 per registry and vault + 1, and one
 * diagnostic-settings list per dependency.
 */
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { ArmResourcePort } from "../../../shared/azure/arm-resources";
import { API } from "../../../shared/domain/baseline/profile";
import type {
  ObservedAppGateway, ObservedBastion, ObservedBudget, ObservedCluster, ObservedDependencyDiagnostics, ObservedExtension, ObservedFirewall,
  ObservedFirewallRules, ObservedFluxConfiguration, ObservedPeering, ObservedPolicyAssignment, ObservedPrivateEndpoint, ObservedRegistry,
  ObservedRoleAssignment, ObservedVault, RelatedRead
} from "../../../shared/domain/conformance";
import { attempt, Unread } from "./armReads";

type Json = Record<string, unknown>;

export interface DependencyArm {
  /** Generic ARM reads (GET by id, list a collection with its pages). */
  armReads: Pick<ArmResourcePort, "getArmResource" | "listArmResources">;
  subscriptionId: string;
}

/** Api-versions of the reads: the profile's where it writes the type, else the reference's (aks-baseline). */
export const READ_API = {
  ...API,
  policy: "2024-04-01",
  /** Microsoft.KubernetesConfiguration extensions and fluxConfigurations: cluster-stamp.bicep's api-version. */
  kubernetesConfiguration: "2023-05-01"
} as const;

const ROLE_ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments";
const DIAGNOSTICS = "/providers/Microsoft.Insights/diagnosticSettings";

function rgOf(id: string): string {
  return /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(id)?.[1] ?? "";
}

function vnetOf(subnetId: string | undefined): string {
  return /^(.*\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(subnetId ?? "")?.[1] ?? "";
}

const lower = (s: string | undefined) => (s ?? "").toLowerCase();
const uniq = (ids: (string | undefined)[]) => [...new Map(ids.filter((x): x is string => !!x).map((x) => [x.toLowerCase(), x])).values()];

/** The principal of a managed identity: the one ARM reports with the resource, else read from the user-assigned identity. */
async function principalsOf(arm: DependencyArm, identity: { type?: string; principalId?: string; userAssignedIdentities?: Record<string, { principalId?: string } | undefined> } | undefined): Promise<string[]> {
  if (!identity) return [];
  const out: string[] = identity.principalId ? [identity.principalId] : [];
  for (const [id, v] of Object.entries(identity.userAssignedIdentities ?? {})) {
    if (v?.principalId) { out.push(v.principalId); continue; }
    const uai = await arm.armReads.getArmResource(id, READ_API.identity);
    const p = (uai?.properties as Json | undefined)?.principalId;
    if (typeof p === "string") out.push(p);
  }
  return out;
}

/**
 * Reads what the dependency rules need into `observed` (the cluster and its node subnets are
 * already there), noting refused reads in `unread`.
 */
export async function readDependencies(arm: DependencyArm, observed: ObservedCluster, unread: Partial<Record<RelatedRead, string>>): Promise<void> {
  const cluster: ManagedCluster = observed.cluster;
  const clusterId = cluster.id ?? "";
  const rg = rgOf(clusterId);
  const sub = `/subscriptions/${arm.subscriptionId}`;
  const list = <T>(path: string, apiVersion: string) => arm.armReads.listArmResources(path, apiVersion) as Promise<T[]>;
  const keep = <K extends RelatedRead>(key: K, value: ObservedCluster[K] | Unread): void => {
    if (value instanceof Unread) unread[key] = value.reason;
    else observed[key] = value;
  };

  // Hub firewall: the one whose private IP the node subnets' default route names (#19 reads the routes).
  const nextHops = new Set((observed.nodeSubnets ?? []).flatMap((s) => (s.routeTable?.routes ?? []).filter((r) => r.addressPrefix === "0.0.0.0/0" && !!r.nextHopIpAddress).map((r) => r.nextHopIpAddress!)));
  const spokeId = vnetOf((cluster.agentPoolProfiles ?? []).find((p) => !!p.vnetSubnetID)?.vnetSubnetID);
  const [firewalls, spoke, registries, vaults, gateways, policies, budgets, extensions, cpPrincipal, endpoints] = await Promise.all([
    observed.nodeSubnets === undefined ? new Unread(`node subnets not read${unread.nodeSubnets ? `: ${unread.nodeSubnets}` : ""}`)
      : nextHops.size === 0 ? [] as ObservedFirewall[]
        : attempt(async () => (await list<ObservedFirewall>(`${sub}/providers/Microsoft.Network/azureFirewalls`, READ_API.network))
          .filter((fw) => (fw.properties?.ipConfigurations ?? []).some((c) => nextHops.has(c.properties?.privateIPAddress ?? "")))),
    spokeId ? attempt(() => arm.armReads.getArmResource(spokeId, READ_API.network)) : undefined,
    attempt(() => list<ObservedRegistry>(`${rg}/providers/Microsoft.ContainerRegistry/registries`, READ_API.registry)),
    attempt(() => list<ObservedVault>(`${rg}/providers/Microsoft.KeyVault/vaults`, READ_API.keyVault)),
    attempt(() => list<ObservedAppGateway>(`${rg}/providers/Microsoft.Network/applicationGateways`, READ_API.network)),
    attempt(() => list<ObservedPolicyAssignment>(`${rg}/providers/Microsoft.Authorization/policyAssignments`, READ_API.policy)),
    attempt(async () => {
      const here = await list<ObservedBudget>(`${rg}/providers/Microsoft.Consumption/budgets`, READ_API.budget);
      return here.length > 0 ? here : list<ObservedBudget>(`${sub}/providers/Microsoft.Consumption/budgets`, READ_API.budget);
    }),
    attempt(() => list<ObservedExtension>(`${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions`, READ_API.kubernetesConfiguration)),
    attempt(async () => (await principalsOf(arm, cluster.identity))[0]),
    attempt(() => list<ObservedPrivateEndpoint>(`${sub}/providers/Microsoft.Network/privateEndpoints`, READ_API.network))
  ]);
  keep("firewalls", firewalls);
  keep("policyAssignments", policies);
  keep("budgets", budgets);
  keep("extensions", extensions);
  if (cpPrincipal instanceof Unread) unread.controlPlanePrincipalId = cpPrincipal.reason;
  else if (cpPrincipal) observed.controlPlanePrincipalId = cpPrincipal;
  else unread.controlPlanePrincipalId = "the cluster reports no managed identity";
  const endpointsTo = (id: string | undefined): ObservedPrivateEndpoint[] | undefined => endpoints instanceof Unread ? undefined
    : endpoints.filter((pe) => [...(pe.properties?.privateLinkServiceConnections ?? []), ...(pe.properties?.manualPrivateLinkServiceConnections ?? [])]
      .some((c) => lower(c.properties?.privateLinkServiceId) === lower(id)));

  const fws = firewalls instanceof Unread ? [] : firewalls;
  const hubFromFirewall = vnetOf(fws[0]?.properties?.ipConfigurations?.[0]?.properties?.subnet?.id);
  const spokePeerings = spoke && !(spoke instanceof Unread) ? ((spoke.properties as Json | undefined)?.virtualNetworkPeerings ?? []) as ObservedPeering[] : [];
  const hubId = hubFromFirewall || spokePeerings.map((p) => p.properties?.remoteVirtualNetwork?.id).find((id): id is string => !!id) || "";
  const wantsPips = cluster.apiServerAccessProfile?.enablePrivateCluster !== true && (cluster.apiServerAccessProfile?.authorizedIPRanges ?? []).length > 0;
  const fwPipIds = uniq(fws.flatMap((fw) => (fw.properties?.ipConfigurations ?? []).map((c) => c.properties?.publicIPAddress?.id)));

  const [rules, pips, hub, bastions, regs, kvs, gws] = await Promise.all([
    firewalls instanceof Unread ? firewalls : attempt(() => readFirewallRules(arm, fws)),
    firewalls instanceof Unread ? firewalls : wantsPips ? attempt(async () => Object.fromEntries(await Promise.all(fwPipIds.map(async (id) => {
      const pip = await arm.armReads.getArmResource(id, READ_API.network);
      const address = (pip?.properties as Json | undefined)?.ipAddress;
      return [id.toLowerCase(), typeof address === "string" ? address : undefined] as const;
    })))) : undefined,
    hubId ? attempt(() => arm.armReads.getArmResource(hubId, READ_API.network)) : undefined,
    hubId ? attempt(() => list<ObservedBastion>(`${rgOf(hubId)}/providers/Microsoft.Network/bastionHosts`, READ_API.network)) : undefined,
    registries instanceof Unread ? registries : attempt(() => Promise.all(registries.map(async (r): Promise<ObservedRegistry> => {
      const replicas = await list<{ location?: string }>(`${r.id ?? ""}/replications`, READ_API.registry);
      return { ...r, replicaLocations: replicas.map((x) => x.location ?? "").filter(Boolean), ...(endpointsTo(r.id) ? { privateEndpoints: endpointsTo(r.id) } : {}) };
    }))),
    Promise.resolve(vaults instanceof Unread ? vaults : vaults.map((v): ObservedVault => ({ ...v, ...(endpointsTo(v.id) ? { privateEndpoints: endpointsTo(v.id) } : {}) }))),
    gateways instanceof Unread ? gateways : attempt(() => Promise.all(gateways.map(async (g): Promise<ObservedAppGateway> => {
      const wafId = g.properties?.firewallPolicy?.id;
      const waf = wafId ? await arm.armReads.getArmResource(wafId, READ_API.network) : undefined;
      return { ...g, ...(waf ? { wafPolicy: waf } : {}), principalIds: await principalsOf(arm, g.identity) };
    })))
  ]);
  keep("firewallRules", rules);
  if (pips) keep("firewallPublicIps", pips);
  if (spoke instanceof Unread) unread.peerings = spoke.reason;
  else if (spoke === undefined) unread.peerings = spokeId ? `spoke ${spokeId} not found` : "no pool names a subnet";
  else if (hub instanceof Unread) unread.peerings = hub.reason;
  else observed.peerings = { spokeId: spoke.id as string ?? spokeId, spoke: spokePeerings, ...(hubId ? { hubId } : {}), ...(hub ? { hub: ((hub.properties as Json | undefined)?.virtualNetworkPeerings ?? []) as ObservedPeering[] } : {}) };
  if (bastions) keep("bastionHosts", bastions);
  else unread.bastionHosts = "no hub found (no firewall behind the default route, no peering)";
  keep("registries", regs);
  keep("vaults", kvs);
  keep("appGateways", gws);
  if (endpoints instanceof Unread) {
    // Private endpoints refused: the registry and vault are still judged on what else they hold, not on Private Link.
    unread.registries ??= `private endpoints not read: ${endpoints.reason}`;
    unread.vaults ??= `private endpoints not read: ${endpoints.reason}`;
    delete observed.registries;
    delete observed.vaults;
  }

  const flux = observed.extensions?.some((e) => lower(e.properties?.extensionType) === "microsoft.flux");
  const regList = observed.registries ?? [];
  const kvList = observed.vaults ?? [];
  const gwList = observed.appGateways ?? [];
  const nsgIds = uniq((observed.nodeSubnets ?? []).map((s) => s.subnet?.networkSecurityGroup?.id));
  const gwPips = uniq(gwList.flatMap((g) => (g.properties?.frontendIPConfigurations ?? []).map((f) => f.properties?.publicIPAddress?.id)));
  const dependencies: Omit<ObservedDependencyDiagnostics, "settings">[] = [
    ...fws.map((f) => ({ id: f.id ?? "", kind: "firewall" as const })), ...gwList.map((g) => ({ id: g.id ?? "", kind: "appGateway" as const })),
    ...kvList.map((v) => ({ id: v.id ?? "", kind: "keyVault" as const })), ...regList.map((r) => ({ id: r.id ?? "", kind: "registry" as const })),
    ...nsgIds.map((id) => ({ id, kind: "nsg" as const })), ...uniq([...fwPipIds, ...gwPips]).map((id) => ({ id, kind: "publicIp" as const }))
  ];
  const [fluxConfigs, roles, diagnostics] = await Promise.all([
    flux ? attempt(() => list<ObservedFluxConfiguration>(`${clusterId}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations`, READ_API.kubernetesConfiguration)) : [] as ObservedFluxConfiguration[],
    attempt(async () => {
      const scopes = [...regList, ...kvList].map((r) => `${r.id ?? ""}${ROLE_ASSIGNMENTS}`);
      const principal = observed.controlPlanePrincipalId;
      if (principal) scopes.push(`${sub}${ROLE_ASSIGNMENTS}?$filter=${encodeURIComponent(`principalId eq '${principal}'`)}`);
      const all = (await Promise.all(scopes.map((s) => list<ObservedRoleAssignment>(s, READ_API.authorization)))).flat();
      return [...new Map(all.map((ra) => [lower(ra.id), ra])).values()];
    }),
    Promise.all(dependencies.map(async (d): Promise<ObservedDependencyDiagnostics> => {
      const read = await attempt(() => list<{ name?: string; properties?: { workspaceId?: string; logs?: { category?: string; categoryGroup?: string; enabled: boolean }[] } }>(`${d.id}${DIAGNOSTICS}`, READ_API.diagnostics));
      return read instanceof Unread ? { ...d, unread: read.reason }
        : { ...d, settings: read.map((s) => ({ ...(s.name ? { name: s.name } : {}), ...(s.properties?.workspaceId ? { workspaceId: s.properties.workspaceId } : {}), logs: s.properties?.logs ?? [] })) };
    }))
  ]);
  keep("fluxConfigurations", fluxConfigs);
  keep("roleAssignments", roles);
  observed.dependencyDiagnostics = diagnostics;
}

async function readFirewallRules(arm: DependencyArm, firewalls: ObservedFirewall[]): Promise<ObservedFirewallRules> {
  const out: ObservedFirewallRules = { ruleCollectionGroups: {}, ipGroups: {} };
  for (const fw of firewalls) {
    const policy = fw.properties?.firewallPolicy?.id;
    out.ruleCollectionGroups[lower(fw.id)] = policy ? await arm.armReads.listArmResources(`${policy}/ruleCollectionGroups`, READ_API.network) : [];
  }
  // Only the IP groups that AKS's service-tag rules name (#20 checks they cover the node subnets).
  const groups = uniq(Object.values(out.ruleCollectionGroups).flat().flatMap((g) => (g.properties?.ruleCollections ?? []).flatMap((c) => (c.rules ?? [])
    .filter((r) => (r.fqdnTags ?? []).some((t) => lower(t) === "azurekubernetesservice")).flatMap((r) => r.sourceIpGroups ?? []))));
  for (const id of groups) {
    const g = await arm.armReads.getArmResource(id, READ_API.network);
    const addresses = (g?.properties as Json | undefined)?.ipAddresses;
    out.ipGroups[id.toLowerCase()] = Array.isArray(addresses) ? addresses.filter((a): a is string => typeof a === "string") : [];
  }
  return out;
}
