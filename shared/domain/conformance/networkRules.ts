/** Network, egress and API-server rules (BASELINE.md §4 #15–#25, #63). */
import { fail, notApplicable, pass, related, same, verdict } from "./checks";
import type { ConformanceRule } from "./rule";

const NETWORK_POLICIES = ["azure", "calico", "cilium"];

export const networkRules: ConformanceRule[] = [
  {
    id: "network-plugin-cni", number: 15, title: "Azure CNI networking",
    path: "properties.networkProfile.networkPlugin", expected: "azure",
    severity: "high", citation: "ART §Pod-to-pod traffic (L336 \"A CNI-based networking model is recommended\"); W22 §Reliability › AKS configuration recommendations; W25 §Reliability › Recommendations", source: "seed", remediation: "manual",
    check: ({ cluster }) => verdict(same(cluster.networkProfile?.networkPlugin, "azure"), cluster.networkProfile?.networkPlugin)
  },
  {
    id: "network-plugin-overlay", number: 16, title: "Azure CNI Overlay (pod addresses outside the VNet)",
    path: "properties.networkProfile.networkPluginMode", expected: "overlay",
    severity: "medium", citation: "ART §Pod-to-pod traffic (L336 \"Azure CNI Overlay be used for IP address constrained deployments\"); network-team/topology.md \"Pod address space\"", source: "seed", remediation: "manual",
    check: ({ cluster }) => verdict(same(cluster.networkProfile?.networkPluginMode, "overlay"), cluster.networkProfile?.networkPluginMode)
  },
  {
    id: "network-policy", number: 17, title: "Network policy engine",
    path: "properties.networkProfile.networkPolicy", expected: "azure, calico or cilium (baseline azure)",
    severity: "high", citation: "ART §Pod-to-pod traffic (L329-333 \"Azure Network Policy is recommended\"); W22 §Security › Recommendations; W25 §Security › Recommendations", source: "seed", remediation: "manual",
    check: ({ cluster }) => verdict(NETWORK_POLICIES.some((p) => same(cluster.networkProfile?.networkPolicy, p)), cluster.networkProfile?.networkPolicy)
  },
  {
    id: "egress-udr", number: 18, title: "Egress through user-defined routing (the hub firewall)",
    path: "properties.networkProfile.outboundType", expected: "userDefinedRouting",
    severity: "high", citation: "ART §Egress traffic flow (L312-316); W25 §Security › Recommendations (\"Control cluster egress\")", source: "seed", remediation: "manual",
    check: ({ cluster }) => verdict(same(cluster.networkProfile?.outboundType, "userDefinedRouting"), cluster.networkProfile?.outboundType)
  },
  {
    id: "egress-default-route", number: 19, title: "Node subnets route 0.0.0.0/0 to a virtual appliance",
    path: "pool[*].vnetSubnetID → subnet.routeTable → routes[addressPrefix 0.0.0.0/0]", expected: "nextHopType VirtualAppliance with a nextHopIpAddress (the hub firewall's private IP)",
    severity: "high", citation: "ART §Egress traffic flow (L312 \"next hop … private IP address of the Azure Firewall\")", source: "seed", remediation: "approval",
    check: (o) => {
      if (!same(o.cluster.networkProfile?.outboundType, "userDefinedRouting")) return notApplicable(`outboundType is ${o.cluster.networkProfile?.outboundType ?? "loadBalancer"}: egress does not follow the subnet's route table`);
      const read = related(o, "nodeSubnets");
      if ("missing" in read) return read.missing;
      if (read.value.length === 0) return notApplicable("no pool names a subnet (AKS-managed VNet)");
      const observed: Record<string, unknown> = {};
      const failing: string[] = [];
      for (const s of read.value) {
        const route = s.routeTable?.routes?.find((r) => r.addressPrefix === "0.0.0.0/0");
        const ok = !!s.subnet && !!route && same(route.nextHopType, "VirtualAppliance") && !!route.nextHopIpAddress;
        observed[s.id] = !s.subnet ? "subnet not found" : !s.subnet.routeTable?.id ? "no route table" : route ? { nextHopType: route.nextHopType, nextHopIpAddress: route.nextHopIpAddress } : "no 0.0.0.0/0 route";
        if (!ok) failing.push(s.subnet?.name ?? s.id);
      }
      return failing.length === 0 ? pass(observed) : fail(observed, `failing: ${failing.join(", ")}`);
    }
  },
  {
    id: "api-server-restricted", number: 21, title: "API server not open to the internet",
    path: "properties.apiServerAccessProfile.enablePrivateCluster; …authorizedIPRanges", expected: "private cluster, or authorized IP ranges set",
    severity: "high", citation: "ART §Management traffic (L342-346); W25 §Security › Design checklist & Recommendations; W22 §Security › Policy definitions", source: "seed", remediation: "manual",
    check: ({ cluster }) => {
      const a = cluster.apiServerAccessProfile;
      return verdict(a?.enablePrivateCluster === true || (a?.authorizedIPRanges?.length ?? 0) > 0, { enablePrivateCluster: a?.enablePrivateCluster, authorizedIPRanges: a?.authorizedIPRanges });
    }
  },
  {
    id: "api-vnet-integration", number: 23, title: "API Server VNet Integration on a delegated subnet",
    path: "properties.apiServerAccessProfile.enableVnetIntegration; …subnetId", expected: "true, subnet delegated to Microsoft.ContainerService/managedClusters",
    severity: "medium", citation: "baseline cluster-stamp.bicep:896-898, spoke-BU0001A0008.bicep:393-414", source: "aks-baseline", remediation: "approval",
    check: (o) => {
      const a = o.cluster.apiServerAccessProfile;
      const observed = { enableVnetIntegration: a?.enableVnetIntegration, subnetId: a?.subnetId };
      if (a?.enableVnetIntegration !== true || !a.subnetId) return fail(observed);
      if (!o.apiServerSubnet) return pass(observed, `subnet delegation not checked${o.unread?.apiServerSubnet ? `: ${o.unread.apiServerSubnet}` : ""}`);
      const delegated = (o.apiServerSubnet.delegations ?? []).some((d) => same(d.serviceName, "Microsoft.ContainerService/managedClusters"));
      return verdict(delegated, { ...observed, delegations: (o.apiServerSubnet.delegations ?? []).map((d) => d.serviceName) });
    }
  },
  {
    id: "run-command-disabled", number: 24, title: "Run command (command invoke) disabled",
    path: "properties.apiServerAccessProfile.disableRunCommand", expected: "true",
    severity: "medium", citation: "W25 §Azure policies (\"Prevent command invoke\"); cluster-stamp.bicep:899", source: "seed", remediation: "automatic",
    check: ({ cluster }) => verdict(cluster.apiServerAccessProfile?.disableRunCommand === true, cluster.apiServerAccessProfile?.disableRunCommand)
  },
  {
    id: "private-dns-zone-byo", number: 25, title: "Private cluster uses its own privatelink DNS zone",
    path: "properties.apiServerAccessProfile.privateDNSZone", expected: "resource id of privatelink.{location}.azmk8s.io",
    severity: "low", citation: "baseline cluster-stamp.bicep:672-700,897", source: "aks-baseline", remediation: "manual",
    check: ({ cluster }) => {
      const a = cluster.apiServerAccessProfile;
      if (a?.enablePrivateCluster !== true) return notApplicable("the API server is not private", a?.enablePrivateCluster);
      const zone = a.privateDNSZone ?? "";
      const name = /\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i.exec(zone)?.[1] ?? "";
      const location = (cluster.location ?? "").toLowerCase().replace(/\s+/g, "");
      return verdict(name.toLowerCase().endsWith(`privatelink.${location}.azmk8s.io`), zone || null);
    }
  },
  {
    id: "subnet-nsgs", number: 63, title: "Node subnets have a network security group",
    path: "pool[*].vnetSubnetID → subnet.networkSecurityGroup", expected: "set",
    severity: "medium", citation: "ART §Network topology (L80 \"apply granular security rules at the subnet level using network security groups\"); docs/deploy/04-networking.md:28", source: "seed", remediation: "automatic",
    check: (o) => {
      const read = related(o, "nodeSubnets");
      if ("missing" in read) return read.missing;
      if (read.value.length === 0) return notApplicable("no pool names a subnet (AKS-managed VNet)");
      const observed = Object.fromEntries(read.value.map((s) => [s.id, s.subnet ? s.subnet.networkSecurityGroup?.id ?? null : "subnet not found"]));
      const failing = read.value.filter((s) => !s.subnet?.networkSecurityGroup?.id).map((s) => s.subnet?.name ?? s.id);
      return failing.length === 0 ? pass(observed) : fail(observed, `no NSG: ${failing.join(", ")}`);
    }
  }
];
