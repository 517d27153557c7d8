/**
 * Microsoft.Network types of the AKS baseline (api-version 2025-05-01, what @azure/arm-network
 * 36.0.0 sends; 2023-11-01 and 2024-10-01 as the baseline templates use). Shapes follow the REST
 * spec examples cited per type (Azure/azure-rest-api-specs, specification/network/resource-manager/
 * Microsoft.Network/stable/<version>/examples/). Rules and codes: ../shared/BASELINE.md §3.1.
 */
import { createHash, randomUUID } from "node:crypto";
import { ArmError, nameOf, type ArmResource, type SimKernel } from "../kernel";
import { canonical, formatIpv4, isNetworkAddress, overlaps, parseCidr, parseIpv4, within, type Cidr } from "../network/cidr";
import { findSubnet, refId, subnetPrefixes, vnetPrefixes } from "../network/lookup";
import { referencesTo, type ArmTypeRegistry, type Json, type NameRule, type ResourceTypeSpec, type WriteContext } from "./engine";

export const NETWORK_API_VERSIONS = ["2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01", "2024-05-01", "2024-07-01", "2024-10-01", "2025-01-01", "2025-03-01", "2025-05-01"];
const EXAMPLES = "specification/network/resource-manager/Microsoft.Network/stable/2025-05-01/examples";

function str(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : JSON.stringify(v ?? null);
}

function record(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => typeof x === "object" && x !== null) : [];
}

/** V21: Network resource names (1–80; VNets 2–64). */
function networkName(max = 80, min = 1): NameRule {
  const middle = Math.max(0, max - 2);
  const pattern = min <= 1
    ? new RegExp(`^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9._-]{0,${middle}}[a-zA-Z0-9_]$`)
    : new RegExp(`^[a-zA-Z0-9][a-zA-Z0-9._-]{${min - 2},${middle}}[a-zA-Z0-9_]$`);
  return {
    pattern,
    message: (name) => `Resource name ${name} is invalid. The name can be up to ${max} characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`
  };
}

function guidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Network's reference check: `InvalidResourceReference` when a referenced resource does not exist. */
function requireRef(kernel: SimKernel, ref: unknown, from: string): ArmResource | undefined {
  const id = refId(ref);
  if (!id) return undefined;
  const target = /\/subnets\/[^/]+$/i.test(id) ? findSubnet(kernel, id) : kernel.store.get(id);
  if (!target) {
    throw new ArmError(400, "InvalidResourceReference",
      `Resource ${id} referenced by resource ${from} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
  }
  return "vnet" in target ? { id: target.id, name: target.name, type: "Microsoft.Network/virtualNetworks/subnets", properties: target.properties } : target;
}

/** V3: a prefix must parse and be a network address (the message names the corrected prefix). */
function prefixOf(text: unknown, what: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new ArmError(400, "InvalidAddressPrefixFormat", `Address prefix ${str(text)} of resource ${what} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.`);
  if (!isNetworkAddress(c)) {
    throw new ArmError(400, "InvalidCIDRNotation", `The address prefix ${c.text} in resource ${what} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${canonical(c)}.`);
  }
  return c;
}

function childEntry(kernel: SimKernel, id: string): Json | undefined {
  const r = kernel.store.get(id);
  if (!r) return undefined;
  return { id: r.id, name: r.name, type: r.type, etag: r.etag, properties: r.properties };
}

/** Subnet rules shared by the VNet PUT (inline subnets) and the subnet PUT. */
function checkSubnet(kernel: SimKernel, vnetId: string, vnetRanges: Cidr[], name: string, props: Json, siblings: { name: string; ranges: Cidr[] }[]): Cidr[] {
  const subnetId = `${vnetId}/subnets/${name}`;
  const ranges = subnetPrefixes(props).map((p) => prefixOf(p, subnetId));
  for (const r of ranges) {
    if (!vnetRanges.some((v) => within(r, v))) {
      throw new ArmError(400, "NetcfgSubnetRangeOutsideVnet",
        `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${nameOf(vnetId)}'.`);
    }
    const clash = siblings.find((s) => s.name.toLowerCase() !== name.toLowerCase() && s.ranges.some((o) => overlaps(o, r)));
    if (clash) {
      throw new ArmError(400, "NetcfgSubnetRangesOverlap",
        `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet '${clash.name}' in virtual network '${nameOf(vnetId)}'.`);
    }
  }
  requireRef(kernel, props.networkSecurityGroup, subnetId);
  requireRef(kernel, props.routeTable, subnetId);
  if (name === "AzureFirewallSubnet" && props.routeTable) {
    const rt = kernel.store.get(refId(props.routeTable) ?? "");
    const def = list(record(rt?.properties).routes).map((x) => record(x.properties)).find((x) => x.addressPrefix === "0.0.0.0/0");
    if (def && def.nextHopType !== "Internet") {
      throw new ArmError(400, "AzureFirewallSubnetRouteTableMustHaveDefaultRouteToInternet",
        `Route Table ${refId(props.routeTable)} on firewall subnet AzureFirewallSubnet must have 0.0.0.0/0 route with next hop Internet.`);
    }
  }
  return ranges;
}

/** V4: a subnet something uses (a NIC, endpoint, firewall, gateway, cluster) cannot be removed. */
function assertSubnetUnused(kernel: SimKernel, subnetId: string): void {
  const users = referencesTo(kernel, subnetId).filter((r) => !/\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+(\/subnets\/[^/]+)?$/i.test(r.id) && r.type !== "Microsoft.Authorization/roleAssignments");
  if (users.length > 0) {
    throw new ArmError(400, "InUseSubnetCannotBeDeleted",
      `Subnet ${nameOf(subnetId)} is in use by ${users[0]!.id} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
  }
}

function syncSubnetInto(kernel: SimKernel, subnet: ArmResource): void {
  const vnetId = subnet.id.split("/").slice(0, -2).join("/");
  const vnet = kernel.store.get(vnetId);
  if (!vnet) return;
  const entries = list(record(vnet.properties).subnets).filter((e) => str(e.name).toLowerCase() !== subnet.name.toLowerCase());
  entries.push(childEntry(kernel, subnet.id)!);
  kernel.store.put(vnetId, { ...vnet, properties: { ...record(vnet.properties), subnets: entries } });
}

function peeringState(kernel: SimKernel, peering: ArmResource): void {
  const localVnet = peering.id.split("/").slice(0, -2).join("/");
  const remoteId = refId(record(peering.properties).remoteVirtualNetwork) ?? "";
  const back = kernel.store.list({ prefix: remoteId, type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings" })
    .find((p) => refId(record(p.properties).remoteVirtualNetwork)?.toLowerCase() === localVnet.toLowerCase());
  const set = (r: ArmResource, state: string): void => {
    const fresh = kernel.store.get(r.id)!;
    kernel.store.put(r.id, { ...fresh, properties: { ...record(fresh.properties), peeringState: state, peeringSyncLevel: state === "Connected" ? "FullyInSync" : "RemoteNotInSync" } });
    syncPeeringInto(kernel, kernel.store.get(r.id)!);
  };
  set(peering, back ? "Connected" : "Initiated");
  if (back) set(back, "Connected");
}

function syncPeeringInto(kernel: SimKernel, peering: ArmResource, removed = false): void {
  const vnetId = peering.id.split("/").slice(0, -2).join("/");
  const vnet = kernel.store.get(vnetId);
  if (!vnet) return;
  const entries = list(record(vnet.properties).virtualNetworkPeerings).filter((e) => str(e.name).toLowerCase() !== peering.name.toLowerCase());
  if (!removed) entries.push(childEntry(kernel, peering.id)!);
  kernel.store.put(vnetId, { ...vnet, properties: { ...record(vnet.properties), virtualNetworkPeerings: entries } });
}

/** The subnet an ipConfiguration points at, with its range. */
function configSubnet(kernel: SimKernel, c: WriteContext, config: Json | undefined): { id: string; name: string; range?: Cidr } | undefined {
  const ref = record(config?.properties).subnet;
  const sub = requireRef(kernel, ref, c.id);
  if (!sub) return undefined;
  const range = parseCidr(subnetPrefixes(record(sub.properties))[0]);
  return { id: sub.id, name: sub.name, range };
}

function requireStandardIp(kernel: SimKernel, c: WriteContext, ref: unknown, what: string): void {
  const pip = requireRef(kernel, ref, c.id);
  if (pip && str(record(pip.sku).name ?? "Basic") !== "Standard") {
    throw new ArmError(400, "PublicIPAddressSkuMustBeStandard", `Public IP address ${pip.id} must have Standard SKU to be used by ${what} ${c.id}.`);
  }
}

/** Key Vault Secrets User, Key Vault Administrator, Key Vault Secrets Officer: roles that let a gateway read a certificate secret. */
const SECRET_READER_ROLES = ["4633458b-17de-408a-b874-0445c86b69e6", "00482a5a-887f-4fb3-b363-3b7fe8e74483", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"];

/**
 * An App Gateway certificate referenced from Key Vault (`keyVaultSecretId`) is fetched with the
 * gateway's user-assigned identity when the gateway is written: the vault must exist and the
 * identity must hold a secret-reading role on it (RBAC vaults), else the write fails (BASELINE.md
 * §3 V18, "Troubleshoot Application Gateway deployment…": ApplicationGatewayKeyVaultSecretException).
 */
function checkKeyVaultCertificates(c: WriteContext): void {
  // Listener certificates and trusted roots alike (cluster-stamp.bicep:1268-1275, 1312-1318 reference both by secretUri).
  for (const cert of [...list(c.resource.properties.sslCertificates), ...list(c.resource.properties.trustedRootCertificates)]) {
    const secretId = str(record(cert.properties).keyVaultSecretId);
    if (!secretId) continue;
    const host = /^https:\/\/([^.]+)\.vault\.azure\.net\//i.exec(secretId)?.[1]?.toLowerCase();
    const vault = host ? c.kernel.store.list({ type: "Microsoft.KeyVault/vaults" }).find((v) => v.name.toLowerCase() === host) : undefined;
    const identities = Object.keys(record(record(c.resource.identity).userAssignedIdentities));
    const principals = identities.map((id) => str(record(c.kernel.store.get(id)?.properties).principalId).toLowerCase()).filter(Boolean);
    const allowed = vault && c.kernel.store.list({ type: "Microsoft.Authorization/roleAssignments" }).some((ra) => {
      const p = record(ra.properties);
      return principals.includes(str(p.principalId).toLowerCase()) && vault.id.toLowerCase().startsWith(str(p.scope).toLowerCase()) &&
        SECRET_READER_ROLES.includes(nameOf(str(p.roleDefinitionId)).toLowerCase());
    });
    if (!allowed) {
      throw new ArmError(400, "ApplicationGatewayKeyVaultSecretException",
        `Problem occured while accessing and validating KeyVault Secrets associated with Application Gateway '${c.id}'. The Key Vault secret '${secretId}' cannot be read with the gateway's identity: ${vault ? "no role on the vault lets it read secrets" : "the vault does not exist"}.`);
    }
    // The secret itself must be there (Key Vault answers SecretNotFound to the gateway's read; the
    // troubleshooting article lists it among the gateway's Key Vault errors).
    const secretName = /\/secrets\/([^/]+)/i.exec(secretId)?.[1]?.toLowerCase();
    if (!secretName || !c.kernel.store.get(`${vault.id}/secrets/${secretName}`)) {
      throw new ArmError(400, "ApplicationGatewayKeyVaultSecretException",
        `Problem occured while accessing and validating KeyVault Secrets associated with Application Gateway '${c.id}'. SecretNotFound: the Key Vault secret '${secretId}' does not exist.`);
    }
  }
}

const base = { scope: "resourceGroup" as const, apiVersions: NETWORK_API_VERSIONS, lro: true, deleteLro: true, etag: true, subscriptionList: true };

export function networkTypes(): ResourceTypeSpec[] {
  const vnet: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/virtualNetworks", example: `${EXAMPLES}/VirtualNetworkCreate.json`, durationMs: 20_000,
    location: "required", name: networkName(64, 2),
    validate: (c) => {
      const space = vnetPrefixes(c.resource).map((p) => prefixOf(p, c.id));
      if (space.length === 0) throw new ArmError(400, "InvalidAddressSpace", `Virtual network ${c.id} must have at least one address prefix in addressSpace.`);
      const siblings: { name: string; ranges: Cidr[] }[] = [];
      for (const s of list(c.resource.properties.subnets)) {
        const name = str(s.name ?? "");
        siblings.push({ name, ranges: checkSubnet(c.kernel, c.id, space, name, record(s.properties), siblings) });
      }
      // Re-PUTting the VNet replaces its subnets: dropping one that is in use is refused.
      for (const old of c.kernel.store.list({ prefix: c.id, type: "Microsoft.Network/virtualNetworks/subnets" })) {
        if (!siblings.some((s) => s.name.toLowerCase() === old.name.toLowerCase())) assertSubnetUnused(c.kernel, old.id);
      }
    },
    compute: (c) => {
      const subnets = list(c.resource.properties.subnets).map((s) => {
        const id = `${c.id}/subnets/${str(s.name)}`;
        return { name: s.name, id, type: "Microsoft.Network/virtualNetworks/subnets", etag: c.resource.etag, properties: { ...record(s.properties), provisioningState: "Succeeded" } };
      });
      c.resource.properties.subnets = subnets;
      c.resource.properties.virtualNetworkPeerings = list(record(c.existing?.properties).virtualNetworkPeerings);
      c.resource.properties.resourceGuid = record(c.existing?.properties).resourceGuid ?? guidFrom(`vnet:${c.id.toLowerCase()}`);
      c.resource.properties.enableDdosProtection ??= false;
    },
    afterWrite: (kernel, r) => {
      const keep = new Set<string>();
      for (const s of list(record(r.properties).subnets)) {
        const id = str(s.id);
        keep.add(id.toLowerCase());
        kernel.store.put(id, { ...kernel.store.envelope(id, {}), etag: r.etag, properties: record(s.properties) });
      }
      for (const old of kernel.store.list({ prefix: r.id, type: "Microsoft.Network/virtualNetworks/subnets" })) {
        if (!keep.has(old.id.toLowerCase())) kernel.store.delete(old.id);
      }
    },
    beforeDelete: (kernel, r) => {
      for (const s of kernel.store.list({ prefix: r.id, type: "Microsoft.Network/virtualNetworks/subnets" })) assertSubnetUnused(kernel, s.id);
    },
    afterDelete: (kernel, r) => {
      for (const p of kernel.store.list({ type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings" })) {
        if (refId(record(p.properties).remoteVirtualNetwork)?.toLowerCase() === r.id.toLowerCase()) {
          kernel.store.put(p.id, { ...p, properties: { ...record(p.properties), peeringState: "Disconnected", peeringSyncLevel: "RemoteNotInSync" } });
          syncPeeringInto(kernel, kernel.store.get(p.id)!);
        }
      }
    }
  };

  const subnet: ResourceTypeSpec = {
    ...base, subscriptionList: false, type: "Microsoft.Network/virtualNetworks/subnets", example: `${EXAMPLES}/SubnetCreate.json`,
    durationMs: 10_000, location: "none", name: networkName(),
    validate: (c) => {
      const vnetRes = c.parent!;
      const space = vnetPrefixes(vnetRes).map((p) => parseCidr(p)).filter((x): x is Cidr => !!x);
      const siblings = list(record(vnetRes.properties).subnets).map((s) => ({ name: str(s.name), ranges: subnetPrefixes(record(s.properties)).map((p) => parseCidr(p)).filter((x): x is Cidr => !!x) }));
      checkSubnet(c.kernel, vnetRes.id, space, c.resource.name, c.resource.properties, siblings);
    },
    compute: (c) => {
      c.resource.properties.privateEndpointNetworkPolicies ??= "Disabled";
      c.resource.properties.privateLinkServiceNetworkPolicies ??= "Enabled";
    },
    afterWrite: (kernel, r) => syncSubnetInto(kernel, r),
    afterComplete: (kernel, r) => syncSubnetInto(kernel, r),
    beforeDelete: (kernel, r) => assertSubnetUnused(kernel, r.id),
    afterDelete: (kernel, r) => {
      const vnetId = r.id.split("/").slice(0, -2).join("/");
      const v = kernel.store.get(vnetId);
      if (v) kernel.store.put(vnetId, { ...v, properties: { ...record(v.properties), subnets: list(record(v.properties).subnets).filter((e) => str(e.name).toLowerCase() !== r.name.toLowerCase()) } });
    }
  };

  const peering: ResourceTypeSpec = {
    ...base, subscriptionList: false, type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", example: `${EXAMPLES}/VirtualNetworkPeeringCreate.json`,
    durationMs: 30_000, location: "none", name: networkName(),
    validate: (c) => {
      const remote = requireRef(c.kernel, c.resource.properties.remoteVirtualNetwork, c.id);
      if (!remote) throw new ArmError(400, "InvalidRequestFormat", "Cannot parse the request: remoteVirtualNetwork.id is required.");
      const local = vnetPrefixes(c.parent!).map((p) => parseCidr(p)).filter((x): x is Cidr => !!x);
      const theirs = vnetPrefixes(remote).map((p) => parseCidr(p)).filter((x): x is Cidr => !!x);
      const clash = local.flatMap((a) => theirs.filter((b) => overlaps(a, b)).map((b) => `${a.text}, ${b.text}`));
      if (clash.length > 0) {
        throw new ArmError(400, "VnetAddressSpacesOverlap",
          `Cannot create or update peering ${c.id}. Virtual networks ${c.parent!.id} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${clash.join("; ")}`);
      }
    },
    compute: (c) => {
      const remote = c.kernel.store.get(refId(c.resource.properties.remoteVirtualNetwork) ?? "");
      c.resource.properties.remoteAddressSpace = { addressPrefixes: vnetPrefixes(remote!) };
      c.resource.properties.remoteVirtualNetworkAddressSpace = { addressPrefixes: vnetPrefixes(remote!) };
      c.resource.properties.peeringState = "Initiated";
      c.resource.properties.allowVirtualNetworkAccess ??= true;
      c.resource.properties.allowForwardedTraffic ??= false;
      c.resource.properties.allowGatewayTransit ??= false;
      c.resource.properties.useRemoteGateways ??= false;
    },
    afterWrite: (kernel, r) => peeringState(kernel, r),
    afterComplete: (kernel, r) => syncPeeringInto(kernel, r),
    afterDelete: (kernel, r) => {
      syncPeeringInto(kernel, r, true);
      const localVnet = r.id.split("/").slice(0, -2).join("/");
      const remoteId = refId(record(r.properties).remoteVirtualNetwork) ?? "";
      for (const back of kernel.store.list({ prefix: remoteId, type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings" })) {
        if (refId(record(back.properties).remoteVirtualNetwork)?.toLowerCase() !== localVnet.toLowerCase()) continue;
        kernel.store.put(back.id, { ...back, properties: { ...record(back.properties), peeringState: "Disconnected", peeringSyncLevel: "RemoteNotInSync" } });
        syncPeeringInto(kernel, kernel.store.get(back.id)!);
      }
    }
  };

  const withIds = (c: WriteContext, field: string, child: string): void => {
    c.resource.properties[field] = list(c.resource.properties[field]).map((x) => ({
      ...x, id: `${c.id}/${child}/${str(x.name)}`, etag: c.resource.etag, type: `${c.resource.type}/${child}`,
      properties: { ...record(x.properties), provisioningState: "Succeeded" }
    }));
  };
  const inUse = (code: string, what: string) => (kernel: SimKernel, r: ArmResource): void => {
    const users = referencesTo(kernel, r.id).filter((u) => /\/subnets\/[^/]+$/i.test(u.id));
    if (users.length > 0) throw new ArmError(400, code, `${what} ${r.name} can not be deleted since it is still allocated to resource ${users[0]!.id}. In order to delete the ${what.toLowerCase()}, remove the association with the resource.`);
  };

  const nsg: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/networkSecurityGroups", example: `${EXAMPLES}/NetworkSecurityGroupCreate.json`, durationMs: 10_000,
    location: "required", name: networkName(),
    validate: (c) => {
      for (const rule of list(c.resource.properties.securityRules)) {
        const pr = record(rule.properties).priority;
        if (typeof pr !== "number" || pr < 100 || pr > 4096) {
          throw new ArmError(400, "SecurityRuleInvalidPriority", `Security rule ${str(rule.name)} has invalid Priority. Value provided: ${str(pr)} Allowed range 100-4096.`);
        }
      }
    },
    compute: (c) => {
      withIds(c, "securityRules", "securityRules");
      c.resource.properties.flushConnection ??= false;
      // The six rules every NSG has; the descriptions are the simulator's words, not Azure's.
      const rule = (name: string, priority: number, direction: string, access: string, src: string, dst: string, description: string) => ({
        name, id: `${c.id}/defaultSecurityRules/${name}`, type: "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
        properties: { description, protocol: "*", sourcePortRange: "*", destinationPortRange: "*", sourceAddressPrefix: src, destinationAddressPrefix: dst, access, priority, direction, provisioningState: "Succeeded" }
      });
      c.resource.properties.defaultSecurityRules = [
        rule("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork", "Default rule: inbound within the virtual network"),
        rule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*", "Default rule: inbound from the Azure load balancer"),
        rule("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*", "Default rule: deny other inbound traffic"),
        rule("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork", "Default rule: outbound within the virtual network"),
        rule("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet", "Default rule: outbound to the Internet"),
        rule("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*", "Default rule: deny other outbound traffic")
      ];
    },
    beforeDelete: inUse("InUseNetworkSecurityGroupCannotBeDeleted", "Network security group")
  };

  const routeTable: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/routeTables", example: `${EXAMPLES}/RouteTableCreate.json`, durationMs: 10_000,
    location: "required", name: networkName(),
    validate: (c) => {
      for (const route of list(c.resource.properties.routes)) {
        const props = record(route.properties);
        prefixOf(props.addressPrefix, `${c.id}/routes/${str(route.name)}`);
        if (props.nextHopType === "VirtualAppliance" && (typeof props.nextHopIpAddress !== "string" || parseIpv4(props.nextHopIpAddress) === undefined)) {
          throw new ArmError(400, "InvalidNextHopIpAddress", `Route ${str(route.name)} has next hop type VirtualAppliance and requires a valid nextHopIpAddress.`);
        }
      }
    },
    compute: (c) => {
      withIds(c, "routes", "routes");
      c.resource.properties.disableBgpRoutePropagation ??= false;
    },
    beforeDelete: inUse("InUseRouteTableCannotBeDeleted", "Route table")
  };

  const publicIp: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/publicIPAddresses", example: `${EXAMPLES}/PublicIpAddressCreateDefaults.json`, durationMs: 10_000,
    location: "required", name: networkName(),
    compute: (c) => {
      c.resource.sku = { name: "Standard", tier: "Regional", ...record(c.resource.sku) };
      const standard = record(c.resource.sku).name === "Standard";
      c.resource.properties.publicIPAllocationMethod ??= standard ? "Static" : "Dynamic";
      c.resource.properties.publicIPAddressVersion ??= "IPv4";
      c.resource.properties.idleTimeoutInMinutes ??= 4;
      // What Network reports for every address (the `az network public-ip create` output quoted in
      // learn.microsoft.com quickstarts, e.g. the LEMP-on-VM one): DDoS protection inherited from
      // the VNet, no IP tags, a resource GUID.
      c.resource.properties.ddosSettings = { protectionMode: "VirtualNetworkInherited", ...record(c.resource.properties.ddosSettings) };
      c.resource.properties.ipTags ??= [];
      c.resource.properties.resourceGuid = record(c.existing?.properties).resourceGuid ?? guidFrom(`pip:${c.id.toLowerCase()}`);
      if (c.resource.properties.publicIPAllocationMethod === "Static") {
        const h = createHash("sha256").update(c.id.toLowerCase()).digest();
        c.resource.properties.ipAddress = record(c.existing?.properties).ipAddress ?? `20.${h[0]! % 200}.${h[1]}.${(h[2]! % 250) + 1}`;
      }
    },
    beforeDelete: (kernel, r) => {
      const users = referencesTo(kernel, r.id);
      if (users.length > 0) throw new ArmError(400, "PublicIPAddressInUse", `Public IP address ${r.id} can not be deleted since it is still allocated to resource ${users[0]!.id}.`);
    }
  };

  const firewall: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/azureFirewalls", example: `${EXAMPLES}/AzureFirewallPut.json`, durationMs: 6 * 60_000,
    location: "required", name: networkName(),
    validate: (c) => {
      const configs = list(c.resource.properties.ipConfigurations);
      const sub = configSubnet(c.kernel, c, configs[0]);
      if (!sub) throw new ArmError(400, "AzureFirewallMissingSubnet", `Azure Firewall ${c.id} needs its first ipConfiguration to reference the subnet AzureFirewallSubnet.`);
      if (sub.name !== "AzureFirewallSubnet") {
        throw new ArmError(400, "AzureFirewallSubnetMustBeNamedAzureFirewallSubnet", `Subnet ${sub.id} referenced by Azure Firewall ${c.id} must be named exactly 'AzureFirewallSubnet'.`);
      }
      if (sub.range && sub.range.prefix > 26) {
        throw new ArmError(400, "AzureFirewallSubnetTooSmall", `Subnet AzureFirewallSubnet (${sub.range.text}) is too small: Azure Firewall needs a /26 or larger subnet.`);
      }
      configs.forEach((cfg, i) => {
        if (i > 0 && record(cfg.properties).subnet) throw new ArmError(400, "AzureFirewallIpConfigurationSubnetNotAllowed", `Only the first ipConfiguration of Azure Firewall ${c.id} may reference a subnet.`);
        requireStandardIp(c.kernel, c, record(cfg.properties).publicIPAddress, "Azure Firewall");
      });
      const policy = requireRef(c.kernel, c.resource.properties.firewallPolicy, c.id);
      const tier = record(c.resource.properties.sku).tier;
      const policyTier = record(record(policy?.properties).sku).tier;
      if (policy && tier && policyTier && tier !== policyTier) {
        throw new ArmError(400, "AzureFirewallPolicyTierMismatch", `Firewall policy ${policy.id} of tier ${str(policyTier)} cannot be associated with Azure Firewall of tier ${str(tier)}.`);
      }
    },
    compute: (c) => {
      const configs = list(c.resource.properties.ipConfigurations);
      const sub = configSubnet(c.kernel, c, configs[0]);
      c.resource.properties.sku = { name: "AZFW_VNet", tier: "Standard", ...record(c.resource.properties.sku) };
      c.resource.properties.ipConfigurations = configs.map((cfg, i) => ({
        ...cfg, id: `${c.id}/azureFirewallIpConfigurations/${str(cfg.name)}`, etag: c.resource.etag, type: "Microsoft.Network/azureFirewalls/azureFirewallIpConfigurations",
        // The firewall takes the first assignable address of its subnet (Azure reserves the first four).
        properties: { ...record(cfg.properties), ...(i === 0 && sub?.range ? { privateIPAddress: formatIpv4(sub.range.start + 4) } : {}), provisioningState: "Succeeded" }
      }));
      c.resource.properties.threatIntelMode ??= "Alert";
      // Classic rule collections are child resources with ids (AzureFirewallPut.json).
      for (const field of ["applicationRuleCollections", "natRuleCollections", "networkRuleCollections"]) {
        c.resource.properties[field] = list(c.resource.properties[field]).map((x) => ({ ...x, id: `${c.id}/${field}/${str(x.name)}`, properties: { ...record(x.properties), provisioningState: "Succeeded" } }));
      }
      c.resource.properties.ipGroups ??= [];
      c.resource.properties.additionalProperties ??= {};
    },
    afterWrite: (kernel, r, existing) => syncPolicyFirewalls(kernel, refId(record(r.properties).firewallPolicy), refId(record(existing?.properties).firewallPolicy)),
    afterDelete: (kernel, r) => syncPolicyFirewalls(kernel, refId(record(r.properties).firewallPolicy))
  };

  const policy: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/firewallPolicies", example: `${EXAMPLES}/FirewallPolicyPut.json`, durationMs: 30_000,
    location: "required", name: networkName(),
    compute: (c) => {
      c.resource.properties.sku = { tier: "Standard", ...record(c.resource.properties.sku) };
      c.resource.properties.ruleCollectionGroups = c.kernel.store.list({ prefix: c.id, type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups" }).map((g) => ({ id: g.id }));
      c.resource.properties.firewalls = firewallsUsing(c.kernel, c.id);
      c.resource.properties.size = policySize(c.kernel, c.id, c.resource);
    }
  };

  const rcg: ResourceTypeSpec = {
    ...base, subscriptionList: false, type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups", example: `${EXAMPLES}/FirewallPolicyRuleCollectionGroupPut.json`,
    durationMs: 60_000, location: "none", name: networkName(),
    validate: (c) => {
      const pr = c.resource.properties.priority;
      if (typeof pr !== "number" || pr < 100 || pr > 65000) {
        throw new ArmError(400, "FirewallPolicyRuleCollectionGroupInvalidPriority", `Rule collection group ${c.resource.name} has an invalid priority ${str(pr)}: allowed range 100-65000.`);
      }
    },
    afterWrite: (kernel, r) => {
      const policyId = r.id.split("/").slice(0, -2).join("/");
      const pol = kernel.store.get(policyId);
      if (pol) kernel.store.put(policyId, { ...pol, properties: { ...record(pol.properties), ruleCollectionGroups: kernel.store.list({ prefix: policyId, type: rcg.type }).map((g) => ({ id: g.id })) } });
    }
  };

  const appGw: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/applicationGateways", example: `${EXAMPLES}/ApplicationGatewayCreate.json`, durationMs: 8 * 60_000,
    location: "required", name: networkName(),
    validate: (c) => {
      for (const cfg of list(c.resource.properties.gatewayIPConfigurations)) {
        const sub = requireRef(c.kernel, record(cfg.properties).subnet, c.id);
        if (!sub) continue;
        const others = referencesTo(c.kernel, sub.id).filter((r) => r.type !== "Microsoft.Network/applicationGateways" && !/\/virtualNetworks\/[^/]+(\/subnets\/[^/]+)?$/i.test(r.id) && r.type !== "Microsoft.Authorization/roleAssignments");
        if (others.length > 0) {
          throw new ArmError(400, "ApplicationGatewaySubnetCannotHaveOtherResourceTypes",
            `Subnet ${sub.id} cannot be used for application gateway ${c.id} since it has other resource types (${others[0]!.type}). An application gateway subnet must be dedicated to application gateways.`);
        }
        const rt = c.kernel.store.get(refId(record(sub.properties).routeTable) ?? "");
        const def = list(record(rt?.properties).routes).map((x) => record(x.properties)).find((x) => x.addressPrefix === "0.0.0.0/0");
        if (def && def.nextHopType !== "Internet") {
          throw new ArmError(400, "ApplicationGatewaySubnetUserDefinedRouteNotAllowed", "The default route in the Application Gateway subnet must have a next hop type of 'Internet'.");
        }
      }
      requireRef(c.kernel, c.resource.properties.firewallPolicy, c.id);
      checkKeyVaultCertificates(c);
    },
    compute: (c) => {
      c.resource.properties.operationalState = "Running";
      for (const field of ["gatewayIPConfigurations", "frontendIPConfigurations", "frontendPorts", "backendAddressPools", "backendHttpSettingsCollection", "httpListeners", "requestRoutingRules", "probes", "sslCertificates", "trustedRootCertificates"]) {
        if (Array.isArray(c.resource.properties[field])) withIds(c, field, field);
      }
      c.resource.properties.frontendIPConfigurations = list(c.resource.properties.frontendIPConfigurations)
        .map((x) => ({ ...x, properties: { privateIPAllocationMethod: "Dynamic", ...record(x.properties) } }));
      // The collections Azure always returns, empty unless sent (ApplicationGatewayCreate.json).
      for (const field of ["authenticationCertificates", "loadDistributionPolicies", "listeners", "urlPathMaps", "routingRules", "probes", "redirectConfigurations", "privateEndpointConnections"]) {
        c.resource.properties[field] ??= [];
      }
    }
  };

  const waf: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", example: `${EXAMPLES}/WafPolicyCreateOrUpdate.json`,
    durationMs: 30_000, location: "required", name: networkName(128),
    validate: (c) => {
      if (list(record(c.resource.properties.managedRules).managedRuleSets).length === 0) {
        throw new ArmError(400, "ApplicationGatewayFirewallManagedRuleSetRequired", "A web application firewall policy needs managedRules.managedRuleSets with at least one rule set.");
      }
    },
    compute: (c) => {
      c.resource.properties.policySettings = { state: "Enabled", mode: "Detection", requestBodyCheck: true, maxRequestBodySizeInKb: 128, fileUploadLimitInMb: 100, ...record(c.resource.properties.policySettings) };
      c.resource.properties.resourceState = "Enabled";
    }
  };

  const pe: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/privateEndpoints", example: `${EXAMPLES}/PrivateEndpointCreate.json`, durationMs: 60_000,
    location: "required", name: networkName(64),
    validate: (c) => {
      const sub = requireRef(c.kernel, c.resource.properties.subnet, c.id);
      if (!sub) throw new ArmError(400, "InvalidRequestFormat", "Cannot parse the request: subnet.id is required.");
      if (list(record(sub.properties).delegations).length > 0) {
        throw new ArmError(400, "ResourceNotPermittedOnDelegatedSubnet", `Private endpoint ${c.id} cannot be created in subnet ${sub.id} since it is delegated.`);
      }
      if (referencesTo(c.kernel, sub.id).some((r) => r.type === "Microsoft.Network/applicationGateways")) {
        throw new ArmError(400, "ApplicationGatewaySubnetCannotBeUsedByOtherResources", `Subnet ${sub.id} is used by an application gateway and cannot host private endpoint ${c.id}.`);
      }
      for (const conn of [...list(c.resource.properties.privateLinkServiceConnections), ...list(c.resource.properties.manualPrivateLinkServiceConnections)]) {
        const target = requireRef(c.kernel, { id: record(conn.properties).privateLinkServiceId }, c.id);
        if (target?.type === "Microsoft.ContainerRegistry/registries" && record(target.sku).name !== "Premium") {
          throw new ArmError(400, "PrivateEndpointNotSupportedForSku", `Private endpoints are only supported for registries with the Premium SKU; registry ${target.name} has SKU ${str(record(target.sku).name)}.`);
        }
      }
    },
    compute: (c) => {
      const sub = findSubnet(c.kernel, refId(c.resource.properties.subnet) ?? "");
      const range = parseCidr(subnetPrefixes(sub?.properties ?? {})[0]);
      const taken = c.kernel.store.list({ type: "Microsoft.Network/privateEndpoints" }).filter((r) => refId(record(r.properties).subnet)?.toLowerCase() === sub?.id.toLowerCase() && r.id.toLowerCase() !== c.id.toLowerCase()).length;
      const ip = range ? formatIpv4(range.start + 4 + taken) : "10.0.0.4";
      const nic = `/subscriptions/${c.id.split("/")[2]}/resourceGroups/${c.id.split("/")[4]}/providers/Microsoft.Network/networkInterfaces/${c.resource.name}.nic.${randomUUID()}`;
      c.resource.properties.networkInterfaces = list(record(c.existing?.properties).networkInterfaces).length ? record(c.existing?.properties).networkInterfaces : [{ id: nic }];
      c.resource.properties.manualPrivateLinkServiceConnections ??= [];
      c.resource.properties.applicationSecurityGroups ??= [];
      const conns = list(c.resource.properties.privateLinkServiceConnections).map((x) => ({
        ...x, id: `${c.id}/privateLinkServiceConnections/${str(x.name)}`, type: "Microsoft.Network/privateEndpoints/privateLinkServiceConnections",
        properties: { ...record(x.properties), privateLinkServiceConnectionState: { status: "Approved", description: "Auto-Approved", actionsRequired: "None" }, provisioningState: "Succeeded" }
      }));
      c.resource.properties.privateLinkServiceConnections = conns;
      const targets = conns.map((x) => c.kernel.store.get(str(record(x.properties).privateLinkServiceId)));
      c.resource.properties.customDnsConfigs = targets.filter((t): t is ArmResource => !!t).map((t) => ({ fqdn: fqdnOf(t), ipAddresses: [ip] }));
    }
  };

  const dnsZoneGroup: ResourceTypeSpec = {
    ...base, subscriptionList: false, type: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", example: `${EXAMPLES}/PrivateEndpointDnsZoneGroupCreate.json`,
    durationMs: 20_000, location: "none", name: networkName(),
    validate: (c) => {
      for (const cfg of list(c.resource.properties.privateDnsZoneConfigs)) requireRef(c.kernel, { id: record(cfg.properties).privateDnsZoneId }, c.id);
    },
    compute: (c) => {
      const pep = c.parent!;
      const dns = list(record(pep.properties).customDnsConfigs);
      c.resource.properties.privateDnsZoneConfigs = list(c.resource.properties.privateDnsZoneConfigs).map((cfg) => ({
        ...cfg, properties: { ...record(cfg.properties), recordSets: dns.map((d) => ({ recordType: "A", recordSetName: str(d.fqdn).split(".")[0], fqdn: d.fqdn, ttl: 10, ipAddresses: d.ipAddresses, provisioningState: "Succeeded" })) }
      }));
    }
  };

  const ipGroup: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/ipGroups", example: `${EXAMPLES}/IpGroupsCreate.json`, durationMs: 20_000,
    location: "required", name: networkName(),
    validate: (c) => {
      for (const a of Array.isArray(c.resource.properties.ipAddresses) ? c.resource.properties.ipAddresses : []) {
        if (typeof a !== "string" || (parseIpv4(a) === undefined && !parseCidr(a))) throw new ArmError(400, "InvalidIpGroupIpAddress", `IP group ${c.resource.name} has an invalid IP address or range '${str(a as string)}'.`);
      }
    },
    compute: (c) => {
      c.resource.properties.firewalls = [];
      c.resource.properties.firewallPolicies = [];
    }
  };

  const bastion: ResourceTypeSpec = {
    ...base, type: "Microsoft.Network/bastionHosts", example: `${EXAMPLES}/BastionHostPut.json`, durationMs: 6 * 60_000,
    location: "required", name: networkName(),
    validate: (c) => {
      const cfg = list(c.resource.properties.ipConfigurations)[0];
      const sub = configSubnet(c.kernel, c, cfg);
      if (!sub || sub.name !== "AzureBastionSubnet") {
        throw new ArmError(400, "BastionHostSubnetMustBeNamedAzureBastionSubnet", `Bastion host ${c.id} needs a subnet named exactly 'AzureBastionSubnet'.`);
      }
      if (sub.range && sub.range.prefix > 26) {
        throw new ArmError(400, "BastionHostSubnetTooSmall", `Subnet AzureBastionSubnet (${sub.range.text}) is too small: the subnet size must be /26 or larger.`);
      }
      requireStandardIp(c.kernel, c, record(cfg?.properties).publicIPAddress, "Bastion host");
    },
    compute: (c) => {
      c.resource.sku = { name: "Standard", ...record(c.resource.sku) };
      c.resource.properties.dnsName = record(c.existing?.properties).dnsName ?? `bst-${guidFrom(c.id.toLowerCase())}.bastion.azure.com`;
      c.resource.properties.ipConfigurations = list(c.resource.properties.ipConfigurations).map((x) => ({
        ...x, id: `${c.id}/bastionHostIpConfigurations/${str(x.name)}`, etag: c.resource.etag, type: "Microsoft.Network/bastionHosts/bastionHostIpConfigurations",
        properties: { privateIPAllocationMethod: "Dynamic", ...record(x.properties), provisioningState: "Succeeded" }
      }));
      // The feature switches Bastion reports, off unless set (BastionHostGet.json).
      for (const flag of ["disableCopyPaste", "enableTunneling", "enableIpConnect", "enableShareableLink", "enableKerberos", "enableSessionRecording", "enablePrivateOnlyBastion"]) {
        c.resource.properties[flag] ??= false;
      }
    }
  };

  const zone: ResourceTypeSpec = {
    ...base, apiVersions: ["2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01"], type: "Microsoft.Network/privateDnsZones", example: "specification/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/examples/PrivateZonePut.json",
    durationMs: 60_000, location: "required",
    name: { pattern: /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.){1,33}[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$/, code: "BadRequest", message: (n) => `The domain name '${n}' is invalid. A private DNS zone name needs at least two labels of 1-63 characters.` },
    validate: (c) => {
      if (str(c.resource.location ?? "").toLowerCase() !== "global") throw new ArmError(400, "BadRequest", "The location of a private DNS zone must be 'global'.");
    },
    compute: (c) => {
      const links = c.kernel.store.list({ prefix: c.id, type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks" });
      Object.assign(c.resource.properties, { maxNumberOfRecordSets: 25000, numberOfRecordSets: 1, maxNumberOfVirtualNetworkLinks: 1000, numberOfVirtualNetworkLinks: links.length, maxNumberOfVirtualNetworkLinksWithRegistration: 100, numberOfVirtualNetworkLinksWithRegistration: 0, internalId: guidFrom(c.id) });
    }
  };

  const link: ResourceTypeSpec = {
    ...base, subscriptionList: false, apiVersions: zone.apiVersions, type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    example: "specification/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/examples/VirtualNetworkLinkPut.json",
    durationMs: 30_000, location: "optional", name: networkName(),
    validate: (c) => {
      const vnetRef = requireRef(c.kernel, c.resource.properties.virtualNetwork, c.id);
      if (!vnetRef) throw new ArmError(400, "BadRequest", "virtualNetwork.id is required.");
      const dup = c.kernel.store.list({ prefix: c.parent!.id, type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks" })
        .find((l) => l.id.toLowerCase() !== c.id.toLowerCase() && refId(record(l.properties).virtualNetwork)?.toLowerCase() === vnetRef.id.toLowerCase());
      if (dup) throw new ArmError(409, "Conflict", `A virtual network cannot be linked to the same private DNS zone twice; it is already linked by ${dup.id}.`);
    },
    compute: (c) => {
      c.resource.location = "global";
      c.resource.properties.registrationEnabled ??= false;
      c.resource.properties.virtualNetworkLinkState = "Completed";
    },
    afterWrite: (kernel, r) => {
      const zoneId = r.id.split("/").slice(0, -2).join("/");
      const z = kernel.store.get(zoneId);
      if (z) kernel.store.put(zoneId, { ...z, properties: { ...record(z.properties), numberOfVirtualNetworkLinks: kernel.store.list({ prefix: zoneId, type: r.type }).length } });
    }
  };

  // Private DNS record sets (RecordSetAPut.json at 2024-06-01): synchronous, an etag, the record's
  // `fqdn` (relative name + zone, with the trailing dot) and `isAutoRegistered` false (only a
  // registration-enabled link's VMs are auto-registered). The zone counts them (its SOA included).
  const recordSets: ResourceTypeSpec[] = ["A", "AAAA", "CNAME", "MX", "PTR", "SRV", "TXT"].map((rtype) => ({
    ...base, subscriptionList: false, apiVersions: zone.apiVersions, type: `Microsoft.Network/privateDnsZones/${rtype}`,
    example: `specification/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/examples/RecordSet${rtype}Put.json`,
    lro: false, deleteLro: false, durationMs: 0, location: "none",
    name: { pattern: /^(@|\*|(\*\.)?[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*)$/, code: "BadRequest", message: (n) => `The record set name '${n}' is invalid.` },
    validate: (c) => {
      const ttl = c.resource.properties.ttl;
      if (ttl !== undefined && (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647)) throw new ArmError(400, "BadRequest", "The value of ttl must be an integer between 0 and 2147483647.");
    },
    compute: (c) => {
      const zoneName = c.parent?.name ?? c.id.split("/").slice(-3, -2)[0] ?? "";
      const relative = c.resource.name;
      c.resource.properties.fqdn = `${relative === "@" ? "" : `${relative}.`}${zoneName}.`;
      c.resource.properties.isAutoRegistered = false;
      c.resource.properties.ttl ??= 3600;
      delete c.resource.properties.provisioningState;
    },
    afterWrite: (kernel, r) => countRecordSets(kernel, r.id),
    afterDelete: (kernel, r) => countRecordSets(kernel, r.id)
  }));

  return [vnet, subnet, peering, nsg, routeTable, publicIp, firewall, policy, rcg, appGw, waf, pe, dnsZoneGroup, ipGroup, bastion, zone, link, ...recordSets];
}

/** The FQDN a private endpoint resolves for its target. */
/** A zone's `numberOfRecordSets` after a record set is written or deleted (its SOA counts as one). */
function countRecordSets(kernel: SimKernel, recordSetId: string): void {
  const zoneId = recordSetId.split("/").slice(0, -2).join("/");
  const z = kernel.store.get(zoneId);
  if (!z) return;
  const n = kernel.store.list({ prefix: zoneId }).filter((r) => /^Microsoft\.Network\/privateDnsZones\/(A|AAAA|CNAME|MX|PTR|SRV|TXT)$/i.test(r.type)).length;
  kernel.store.put(zoneId, { ...z, properties: { ...record(z.properties), numberOfRecordSets: 1 + n } });
}

/** Firewalls associated with a firewall policy (its read-only `firewalls` list). */
function firewallsUsing(kernel: SimKernel, policyId: string): Json[] {
  return kernel.store.list({ type: "Microsoft.Network/azureFirewalls" })
    .filter((fw) => refId(record(fw.properties).firewallPolicy)?.toLowerCase() === policyId.toLowerCase())
    .map((fw) => ({ id: fw.id }));
}

/** A policy's `size` as Azure reports it (`0.5MB`): here the JSON size of the policy and its rule collection groups. */
function policySize(kernel: SimKernel, policyId: string, policy: ArmResource): string {
  const groups = kernel.store.list({ prefix: policyId, type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups" });
  const bytes = Buffer.byteLength(JSON.stringify([policy.properties, ...groups.map((g) => g.properties)]));
  return `${Math.max(0.001, bytes / (1024 * 1024)).toFixed(3)}MB`;
}

/** Keeps the `firewalls` list of the policies a firewall names (now or before) in sync. */
function syncPolicyFirewalls(kernel: SimKernel, ...policyIds: (string | undefined)[]): void {
  for (const id of new Set(policyIds.filter((x): x is string => !!x).map((x) => x.toLowerCase()))) {
    const policy = kernel.store.get(id);
    if (policy) kernel.store.put(policy.id, { ...policy, properties: { ...record(policy.properties), firewalls: firewallsUsing(kernel, policy.id) } });
  }
}

function fqdnOf(target: ArmResource): string {
  if (target.type === "Microsoft.ContainerRegistry/registries") return str(record(target.properties).loginServer ?? `${target.name}.azurecr.io`);
  if (target.type === "Microsoft.KeyVault/vaults") return `${target.name}.vault.azure.net`;
  return `${target.name}.privatelink.azure.net`;
}

export function registerNetworkTypes(registry: ArmTypeRegistry): void {
  for (const spec of networkTypes()) registry.register(spec);
}
