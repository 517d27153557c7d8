/**
 * AKS request-body validation, with AKS's codes where they are known (../shared/BASELINE.md §3.3:
 * V34-V45, V55) in its flat envelope; `InvalidParameter` (AKS's general code) where the real
 * code is unknown.
 */
import type { SimKernel } from "../kernel";
import { canonical, containsIp, isNetworkAddress, overlaps, parseCidr, parseIpv4, within, type Cidr } from "../network/cidr";
import { findSubnet, refId, subnetPrefixes, subnetsOf, vnetPrefixes } from "../network/lookup";
import { aksBadRequest } from "./errors";

type Json = Record<string, unknown>;

/** A value as text for messages and comparisons (objects as JSON). */
function text(v: unknown, fallback = ""): string {
  if (v === undefined || v === null) return fallback;
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

function record(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

/** Ranges AKS reserves (V43: docs quoted in Azure/AKS#2234). */
const RESERVED = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"].map((c) => parseCidr(c)!);

/** V34: 1–63 characters, alphanumerics, `-` and `_`, starting and ending alphanumeric. */
export function checkClusterName(name: string): void {
  if (!/^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/.test(name)) {
    throw aksBadRequest("InvalidParameter",
      `The value of parameter resourceName is invalid. Managed cluster name '${name}' must be 1 to 63 characters long, contain only letters, numbers, underscores and hyphens, and start and end with a letter or number.`,
      "resourceName");
  }
}

/** dnsPrefix: 1–54 characters, alphanumerics and hyphens, starting and ending alphanumeric. */
export function checkDnsPrefix(v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== "string" || !/^[a-zA-Z0-9]$|^[a-zA-Z0-9][-a-zA-Z0-9]{0,52}[a-zA-Z0-9]$/.test(v)) {
    throw aksBadRequest("InvalidParameter",
      `The value of parameter dnsPrefix is invalid. DNS prefix '${text(v)}' must be 1 to 54 characters long, contain only letters, numbers and hyphens, and start and end with a letter or number.`, "dnsPrefix");
  }
}

/** V42: a CIDR that does not parse is `CidrStringParseError`; host bits set or a reserved range is InvalidParameter. */
function cidrField(v: unknown, target: string): Cidr | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const c = parseCidr(v);
  if (!c) throw aksBadRequest("CidrStringParseError", `Cidr ${text(v)} is invalid.`, target);
  if (!isNetworkAddress(c)) {
    throw aksBadRequest("InvalidParameter", `The value of parameter ${target} is invalid. ${c.text} is not a network address; did you mean ${canonical(c)}?`, target);
  }
  const reserved = RESERVED.find((r) => overlaps(r, c));
  if (reserved) throw aksBadRequest("InvalidParameter", `The value of parameter ${target} is invalid. ${c.text} overlaps the reserved range ${reserved.text}.`, target);
  return c;
}

export interface NetworkPlan {
  plugin: string;
  overlay: boolean;
  outboundType: string;
  podCidrs: Cidr[];
  serviceCidrs: Cidr[];
}

/** Validates `networkProfile` (V39-V43 syntax, dnsServiceIP inside serviceCidr, pod/service overlap). */
export function checkNetworkProfile(raw: unknown): NetworkPlan {
  const np = record(raw);
  // Unset: kubenet, as AKS answers (see clusterPropertiesFrom).
  const plugin = typeof np.networkPlugin === "string" ? np.networkPlugin : "kubenet";
  const overlay = text(np.networkPluginMode).toLowerCase() === "overlay";
  const serviceCidrs = [cidrField(np.serviceCidr, "networkProfile.serviceCIDR"),
    ...(Array.isArray(np.serviceCidrs) ? np.serviceCidrs.map((c, i) => cidrField(c, `networkProfile.serviceCIDRs[${i}]`)) : [])].filter((c): c is Cidr => !!c);
  const podCidrs = [cidrField(np.podCidr, "networkProfile.podCIDR"),
    ...(Array.isArray(np.podCidrs) ? np.podCidrs.map((c, i) => cidrField(c, `networkProfile.podCIDRs[${i}]`)) : [])].filter((c): c is Cidr => !!c);
  const service = serviceCidrs[0];
  if (service && service.prefix < 12) {
    throw aksBadRequest("InvalidParameter", `The value of parameter networkProfile.serviceCIDR is invalid. The service CIDR ${service.text} must be smaller than /12.`, "networkProfile.serviceCIDR");
  }
  if (np.dnsServiceIP !== undefined && np.dnsServiceIP !== "") {
    const ip = typeof np.dnsServiceIP === "string" ? parseIpv4(np.dnsServiceIP) : undefined;
    if (ip === undefined) throw aksBadRequest("InvalidParameter", `The value of parameter networkProfile.dnsServiceIP is invalid. '${text(np.dnsServiceIP)}' is not an IPv4 address.`, "networkProfile.dnsServiceIP");
    const range = service ?? parseCidr("10.0.0.0/16")!;
    if (!containsIp(range, ip) || ip === range.start || ip === range.start + 1 || ip === range.end) {
      throw aksBadRequest("InvalidParameter",
        `The value of parameter networkProfile.dnsServiceIP is invalid. DNS service IP ${text(np.dnsServiceIP)} must be within the service CIDR ${range.text}, and must not be its network address, its first address or its broadcast address.`,
        "networkProfile.dnsServiceIP");
    }
  } else if (service && np.serviceCidr !== undefined) {
    throw aksBadRequest("InvalidParameter", "The value of parameter networkProfile.dnsServiceIP is invalid. serviceCidr and dnsServiceIP must be set together.", "networkProfile.dnsServiceIP");
  }
  for (const p of podCidrs) {
    const clash = serviceCidrs.find((s) => overlaps(s, p));
    if (clash) throw aksBadRequest("InvalidParameter", `The value of parameter networkProfile.podCIDR is invalid. Pod CIDR ${p.text} overlaps service CIDR ${clash.text}.`, "networkProfile.podCIDR");
  }
  if (podCidrs.length > 0 && plugin === "azure" && !overlay) {
    throw aksBadRequest("InvalidParameter", "The value of parameter networkProfile.podCIDR is invalid. podCidr can only be set with kubenet or Azure CNI Overlay (networkPluginMode overlay).", "networkProfile.podCIDR");
  }
  return { plugin, overlay, outboundType: typeof np.outboundType === "string" ? np.outboundType : "loadBalancer", podCidrs, serviceCidrs };
}

/** The maxPods AKS defaults to: 250 with Azure CNI Overlay, 30 with Azure CNI, 110 with kubenet. */
export function defaultMaxPods(plan: Pick<NetworkPlan, "plugin" | "overlay">): number {
  if (plan.plugin === "kubenet") return 110;
  return plan.overlay ? 250 : 30;
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/** One pool's fields (V35-V38, V55); `path` names it in messages (`agentPoolProfile` / `properties`). */
export function checkPoolFields(kernel: SimKernel, profile: Json, path: string, existing?: Json): void {
  const mode = text(profile.mode ?? existing?.mode, "User");
  for (const field of ["count", "minCount", "maxCount", "maxPods", "osDiskSizeGB"]) {
    const v = profile[field];
    if (v !== undefined && v !== null && !isInt(v)) {
      throw aksBadRequest("InvalidRequestContent", `The request content was invalid and could not be deserialized: cannot unmarshal ${typeof v} into Go struct field ${path}.${field} of type int32.`, `${path}.${field}`);
    }
  }
  const count = isInt(profile.count) ? profile.count : isInt(existing?.count) ? existing.count : 1;
  const auto = profile.enableAutoScaling === true || (profile.enableAutoScaling === undefined && existing?.enableAutoScaling === true);
  const minAllowed = mode === "System" ? 1 : 0;
  const min = auto && isInt(profile.minCount) ? profile.minCount : minAllowed;
  const max = auto && isInt(profile.maxCount) ? profile.maxCount : 1000;
  if (count < Math.max(min, minAllowed) || count > max || count > 1000) {
    throw aksBadRequest("InvalidParameter",
      `The value of parameter ${path}.count is invalid. ${path}.count was ${count}. It must be greater or equal to minCount:${Math.max(min, minAllowed)} and less than or equal to maxCount:${Math.min(max, 1000)}.` +
      (mode === "System" && count === 0 ? " A System mode pool needs at least one node." : ""), `${path}.count`);
  }
  if (auto && (!isInt(profile.minCount) || !isInt(profile.maxCount) || profile.minCount > profile.maxCount)) {
    throw aksBadRequest("InvalidParameter", `The value of parameter ${path}.minCount is invalid. With enableAutoScaling, minCount and maxCount are required and minCount must not exceed maxCount.`, `${path}.minCount`);
  }
  if (profile.maxPods !== undefined && profile.maxPods !== null) {
    const maxPods = profile.maxPods as number;
    if (maxPods < 10 || maxPods > 250) {
      throw aksBadRequest("InvalidParameter", `The value of parameter ${path}.maxPods is invalid. maxPods ${maxPods} must be between 10 and 250.`, `${path}.maxPods`);
    }
  }
  const surge = record(profile.upgradeSettings).maxSurge;
  if (surge !== undefined && surge !== null) {
    const m = typeof surge === "string" ? /^(\d+)(%?)$/.exec(surge.trim()) : undefined;
    const n = m ? Number(m[1]) : NaN;
    if (!m || (m[2] === "%" ? n < 1 || n > 100 : n < 1)) {
      throw aksBadRequest("InvalidParameter",
        `The value of parameter ${path}.upgradeSettings.maxSurge is invalid. maxSurge '${text(surge)}' must be a positive integer or a percentage between 1% and 100%.`, `${path}.upgradeSettings.maxSurge`);
    }
  }
  const drain = record(profile.upgradeSettings).drainTimeoutInMinutes;
  if (drain !== undefined && (!isInt(drain) || drain < 1 || drain > 1440)) {
    throw aksBadRequest("InvalidParameter", `The value of parameter ${path}.upgradeSettings.drainTimeoutInMinutes is invalid. It must be between 1 and 1440.`, `${path}.upgradeSettings.drainTimeoutInMinutes`);
  }
  const soak = record(profile.upgradeSettings).nodeSoakDurationInMinutes;
  if (soak !== undefined && (!isInt(soak) || soak < 0 || soak > 30)) {
    throw aksBadRequest("InvalidParameter", `The value of parameter ${path}.upgradeSettings.nodeSoakDurationInMinutes is invalid. It must be between 0 and 30.`, `${path}.upgradeSettings.nodeSoakDurationInMinutes`);
  }
  // UndrainableNodeBehavior's known values (the REST spec's x-ms-enum): Cordon, Schedule.
  const undrainable = record(profile.upgradeSettings).undrainableNodeBehavior;
  if (undrainable !== undefined && undrainable !== null && !(typeof undrainable === "string" && ["cordon", "schedule"].includes(undrainable.toLowerCase()))) {
    throw aksBadRequest("InvalidParameter", `The value of parameter ${path}.upgradeSettings.undrainableNodeBehavior is invalid. Allowed values are Cordon and Schedule.`, `${path}.upgradeSettings.undrainableNodeBehavior`);
  }
  if (mode === "System" && text(profile.osType ?? existing?.osType, "Linux") !== "Linux") {
    throw aksBadRequest("InvalidParameter", `The value of parameter ${path}.mode is invalid. System mode pools must use osType Linux.`, `${path}.mode`);
  }
  const subnet = profile.vnetSubnetID;
  if (typeof subnet === "string" && subnet && !findSubnet(kernel, subnet)) {
    throw aksBadRequest("InvalidParameter", `The value of parameter ${path}.vnetSubnetID is invalid. Subnet ${subnet} does not exist. Please make sure the subnet exists before creating the cluster.`, `${path}.vnetSubnetID`);
  }
}

/** At create: at least one System pool (AKS: MustDefineAtLeastOneSystemPool). */
export function checkSystemPool(profiles: Json[]): void {
  if (!profiles.some((p) => p.mode === "System")) {
    throw aksBadRequest("MustDefineAtLeastOneSystemPool", "Must define at least one system pool.", "agentPoolProfiles");
  }
}

/**
 * Checks that need the node subnet's VNet (V39, V40) and, for `outboundType:
 * userDefinedRouting`, its route table (V44, V45), at create time.
 */
export function checkAgainstVnet(kernel: SimKernel, plan: NetworkPlan, profiles: Json[], creating: boolean): void {
  for (const profile of profiles) {
    const subnetId = typeof profile.vnetSubnetID === "string" ? profile.vnetSubnetID : undefined;
    if (!subnetId) {
      if (creating && plan.outboundType === "userDefinedRouting") {
        throw aksBadRequest("InvalidParameter", "The value of parameter agentPoolProfile.vnetSubnetID is invalid. outboundType userDefinedRouting requires a custom subnet (vnetSubnetID) with an associated route table.", "agentPoolProfile.vnetSubnetID");
      }
      continue;
    }
    const subnet = findSubnet(kernel, subnetId);
    if (!subnet) continue;
    const vnetRanges = vnetPrefixes(subnet.vnet).map((p) => parseCidr(p)).filter((c): c is Cidr => !!c);
    for (const s of plan.serviceCidrs) {
      for (const entry of subnetsOf(subnet.vnet)) {
        for (const prefix of subnetPrefixes(record(entry.properties))) {
          const c = parseCidr(prefix);
          if (c && overlaps(c, s)) {
            throw aksBadRequest("ServiceCidrOverlapExistingSubnetsCidr", `The specified service CIDR ${s.text} is conflicted with an existing subnet CIDR ${prefix}`, "networkProfile.serviceCIDR");
          }
        }
      }
    }
    if (plan.overlay || plan.plugin === "kubenet") {
      for (const p of plan.podCidrs) {
        const clash = vnetRanges.find((v) => overlaps(v, p) || within(v, p));
        if (clash) throw aksBadRequest("NetworkProfileCIDROverlapVNET", `NetworkProfile CIDR ${p.text} overlaps with reserved VNET CIDR ${clash.text}`, "networkProfile.podCIDR");
      }
    }
    if (creating && plan.outboundType === "userDefinedRouting") {
      const rtId = refId(subnet.properties.routeTable);
      const rt = rtId ? kernel.store.get(rtId) : undefined;
      if (!rt) {
        throw aksBadRequest("ExistingRouteTableNotAssociatedWithSubnet",
          `An existing route table has not been associated with subnet ${subnet.id}. Please update the route table association`, "agentPoolProfile.vnetSubnetID");
      }
      const routes = Array.isArray(record(rt.properties).routes) ? (record(rt.properties).routes as Json[]) : [];
      const def = routes.map((r) => record(r.properties)).find((r) => r.addressPrefix === "0.0.0.0/0");
      const hop = text(def?.nextHopType);
      if (!def || (hop !== "VirtualAppliance" && hop !== "VirtualNetworkGateway")) {
        throw aksBadRequest("RouteTableInvalidNextHop",
          `Default route 0.0.0.0/0 has a next hop of ${hop || "none"} but only next hops of VirtualAppliance or VirtualNetworkGateway are allowed. Please see http://aka.ms/aks/outboundtype`, "agentPoolProfile.vnetSubnetID");
      }
    }
  }
}
