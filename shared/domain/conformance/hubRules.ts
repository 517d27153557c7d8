/** The hub: firewall rules and address, zones, peering, Bastion (BASELINE.md §4 #20, #22, #61, #62, #71). */
import { fail, notApplicable, pass, related, same, verdict } from "./checks";
import { covers, lastSegment, rangeCovered, spokeOf, vnetOf } from "./dependencyChecks";
import type { ObservedFirewall } from "./dependencies";
import type { ObservedCluster } from "./observed";
import type { ConformanceRule, RuleCheck } from "./rule";

const ZONES = ["1", "2", "3"];
const zonal = (zones: string[] | undefined) => ZONES.every((z) => (zones ?? []).includes(z));

/** The hub firewall(s) behind the node subnets' default route, or the verdict when there is none to judge. */
function hubFirewalls(o: ObservedCluster): { value: ObservedFirewall[] } | { missing: RuleCheck } {
  const read = related(o, "firewalls");
  if ("missing" in read) return read;
  if (read.value.length === 0) return { missing: fail(null, "no Azure Firewall holds the node subnets' default-route next hop") };
  return read;
}

/** The hub VNet: the firewall's, else the one the spoke peers with. */
export function hubOf(o: ObservedCluster): string {
  const fw = o.firewalls?.[0]?.properties?.ipConfigurations?.[0]?.properties?.subnet?.id;
  return vnetOf(fw) || o.peerings?.hubId || "";
}

export const hubRules: ConformanceRule[] = [
  {
    id: "egress-firewall-aks-rules", number: 20, title: "The hub firewall allows AKS's required egress for the node subnets",
    path: "firewall.properties.firewallPolicy → ruleCollectionGroups[*].ruleCollections[*].rules[ApplicationRule].fqdnTags, sourceIpGroups/sourceAddresses",
    expected: "an allowed application rule with fqdnTags ⊇ [AzureKubernetesService] whose source covers every node subnet",
    severity: "medium", citation: "ART §Egress traffic flow (L316 \"review the required egress network rules for AKS\"); hub-regionA.bicep:672-694", source: "seed", remediation: "automatic",
    check: (o) => {
      const fws = hubFirewalls(o);
      if ("missing" in fws) return fws.missing;
      const rules = related(o, "firewallRules");
      if ("missing" in rules) return rules.missing;
      const prefixes = (o.nodeSubnets ?? []).flatMap((s) => s.subnet?.addressPrefixes ?? (s.subnet?.addressPrefix ? [s.subnet.addressPrefix] : []));
      const observed: Record<string, unknown> = {};
      let ok = true;
      for (const fw of fws.value) {
        const groups = rules.value.ruleCollectionGroups[(fw.id ?? "").toLowerCase()] ?? [];
        const matching = groups.flatMap((g) => (g.properties?.ruleCollections ?? []).filter((c) => same(c.action?.type, "Allow"))
          .flatMap((c) => (c.rules ?? []).filter((r) => same(r.ruleType, "ApplicationRule") && (r.fqdnTags ?? []).some((t) => same(t, "AzureKubernetesService")))
            .map((r) => ({ group: g.name, collection: c.name, rule: r.name, sources: [...(r.sourceAddresses ?? []), ...(r.sourceIpGroups ?? []).flatMap((id) => rules.value.ipGroups[id.toLowerCase()] ?? [])] }))));
        const covering = matching.filter((m) => prefixes.length > 0 && prefixes.every((p) => rangeCovered(p, m.sources)));
        observed[fw.name ?? "?"] = matching.map((m) => ({ rule: `${m.group ?? "?"}/${m.collection ?? "?"}/${m.rule ?? "?"}`, sources: m.sources }));
        if (covering.length === 0) ok = false;
      }
      return verdict(ok, observed, ok ? undefined : `no allowed AzureKubernetesService rule covers the node subnets ${prefixes.join(", ") || "(prefix not read)"}`);
    }
  },
  {
    id: "authorized-ranges-include-egress", number: 22, title: "Authorized IP ranges include the firewall's egress address",
    path: "properties.apiServerAccessProfile.authorizedIPRanges ∋ firewall public IPs", expected: "every firewall public IP, as /32 (or inside a listed range)",
    severity: "medium", citation: "W25 §Security › Recommendations (\"Include … node pools' egress point, such as Azure Firewall\"); docs/deploy/06-aks-cluster.md:21; cluster-stamp.bicep:25", source: "seed", remediation: "automatic",
    check: (o) => {
      const a = o.cluster.apiServerAccessProfile;
      const ranges = a?.authorizedIPRanges ?? [];
      if (a?.enablePrivateCluster === true) return notApplicable("the API server is private: authorized IP ranges do not apply");
      if (ranges.length === 0) return notApplicable("no authorized IP ranges (#21 judges an open API server)", ranges);
      const fws = hubFirewalls(o);
      if ("missing" in fws) return fws.missing;
      const pips = related(o, "firewallPublicIps");
      if ("missing" in pips) return pips.missing;
      const addresses = fws.value.flatMap((fw) => (fw.properties?.ipConfigurations ?? []).map((c) => c.properties?.publicIPAddress?.id)).filter((id): id is string => !!id)
        .map((id) => ({ id, address: pips.value[id.toLowerCase()] }));
      if (addresses.length === 0) return fail({ authorizedIPRanges: ranges }, "the firewall has no public IP");
      const missing = addresses.filter((x) => !x.address || !rangeCovered(`${x.address}/32`, ranges));
      return verdict(missing.length === 0, { authorizedIPRanges: ranges, firewallAddresses: addresses.map((x) => x.address ?? null) },
        missing.length > 0 ? `not authorized: ${missing.map((x) => x.address ?? `${lastSegment(x.id)} (no address)`).join(", ")}` : undefined);
    }
  },
  {
    id: "appgw-firewall-zonal", number: 61, title: "App Gateway and firewall span three zones",
    path: "applicationGateways[*].zones; azureFirewalls[*].zones", expected: "[\"1\",\"2\",\"3\"]",
    severity: "medium", citation: "ART §Availability zones (L480)", source: "seed", remediation: "manual",
    // BASELINE.md §5 "Availability zones": optional in dev, 1,2,3 in staging and prod (as #37 zones-123).
    environments: ["staging", "prod"], otherEnvironments: "zones are optional in dev (BASELINE.md §5)",
    check: (o) => {
      const fws = hubFirewalls(o);
      if ("missing" in fws) return fws.missing;
      const gws = related(o, "appGateways");
      if ("missing" in gws) return gws.missing;
      const all = [...fws.value.map((r) => ({ kind: "firewall", r })), ...gws.value.map((r) => ({ kind: "appGateway", r }))];
      const observed = Object.fromEntries(all.map(({ kind, r }) => [`${kind}:${r.name ?? "?"}`, r.zones ?? []]));
      const failing = all.filter(({ r }) => !zonal(r.zones)).map(({ r }) => r.name ?? "?");
      return verdict(failing.length === 0, observed, failing.length > 0 ? `not in zones 1, 2, 3: ${failing.join(", ")}` : undefined);
    }
  },
  {
    id: "hub-spoke-peered", number: 62, title: "Spoke and hub peered both ways",
    path: "spoke.virtualNetworkPeerings[→hub], hub.virtualNetworkPeerings[→spoke]: peeringState, allowVirtualNetworkAccess", expected: "both Connected, allowVirtualNetworkAccess true",
    severity: "high", citation: "ART §Network topology (L22-34)", source: "seed", remediation: "automatic",
    check: (o) => {
      if (!spokeOf(o)) return notApplicable("no pool names a subnet (AKS-managed VNet, no spoke)");
      const read = related(o, "peerings");
      if ("missing" in read) return read.missing;
      const p = read.value;
      const hubId = hubOf(o);
      if (!hubId) return fail({ spoke: p.spokeId, peerings: p.spoke.map((x) => x.properties?.remoteVirtualNetwork?.id ?? null) }, "the spoke is peered with no hub");
      const out = p.spoke.find((x) => same(x.properties?.remoteVirtualNetwork?.id, hubId));
      const back = (p.hub ?? []).find((x) => same(x.properties?.remoteVirtualNetwork?.id, p.spokeId));
      const good = (x: typeof out) => !!x && same(x.properties?.peeringState, "Connected") && x.properties?.allowVirtualNetworkAccess === true;
      const observed = {
        spokeToHub: out ? { peeringState: out.properties?.peeringState, allowVirtualNetworkAccess: out.properties?.allowVirtualNetworkAccess } : null,
        hubToSpoke: back ? { peeringState: back.properties?.peeringState, allowVirtualNetworkAccess: back.properties?.allowVirtualNetworkAccess } : null
      };
      return verdict(good(out) && good(back), observed, `hub ${lastSegment(hubId)}${p.hub ? "" : " (not found)"}`);
    }
  },
  {
    id: "bastion-for-ops", number: 71, title: "Azure Bastion in the hub for operator access",
    path: "Microsoft.Network/bastionHosts in the hub's resource group: ipConfigurations[*].subnet", expected: "a Bastion host on the hub's AzureBastionSubnet",
    severity: "low", citation: "W22 §Security › Recommendations (\"Securely connect to Kubernetes nodes through a bastion host\"); ART §Subnet to host Azure Bastion (L61-63)", source: "seed", remediation: "approval",
    check: (o) => {
      const hubId = hubOf(o);
      if (!hubId) return notApplicable(`no hub found (${o.unread?.firewalls ?? o.unread?.peerings ?? "no firewall or peering names one"})`);
      const read = related(o, "bastionHosts");
      if ("missing" in read) return read.missing;
      const subnet = `${hubId}/subnets/AzureBastionSubnet`;
      const host = read.value.find((b) => (b.properties?.ipConfigurations ?? []).some((c) => covers(c.properties?.subnet?.id, subnet)));
      return host ? pass(host.name ?? null) : fail(read.value.map((b) => b.name ?? "?"), `no Bastion host on ${lastSegment(hubId)}/AzureBastionSubnet`);
    }
  }
];
