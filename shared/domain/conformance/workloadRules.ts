/**
 * The workload's dependencies: resource logs, registry, identities' roles, Key Vault, App Gateway
 * (BASELINE.md §4 #50, #52-#60). The registry, vault and gateway are those of the cluster's
 * resource group (§4 conventions: "by type in the cluster's RG"); none there fails the rule.
 */
import { fail, notApplicable, related, same, verdict } from "./checks";
import { assignmentsOf, lastSegment, privateEndpointTo, ROLE, spokeOf } from "./dependencyChecks";
import type { ObservedAppGateway, ObservedRegistry, ObservedVault } from "./dependencies";
import type { ObservedCluster } from "./observed";
import type { ConformanceRule, RuleCheck } from "./rule";

type Found<T> = { value: T[] } | { missing: RuleCheck };

function found<K extends "registries" | "vaults" | "appGateways">(o: ObservedCluster, key: K, what: string): Found<NonNullable<ObservedCluster[K]>[number]> {
  const read = related(o, key);
  if ("missing" in read) return read;
  if (read.value.length === 0) return { missing: fail([], `no ${what} in the cluster's resource group`) };
  return { value: read.value };
}

/** Judges each item: observed per name, failing names in the detail. */
function each<T extends { name?: string }>(items: readonly T[], judge: (x: T) => { ok: boolean; observed: unknown; why?: string }): RuleCheck {
  const observed: Record<string, unknown> = {};
  const failing: string[] = [];
  for (const x of items) {
    const r = judge(x);
    observed[x.name ?? "?"] = r.observed;
    if (!r.ok) failing.push(`${x.name ?? "?"}${r.why ? ` (${r.why})` : ""}`);
  }
  return verdict(failing.length === 0, observed, failing.length > 0 ? `failing: ${failing.join("; ")}` : undefined);
}

const OWASP_MIN = [3, 2];

function owaspAtLeast(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? "").split(".").map(Number);
  return major > OWASP_MIN[0]! || (major === OWASP_MIN[0] && minor >= OWASP_MIN[1]!);
}

/** TLS 1.2 minimum: a custom policy's minProtocolVersion, or a predefined policy from 2022-01-01 on (or the 2017 "S" one, TLS 1.2 only). */
function tls12(gw: ObservedAppGateway): boolean {
  const p = gw.properties?.sslPolicy;
  if (!p) return false;
  if (same(p.policyType, "Predefined")) {
    const m = /^AppGwSslPolicy(\d{8})(S?)$/i.exec(p.policyName ?? "");
    return !!m && (Number(m[1]) >= 20220101 || (m[1] === "20170401" && m[2] !== ""));
  }
  return same(p.minProtocolVersion, "TLSv1_2") || same(p.minProtocolVersion, "TLSv1_3");
}

export const workloadRules: ConformanceRule[] = [
  {
    id: "diag-dependencies", number: 50, title: "Resource logs of the cluster's dependencies",
    path: "Microsoft.Insights/diagnosticSettings on the firewall, App Gateway, Key Vault, registry, node-subnet NSGs and their public IPs",
    expected: "each has a setting sending at least one enabled log category (or group) to a workspace",
    severity: "medium", citation: "ART §Cost management (L699); baseline hub-default.bicep:525-659, cluster-stamp.bicep:544-562,1413-1433, acr-stamp.bicep:212-243", source: "seed", remediation: "automatic",
    check: (o) => {
      const read = related(o, "dependencyDiagnostics");
      if ("missing" in read) return read.missing;
      if (read.value.length === 0) return notApplicable("no dependency found to judge (no firewall, gateway, vault, registry, NSG or public IP)", {});
      const unread = read.value.filter((d) => d.unread);
      if (unread.length > 0) return notApplicable(`diagnostic settings not read: ${unread.map((d) => `${lastSegment(d.id)}: ${d.unread}`).join("; ")}`);
      const observed = Object.fromEntries(read.value.map((d) => [`${d.kind}:${lastSegment(d.id)}`,
        (d.settings ?? []).flatMap((s) => (s.logs ?? []).filter((l) => l.enabled).map((l) => l.category ?? `group:${l.categoryGroup ?? "?"}`))]));
      const failing = read.value.filter((d) => !(d.settings ?? []).some((s) => !!s.workspaceId && (s.logs ?? []).some((l) => l.enabled)));
      return verdict(failing.length === 0, observed, failing.length > 0 ? `no logs to a workspace: ${failing.map((d) => `${d.kind} ${lastSegment(d.id)}`).join(", ")}` : undefined);
    }
  },
  {
    id: "acr-premium-private", number: 52, title: "Registry Premium and reachable only through Private Link",
    path: "registries[*].sku.name, .properties.publicNetworkAccess, .privateEndpointConnections → privateEndpoint (groupIds, subnet)",
    expected: "Premium, publicNetworkAccess Disabled, a private endpoint for group registry in the spoke",
    severity: "high", citation: "ART §Network topology (L80); ART §Egress traffic flow (L321 \"The recommended approach is by using Azure Private Link\"); ART §Container image reference", source: "seed", remediation: "approval",
    check: (o) => {
      const regs = found(o, "registries", "container registry");
      if ("missing" in regs) return regs.missing;
      return each<ObservedRegistry>(regs.value, (r) => {
        const pe = privateEndpointTo(r.privateEndpoints, r.id ?? "", "registry", spokeOf(o));
        const premium = same(r.sku?.name, "Premium");
        const closed = same(r.properties?.publicNetworkAccess, "Disabled");
        return { ok: premium && closed && pe.ok, observed: { sku: r.sku?.name ?? null, publicNetworkAccess: r.properties?.publicNetworkAccess ?? null, privateEndpoints: pe.observed },
          why: [!premium && "not Premium", !closed && "public network access", !pe.ok && "no private endpoint in the spoke"].filter(Boolean).join(", ") };
      });
    }
  },
  {
    id: "acr-geo-replication", number: 53, title: "Registry geo-replicated to another region",
    path: "registries[*]/replications[*].location", expected: "at least one replica in a region other than the cluster's",
    severity: "medium", citation: "ART §Availability zones (L480), §Multiple regions (L488), §Disaster recovery (L507); W22 §Reliability › Design checklist", source: "seed", remediation: "approval",
    environments: ["prod"], otherEnvironments: "geo-replication is for production (BASELINE.md §5: none in dev and staging)",
    check: (o) => {
      const regs = found(o, "registries", "container registry");
      if ("missing" in regs) return regs.missing;
      const home = (o.cluster.location ?? "").toLowerCase().replace(/\s+/g, "");
      return each<ObservedRegistry>(regs.value, (r) => {
        const others = (r.replicaLocations ?? []).filter((l) => l.toLowerCase().replace(/\s+/g, "") !== home);
        return { ok: others.length > 0, observed: r.replicaLocations ?? [], why: "no replica outside the cluster's region" };
      });
    }
  },
  {
    id: "acr-no-admin", number: 54, title: "Registry admin user and anonymous pull off",
    path: "registries[*].properties.adminUserEnabled, .anonymousPullEnabled", expected: "false, false",
    severity: "high", citation: "W22 §Reliability › AKS configuration recommendations (\"Authenticate with Azure AD to Azure Container Registry\"); W25 §Security › Recommendations; acr-stamp.bicep:178", source: "seed", remediation: "approval",
    check: (o) => {
      const regs = found(o, "registries", "container registry");
      if ("missing" in regs) return regs.missing;
      return each<ObservedRegistry>(regs.value, (r) => ({
        ok: r.properties?.adminUserEnabled !== true && r.properties?.anonymousPullEnabled !== true,
        observed: { adminUserEnabled: r.properties?.adminUserEnabled ?? null, anonymousPullEnabled: r.properties?.anonymousPullEnabled ?? null }
      }));
    }
  },
  {
    id: "kubelet-acrpull", number: 55, title: "Kubelet identity pulls from the registry with AcrPull",
    path: "roleAssignments at the registry (or above): roleDefinitionId, principalId", expected: `role ${ROLE.acrPull} (AcrPull) for identityProfile.kubeletidentity.objectId`,
    severity: "high", citation: "ART §AKS access to Azure (L181, L185 \"AcrPull\"); W25 §Security › Recommendations (\"Use Microsoft Entra ID to authenticate with Azure Container Registry\")", source: "seed", remediation: "automatic",
    check: (o) => {
      const regs = found(o, "registries", "container registry");
      if ("missing" in regs) return regs.missing;
      const ras = related(o, "roleAssignments");
      if ("missing" in ras) return ras.missing;
      const kubelet = o.cluster.identityProfile?.kubeletidentity?.objectId;
      if (!kubelet) return fail(null, "the cluster reports no kubelet identity (identityProfile.kubeletidentity.objectId)");
      return each<ObservedRegistry>(regs.value, (r) => {
        const hits = assignmentsOf(ras.value, ROLE.acrPull, kubelet, r.id ?? "");
        return { ok: hits.length > 0, observed: hits.map((h) => h.properties?.scope ?? null), why: `no AcrPull for kubelet ${kubelet}` };
      });
    }
  },
  {
    id: "cp-identity-network-contributor", number: 56, title: "Control-plane identity is Network Contributor on its subnets",
    path: "roleAssignments of the control-plane principal: scope ⊇ node subnets, API-server subnet", expected: `role ${ROLE.networkContributor} (Network Contributor) at each subnet or a parent scope`,
    severity: "high", citation: "ART §AKS access to Azure (L183)", source: "seed", remediation: "automatic",
    check: (o) => {
      const subnets = [...new Set([...(o.cluster.agentPoolProfiles ?? []).map((p) => p.vnetSubnetID), o.cluster.apiServerAccessProfile?.enableVnetIntegration ? o.cluster.apiServerAccessProfile.subnetId : undefined]
        .filter((id): id is string => !!id).map((id) => id))];
      if (subnets.length === 0) return notApplicable("no pool or API server names a subnet (AKS-managed VNet)");
      const principal = related(o, "controlPlanePrincipalId");
      if ("missing" in principal) return principal.missing;
      const ras = related(o, "roleAssignments");
      if ("missing" in ras) return ras.missing;
      const observed = Object.fromEntries(subnets.map((s) => [lastSegment(s), assignmentsOf(ras.value, ROLE.networkContributor, principal.value, s).map((h) => h.properties?.scope ?? null)]));
      const failing = subnets.filter((s) => assignmentsOf(ras.value, ROLE.networkContributor, principal.value, s).length === 0);
      return verdict(failing.length === 0, observed, failing.length > 0 ? `no Network Contributor for ${principal.value} on ${failing.map(lastSegment).join(", ")}` : undefined);
    }
  },
  {
    id: "kv-rbac-private", number: 57, title: "Key Vault on Azure RBAC, closed to the internet, behind Private Link",
    path: "vaults[*].properties.enableRbacAuthorization, .networkAcls (defaultAction, ipRules), .publicNetworkAccess, private endpoint (groupIds vault, subnet)",
    expected: "RBAC, defaultAction Deny (or public access Disabled), no IP rules, a private endpoint for group vault in the spoke",
    severity: "high", citation: "ART §Add secret management (L350-354)", source: "seed", remediation: "approval",
    check: (o) => {
      const kvs = found(o, "vaults", "Key Vault");
      if ("missing" in kvs) return kvs.missing;
      return each<ObservedVault>(kvs.value, (v) => {
        const p = v.properties ?? {};
        const pe = privateEndpointTo(v.privateEndpoints, v.id ?? "", "vault", spokeOf(o));
        const rbac = p.enableRbacAuthorization === true;
        const closed = same(p.networkAcls?.defaultAction, "Deny") || same(p.publicNetworkAccess, "Disabled");
        const noIps = (p.networkAcls?.ipRules ?? []).length === 0;
        return { ok: rbac && closed && noIps && pe.ok,
          observed: { enableRbacAuthorization: p.enableRbacAuthorization ?? null, defaultAction: p.networkAcls?.defaultAction ?? null, publicNetworkAccess: p.publicNetworkAccess ?? null, ipRules: (p.networkAcls?.ipRules ?? []).map((r) => r.value ?? null), privateEndpoints: pe.observed },
          why: [!rbac && "access policies", !closed && "open network", !noIps && "IP rules", !pe.ok && "no private endpoint in the spoke"].filter(Boolean).join(", ") };
      });
    }
  },
  {
    id: "kv-secrets-user", number: 58, title: "Key Vault Secrets User for the gateway and the workload",
    path: "roleAssignments at the vault (or above): roleDefinitionId, principalId", expected: `role ${ROLE.keyVaultSecretsUser} for every App Gateway identity and at least one workload identity`,
    severity: "medium", citation: "ART §Add secret management (L354)", source: "seed", remediation: "automatic",
    check: (o) => {
      const kvs = found(o, "vaults", "Key Vault");
      if ("missing" in kvs) return kvs.missing;
      const ras = related(o, "roleAssignments");
      if ("missing" in ras) return ras.missing;
      const gateways = o.appGateways ?? [];
      const gwPrincipals = gateways.flatMap((g) => g.principalIds ?? []);
      if (o.appGateways === undefined) return notApplicable(`appGateways not read${o.unread?.appGateways ? `: ${o.unread.appGateways}` : ""}`);
      return each<ObservedVault>(kvs.value, (v) => {
        const holders = ras.value.filter((ra) => same(lastSegment(ra.properties?.roleDefinitionId), ROLE.keyVaultSecretsUser)
          && assignmentsOf([ra], ROLE.keyVaultSecretsUser, ra.properties?.principalId, v.id ?? "").length > 0).map((ra) => (ra.properties?.principalId ?? "").toLowerCase());
        const missingGw = gwPrincipals.filter((p) => !holders.includes(p.toLowerCase()));
        const workload = holders.filter((h) => !gwPrincipals.some((p) => same(p, h)));
        return { ok: missingGw.length === 0 && workload.length > 0, observed: { secretsUsers: [...new Set(holders)], appGatewayPrincipals: gwPrincipals },
          why: [missingGw.length > 0 && `gateway identity ${missingGw.join(", ")} lacks it`, workload.length === 0 && "no workload identity holds it"].filter(Boolean).join(", ") };
      });
    }
  },
  {
    id: "waf-prevention", number: 59, title: "App Gateway WAF_v2 with an enabled WAF policy in Prevention mode on OWASP ≥ 3.2",
    path: "applicationGateways[*].properties.sku.tier, .firewallPolicy → policySettings.state, .mode, managedRules.managedRuleSets", expected: "WAF_v2; Enabled, Prevention, OWASP ≥ 3.2",
    severity: "high", citation: "ART §Network topology (L30 \"All web applications should require a WAF\", L68-70); ART §Ingress traffic flow (L302); W22 §Security › Design checklist/Recommendations; W25 §Security › Design checklist", source: "seed", remediation: "automatic",
    check: (o) => {
      const gws = found(o, "appGateways", "application gateway");
      if ("missing" in gws) return gws.missing;
      return each<ObservedAppGateway>(gws.value, (g) => {
        const w = g.wafPolicy?.properties;
        const owasp = (w?.managedRules?.managedRuleSets ?? []).filter((s) => same(s.ruleSetType, "OWASP")).map((s) => s.ruleSetVersion ?? "");
        const tier = same(g.properties?.sku?.tier ?? g.sku?.tier, "WAF_v2");
        const ok = tier && same(w?.policySettings?.state, "Enabled") && same(w?.policySettings?.mode, "Prevention") && owasp.some(owaspAtLeast);
        return { ok, observed: { tier: g.properties?.sku?.tier ?? null, wafPolicy: g.wafPolicy?.name ?? null, state: w?.policySettings?.state ?? null, mode: w?.policySettings?.mode ?? null, owasp },
          why: !tier ? "not WAF_v2" : !g.wafPolicy ? "no WAF policy" : "WAF policy not enabled in Prevention on OWASP ≥ 3.2" };
      });
    }
  },
  {
    id: "appgw-tls", number: 60, title: "App Gateway TLS 1.2 minimum and strict SNI",
    path: "applicationGateways[*].properties.sslPolicy, .httpListeners[Https].requireServerNameIndication", expected: "TLS ≥ 1.2 (custom minProtocolVersion or predefined ≥ AppGwSslPolicy20220101); every HTTPS listener requires SNI",
    severity: "high", citation: "ART §Ingress traffic flow (L294 \"TLS v1.2 is the minimum … Server Name Indication (SNI) strict is enabled\")", source: "seed", remediation: "automatic",
    check: (o) => {
      const gws = found(o, "appGateways", "application gateway");
      if ("missing" in gws) return gws.missing;
      return each<ObservedAppGateway>(gws.value, (g) => {
        const https = (g.properties?.httpListeners ?? []).filter((l) => same(l.properties?.protocol, "Https"));
        const noSni = https.filter((l) => l.properties?.requireServerNameIndication !== true).map((l) => l.name ?? "?");
        const tls = tls12(g);
        return { ok: tls && noSni.length === 0, observed: { sslPolicy: g.properties?.sslPolicy ?? null, httpsListenersWithoutSni: noSni },
          why: [!tls && "TLS below 1.2 allowed", noSni.length > 0 && `SNI not required on ${noSni.join(", ")}`].filter(Boolean).join(", ") };
      });
    }
  }
];
