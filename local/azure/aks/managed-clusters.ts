import { createHash, randomUUID } from "node:crypto";
import { ArmError, type SimRequest, type SimResponse } from "../kernel";
import { requireResourceGroup } from "../resources";
import { compareVersions } from "../catalog";
import { apiVersionOf, clusterBody, latestImageFor, poolsOf, type AksContext } from "./context";
import { aksErrors } from "./errors";
import { CLUSTER_TEMPLATE, clusterIdFrom, poolId } from "./ids";
import { clusterPropertiesFrom, poolPropertiesFrom, POOL_TYPE, type ClusterResource, type PoolProperties, type PoolResource } from "./model";
import { createNodeResourceGroup } from "./nodeResourceGroup";
import { DURATIONS } from "./operation-types";
import { endOf, rollingPhase, simplePhase, type PlannedPhase } from "./planner";
import { checkControlPlaneUpgrade, checkPoolUpgrade, checkPoolVersion, resolveAvailable, resolveUpdateTarget } from "./rules";
import { checkAgainstVnet, checkClusterName, checkDnsPrefix, checkNetworkProfile, checkPoolFields, checkSystemPool, defaultMaxPods } from "./validation";
import { checkIfMatch } from "./etag";
import { addedNodes, checkQuota, surgeNodes } from "./quota";
import { checkControlPlaneIdentity, checkControlPlaneRights, checkSecuritySettings } from "./identity-checks";

type Profile = Record<string, unknown> & { name?: string };

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function profilesOf(props: Record<string, unknown>): Profile[] {
  return Array.isArray(props.agentPoolProfiles) ? (props.agentPoolProfiles as Profile[]).filter((p) => typeof p === "object" && p !== null) : [];
}

/** `PUT managedClusters/{name}`: create (201) or update (200), both long-running. */
export function putManagedCluster(ctx: AksContext, req: SimRequest, p: Record<string, string>): SimResponse {
  const { kernel, catalog } = ctx;
  const id = clusterIdFrom(p);
  requireResourceGroup(kernel, p.subscriptionId ?? "", p.resourceGroupName ?? "");
  const body = (req.body ?? {}) as { location?: string; properties?: Record<string, unknown>; [k: string]: unknown };
  if (typeof body.location !== "string" || !body.location) throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  const requested = body.properties ?? {};
  const existing = kernel.store.get<ClusterResource>(id);
  checkIfMatch(req, existing?.eTag);
  checkClusterName(p.resourceName ?? "");
  ctx.runtime.assertIdle(id);
  if (!existing) checkDnsPrefix(requested.dnsPrefix);
  const network = checkNetworkProfile({ ...((existing?.properties.networkProfile ?? {})), ...((requested.networkProfile ?? {})) });
  const maxPods = defaultMaxPods(network);
  const { properties: _p, id: _i, name: _n, type: _t, systemData: _s, ...envelopeFields } = body;
  const requestedVersion = typeof requested.kubernetesVersion === "string" && requested.kubernetesVersion ? requested.kubernetesVersion : undefined;
  const now = kernel.clock.now();
  const profiles = profilesOf(requested);

  if (!existing) {
    const version = resolveAvailable(catalog.kubernetes, requestedVersion ?? catalog.kubernetes.defaultVersion() ?? "");
    if (!catalog.kubernetes.isAvailable(version)) throw aksErrors.versionNotSupported(version);
    if (profiles.length === 0) throw aksErrors.invalidParameter("agentPoolProfiles", "At least one agent pool profile is required.");
    for (const profile of profiles) {
      const name = String(profile.name ?? "");
      if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) throw aksErrors.invalidParameter("agentPoolProfile.name", `Agent pool name '${name}' must start with a lowercase letter and contain at most 12 lowercase letters and digits.`);
      checkPoolFields(kernel, profile, "agentPoolProfile");
    }
    checkSystemPool(profiles);
    checkAgainstVnet(kernel, network, profiles, true);
    checkSecuritySettings(kernel, requested);
    const cp = checkControlPlaneIdentity(kernel, envelopeFields.identity);
    checkControlPlaneRights(kernel, cp, requested, profiles, network.plugin);
    const pools = profiles.map((profile) => {
      const name = String(profile.name ?? "");
      const props = poolPropertiesFrom(profile, undefined, { orchestratorVersion: version, nodeImageVersion: latestImageFor(ctx, profile), maxPods });
      props.orchestratorVersion = resolveAvailable(catalog.kubernetes, props.orchestratorVersion);
      props.currentOrchestratorVersion = props.orchestratorVersion;
      checkPoolVersion(props.orchestratorVersion, version);
      return { name, props };
    });
    checkQuota(kernel, id, body.location, pools.flatMap((pool) => addedNodes(pool.props)));
    const cluster: ClusterResource = {
      ...kernel.store.envelope(id, { ...envelopeFields, ...identityFor(id, envelopeFields.identity), location: body.location }),
      eTag: randomUUID(),
      location: body.location,
      properties: clusterPropertiesFrom(id, body.location, requested, undefined, version, { managedIdentity: cp.type !== "None" })
    };
    kernel.store.put(id, cluster);
    createNodeResourceGroup(kernel, id, body.location, cluster.properties);
    for (const pool of pools) kernel.store.put(poolId(id, pool.name), poolResource(ctx, id, pool.name, pool.props));
    const phases = pools.map((pool) => simplePhase(kernel, pool.name, "create", now, DURATIONS.clusterCreate, pool.props));
    const { headers } = ctx.runtime.begin({ clusterId: id, kind: "create", durationMs: endOf(phases, now) - now, phases }, apiVersionOf(req));
    return { status: 201, headers, body: clusterBody(ctx, kernel.store.get<ClusterResource>(id)!) };
  }

  const current = existing.properties.currentKubernetesVersion;
  const target = requestedVersion ? resolveUpdateTarget(catalog.kubernetes, requestedVersion, current) : existing.properties.kubernetesVersion;
  const upgrading = compareVersions(target, current) !== 0;
  if (upgrading) {
    if (existing.properties.powerState.code === "Stopped") throw aksErrors.clusterStopped(existing.name);
    checkControlPlaneUpgrade(catalog.kubernetes, current, target);
    ctx.deprecatedApis.checkUpgrade(existing, current, target, { ...record(existing.properties.upgradeSettings), ...record(requested.upgradeSettings) });
  }
  // Pools named in the request take its values; a pool without an explicit orchestratorVersion
  // follows the control plane (as `az aks upgrade` does); pools not named are left as they are.
  // Every pool is validated before anything is planned, so a rejected request consumes no fault.
  for (const profile of profiles) {
    const current = poolsOf(ctx, id).find((pool) => pool.name.toLowerCase() === String(profile.name ?? "").toLowerCase());
    checkPoolFields(kernel, profile, "agentPoolProfile", current?.properties);
  }
  checkAgainstVnet(kernel, network, profiles, false);
  // The disk encryption set is read only when the request names it (it is create-only in AKS).
  checkSecuritySettings(kernel, { ...existing.properties, ...requested, diskEncryptionSetID: requested.diskEncryptionSetID });
  if (envelopeFields.identity !== undefined) checkControlPlaneIdentity(kernel, envelopeFields.identity);
  const planned = poolsOf(ctx, id).map((pool) => {
    const profile = profiles.find((pr) => String(pr.name ?? "").toLowerCase() === pool.name.toLowerCase());
    const explicit = typeof profile?.orchestratorVersion === "string" && profile.orchestratorVersion
      ? resolveUpdateTarget(catalog.kubernetes, profile.orchestratorVersion, pool.properties.currentOrchestratorVersion) : undefined;
    const poolTarget = explicit ?? (upgrading ? target : pool.properties.orchestratorVersion);
    checkPoolUpgrade(pool.properties.currentOrchestratorVersion, poolTarget, target);
    const { orchestratorVersion: _o, ...profileFields } = profile ?? {};
    const props = poolPropertiesFrom(profileFields, pool.properties, { orchestratorVersion: pool.properties.orchestratorVersion, nodeImageVersion: pool.properties.nodeImageVersion });
    return { pool, poolTarget, props };
  });
  const added = profiles
    .filter((profile) => !planned.some((x) => x.pool.name.toLowerCase() === String(profile.name ?? "").toLowerCase()))
    .map((profile) => {
      const props = poolPropertiesFrom(profile, undefined, { orchestratorVersion: target, nodeImageVersion: latestImageFor(ctx, profile), maxPods });
      checkPoolVersion(props.orchestratorVersion, target);
      return { name: String(profile.name ?? ""), props };
    });
  // Compute's vCPU quota: the nodes added (scale-ups, new pools), then each rolling pool's surge.
  checkQuota(kernel, id, existing.location, [...planned.flatMap(({ pool, props }) => addedNodes(props, pool.properties)), ...added.flatMap(({ props }) => addedNodes(props))]);
  for (const { pool, poolTarget, props } of planned) {
    if (compareVersions(poolTarget, pool.properties.currentOrchestratorVersion) !== 0) checkQuota(kernel, id, existing.location, surgeNodes(props));
  }
  const phases: PlannedPhase[] = [];
  let cursor = now + (upgrading ? kernel.scaled(DURATIONS.controlPlaneUpgrade) : 0);
  const updates: { id: string; props: PoolProperties; created: boolean }[] = [];
  for (const { pool, poolTarget, props } of planned) {
    if (compareVersions(poolTarget, pool.properties.currentOrchestratorVersion) !== 0) {
      const phase = rollingPhase(kernel, id, pool.name, "upgrade", cursor, props, { orchestratorVersion: poolTarget, nodeImageVersion: latestImageFor(ctx, props) });
      phases.push(phase);
      cursor = endOf([phase], cursor);
    } else if (props.count !== pool.properties.count) {
      phases.push(simplePhase(kernel, pool.name, "update", cursor, DURATIONS.poolUpdate, props));
    }
    updates.push({ id: pool.id, props, created: false });
  }
  for (const { name, props } of added) {
    phases.push(simplePhase(kernel, name, "create", cursor, DURATIONS.poolCreate, props));
    updates.push({ id: poolId(id, name), props, created: true });
  }
  const fields = clusterPropertiesFrom(id, existing.location, requested, existing.properties, target);
  const envelope = kernel.store.envelope(id, { ...envelopeFields, ...identityFor(id, envelopeFields.identity ?? existing.identity), location: existing.location });
  kernel.store.put(id, { ...existing, ...envelope, eTag: randomUUID(), properties: fields });
  for (const u of updates) kernel.store.put(u.id, u.created ? poolResource(ctx, id, nameOfPool(u.id), u.props) : { ...kernel.store.get<PoolResource>(u.id)!, properties: { ...u.props, eTag: randomUUID() } });
  const durationMs = Math.max(endOf(phases, cursor), now + kernel.scaled(DURATIONS.clusterUpdate)) - now;
  const { headers } = ctx.runtime.begin({
    clusterId: id, kind: upgrading ? "upgrade" : "update", durationMs, phases,
    controlPlane: upgrading ? { targetVersion: target, durationMs: kernel.scaled(DURATIONS.controlPlaneUpgrade) } : undefined
  }, apiVersionOf(req));
  return { status: 200, headers, body: clusterBody(ctx, kernel.store.get<ClusterResource>(id)!) };
}

/** A system-assigned identity gets its principal and tenant ids, as AKS returns them (deterministic here). */
function identityFor(id: string, identity: unknown): { identity?: unknown } {
  if (!identity || typeof identity !== "object") return {};
  const i = identity as { type?: string };
  if (i.type !== "SystemAssigned") return { identity };
  const hex = createHash("sha256").update(`identity:${id.toLowerCase()}`).digest("hex");
  const principalId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { identity: { ...i, principalId, tenantId: "00000000-0000-0000-0000-000000000000" } };
}

function nameOfPool(id: string): string {
  return id.split("/").pop() ?? "";
}

export function poolResource(ctx: AksContext, clusterId: string, name: string, props: PoolProperties): PoolResource {
  const id = poolId(clusterId, name);
  return { ...ctx.kernel.store.envelope(id, {}), type: POOL_TYPE, properties: { ...props, eTag: randomUUID() } };
}

export function registerManagedClusters(ctx: AksContext): void {
  const { kernel } = ctx;
  const router = kernel.router;
  router.arm("PUT", CLUSTER_TEMPLATE, (req, p) => putManagedCluster(ctx, req, p), { operation: "ManagedClusters_CreateOrUpdate", kind: "write" });

  // `updateTags`: AKS answers the PATCH with the updated cluster (no long-running part for tags).
  router.arm("PATCH", CLUSTER_TEMPLATE, (req, p) => {
    const id = clusterIdFrom(p);
    const cluster = kernel.store.get<ClusterResource>(id);
    if (!cluster) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
    checkIfMatch(req, cluster.eTag);
    ctx.runtime.assertIdle(id);
    const tags = ((req.body ?? {}) as { tags?: Record<string, string> }).tags ?? {};
    kernel.store.put(id, { ...cluster, ...kernel.store.envelope(id, { location: cluster.location }), properties: cluster.properties, eTag: randomUUID(), tags });
    return { status: 200, body: clusterBody(ctx, kernel.store.get<ClusterResource>(id)!) };
  }, { operation: "ManagedClusters_UpdateTags", kind: "write" });

  router.arm("GET", CLUSTER_TEMPLATE, (_req, p) => {
    // ARM answers for a missing group before the provider is asked.
    requireResourceGroup(kernel, p.subscriptionId ?? "", p.resourceGroupName ?? "");
    const cluster = kernel.store.get<ClusterResource>(clusterIdFrom(p));
    if (!cluster) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
    return { status: 200, body: clusterBody(ctx, cluster) };
  }, { operation: "ManagedClusters_Get", kind: "read" });

  router.arm("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters", (req, p) => {
    requireResourceGroup(kernel, p.subscriptionId ?? "", p.resourceGroupName ?? "");
    const clusters = kernel.store.list<ClusterResource>({ prefix: `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}`, type: "Microsoft.ContainerService/managedClusters" });
    return kernel.page(req, clusters.map((c) => clusterBody(ctx, c)));
  }, { operation: "ManagedClusters_ListByResourceGroup", kind: "read" });

  router.arm("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/managedClusters", (req, p) => {
    const clusters = kernel.store.list<ClusterResource>({ prefix: `/subscriptions/${p.subscriptionId}`, type: "Microsoft.ContainerService/managedClusters" });
    return kernel.page(req, clusters.map((c) => clusterBody(ctx, c)));
  }, { operation: "ManagedClusters_List", kind: "read" });

  router.arm("DELETE", CLUSTER_TEMPLATE, (req, p) => {
    const id = clusterIdFrom(p);
    const cluster = kernel.store.get<ClusterResource>(id);
    checkIfMatch(req, cluster?.eTag);
    if (!cluster) return { status: 204 };
    // A delete supersedes whatever runs on the cluster (AKS cancels the running operation).
    ctx.runtime.abandon(id);
    const { headers } = ctx.runtime.begin({ clusterId: id, kind: "delete", durationMs: kernel.scaled(DURATIONS.clusterDelete), phases: [] }, apiVersionOf(req));
    return { status: 202, headers };
  }, { operation: "ManagedClusters_Delete", kind: "delete" });

  for (const action of ["start", "stop"] as const) {
    router.arm("POST", `${CLUSTER_TEMPLATE}/${action}`, (req, p) => {
      const id = clusterIdFrom(p);
      const cluster = kernel.store.get<ClusterResource>(id);
      if (!cluster) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
      ctx.runtime.assertIdle(id);
      const now = kernel.clock.now();
      const base = action === "start" ? DURATIONS.start : DURATIONS.stop;
      const phases = poolsOf(ctx, id).map((pool) => simplePhase(kernel, pool.name, action, now, base, pool.properties));
      const { headers } = ctx.runtime.begin({
        clusterId: id, kind: action, durationMs: kernel.scaled(base), phases, powerState: action === "start" ? "Running" : "Stopped"
      }, apiVersionOf(req));
      return { status: 202, headers };
    }, { operation: action === "start" ? "ManagedClusters_Start" : "ManagedClusters_Stop", kind: "write" });
  }
}
