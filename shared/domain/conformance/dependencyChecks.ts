/** Helpers of the dependency rules (#20-#22, #50, #52-#72): scopes, roles, private endpoints, address ranges. */
import { parseRange } from "../baseline/cidr";
import { same } from "./checks";
import type { ObservedPrivateEndpoint, ObservedRoleAssignment } from "./dependencies";
import type { ObservedCluster } from "./observed";

/** Role definition ids §4 names (Appendix A of BASELINE.md). */
export const ROLE = {
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6"
} as const;

/** ARM ids are case-insensitive: `scope` is `target` or one of its parents. */
export function covers(scope: string | undefined, target: string): boolean {
  const s = (scope ?? "").toLowerCase().replace(/\/+$/, "");
  const t = target.toLowerCase();
  return s.length > 0 && (t === s || t.startsWith(`${s}/`));
}

export function lastSegment(id: string | undefined): string {
  return (id ?? "").split("/").filter(Boolean).pop() ?? "";
}

/** Role assignments of `role` to `principal` that apply at `target` (assigned there or at a parent scope). */
export function assignmentsOf(list: readonly ObservedRoleAssignment[], role: string, principal: string | undefined, target: string): ObservedRoleAssignment[] {
  if (!principal) return [];
  return list.filter((ra) => same(lastSegment(ra.properties?.roleDefinitionId), role) && same(ra.properties?.principalId, principal)
    && covers(ra.properties?.scope ?? ra.id?.split("/providers/Microsoft.Authorization/")[0], target));
}

/** `/…/virtualNetworks/v/subnets/s` → `/…/virtualNetworks/v`. */
export function vnetOf(subnetId: string | undefined): string {
  const m = /^(.*\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(subnetId ?? "");
  return m?.[1] ?? "";
}

/** The VNet the cluster's pools sit in (the spoke), from the first pool that names a subnet. */
export function spokeOf(o: ObservedCluster): string {
  return vnetOf((o.cluster.agentPoolProfiles ?? []).find((p) => !!p.vnetSubnetID)?.vnetSubnetID);
}

/**
 * A private endpoint to `targetId` for sub-resource `group`, in a subnet of `spokeId` (any VNet when
 * the spoke is unknown): what it is, or why none qualifies.
 */
export function privateEndpointTo(endpoints: readonly ObservedPrivateEndpoint[] | undefined, targetId: string, group: string, spokeId: string): { ok: boolean; observed: unknown } {
  const found = (endpoints ?? []).map((pe) => {
    const connections = [...(pe.properties?.privateLinkServiceConnections ?? []), ...(pe.properties?.manualPrivateLinkServiceConnections ?? [])];
    const toTarget = connections.some((c) => same(c.properties?.privateLinkServiceId, targetId) && (c.properties?.groupIds ?? []).some((g) => same(g, group)));
    const subnet = pe.properties?.subnet?.id ?? "";
    const inSpoke = !spokeId || same(vnetOf(subnet), spokeId);
    return { id: pe.id ?? "?", subnet, toTarget, inSpoke };
  });
  return { ok: found.some((f) => f.toTarget && f.inSpoke), observed: found.map((f) => ({ privateEndpoint: lastSegment(f.id), subnet: f.subnet, groupMatches: f.toTarget, inSpoke: f.inSpoke })) };
}

/** Whether an address range (`10.240.0.0/22`, `*`) is covered by one of `sources`. */
export function rangeCovered(prefix: string, sources: readonly string[]): boolean {
  const want = parseRange(prefix);
  return sources.some((s) => {
    if (s.trim() === "*") return true;
    const r = parseRange(s.includes("/") ? s : `${s}/32`);
    return !!r && !!want && r.start <= want.start && r.end >= want.end;
  });
}
