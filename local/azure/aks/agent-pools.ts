import { ArmError } from "../kernel";
import { compareVersions } from "../catalog";
import { apiVersionOf, getPool, latestImageFor, poolsOf, type AksContext } from "./context";
import { aksErrors } from "./errors";
import { CLUSTER_TEMPLATE, clusterIdFrom, poolId } from "./ids";
import { addedNodes, checkQuota, surgeNodes } from "./quota";
import { poolPropertiesFrom, type ClusterResource, type PoolResource } from "./model";
import { DURATIONS } from "./operation-types";
import { rollingPhase, simplePhase } from "./planner";
import { checkPoolUpgrade, checkPoolVersion, resolveAvailable, resolveUpdateTarget } from "./rules";
import { checkIfMatch } from "./etag";
import { checkAgainstVnet, checkNetworkProfile, checkPoolFields, defaultMaxPods } from "./validation";
import { randomUUID } from "node:crypto";

const POOL = `${CLUSTER_TEMPLATE}/agentPools/{agentPoolName}`;

function requireCluster(ctx: AksContext, p: Record<string, string>): ClusterResource {
  const cluster = ctx.kernel.store.get<ClusterResource>(clusterIdFrom(p));
  if (!cluster) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
  return cluster;
}

function requirePool(ctx: AksContext, clusterId: string, name: string): PoolResource {
  const pool = getPool(ctx, clusterId, name);
  if (!pool) throw aksErrors.poolNotFound(name);
  return pool;
}

/** `Microsoft.ContainerService/managedClusters/agentPools`: PUT (LRO), GET, list, DELETE (LRO), upgradeNodeImageVersion (LRO). */
export function registerAgentPools(ctx: AksContext): void {
  const { kernel, catalog } = ctx;
  const router = kernel.router;

  router.arm("PUT", POOL, (req, p) => {
    const cluster = requireCluster(ctx, p);
    const name = p.agentPoolName ?? "";
    if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) throw aksErrors.invalidParameter("agentPoolName", `Agent pool name '${name}' must start with a lowercase letter and contain at most 12 lowercase letters and digits.`);
    const existing = getPool(ctx, cluster.id, name);
    checkIfMatch(req, existing?.properties.eTag);
    ctx.runtime.assertIdle(cluster.id);
    const requested = ((req.body ?? {}) as { properties?: Record<string, unknown> }).properties ?? {};
    checkPoolFields(kernel, requested, "properties", existing?.properties);
    const network = checkNetworkProfile(cluster.properties.networkProfile);
    checkAgainstVnet(kernel, network, [requested], false);
    const controlPlane = cluster.properties.currentKubernetesVersion;
    const now = kernel.clock.now();
    const explicit = typeof requested.orchestratorVersion === "string" && requested.orchestratorVersion
      ? existing ? resolveUpdateTarget(catalog.kubernetes, requested.orchestratorVersion, existing.properties.currentOrchestratorVersion) : resolveAvailable(catalog.kubernetes, requested.orchestratorVersion)
      : undefined;
    if (!existing) {
      const version = explicit ?? controlPlane;
      checkPoolVersion(version, controlPlane);
      const props = poolPropertiesFrom({ ...requested, orchestratorVersion: version }, undefined, { orchestratorVersion: version, nodeImageVersion: latestImageFor(ctx, requested), maxPods: defaultMaxPods(network) });
      const id = poolId(cluster.id, name);
      checkQuota(kernel, cluster.id, cluster.location, addedNodes(props));
      kernel.store.put(id, { ...kernel.store.envelope(id, {}), type: "Microsoft.ContainerService/managedClusters/agentPools", properties: { ...props, eTag: randomUUID() } });
      const phase = simplePhase(kernel, name, "create", now, DURATIONS.poolCreate, props);
      const { headers } = ctx.runtime.begin({ clusterId: cluster.id, kind: "poolCreate", pool: name, durationMs: phase.endAt - now, phases: [phase] }, apiVersionOf(req));
      return { status: 201, headers, body: kernel.store.get(id) };
    }
    const target = explicit ?? existing.properties.orchestratorVersion;
    const upgrading = compareVersions(target, existing.properties.currentOrchestratorVersion) !== 0;
    if (upgrading) {
      if (cluster.properties.powerState.code === "Stopped") throw aksErrors.clusterStopped(cluster.name);
      checkPoolUpgrade(existing.properties.currentOrchestratorVersion, target, controlPlane);
    }
    const { orchestratorVersion: _o, ...fields } = requested;
    const props = poolPropertiesFrom(fields, existing.properties, { orchestratorVersion: existing.properties.orchestratorVersion, nodeImageVersion: existing.properties.nodeImageVersion });
    checkQuota(kernel, cluster.id, cluster.location, upgrading ? [...addedNodes(props, existing.properties), ...surgeNodes(props)] : addedNodes(props, existing.properties));
    const phase = upgrading
      ? rollingPhase(kernel, cluster.id, name, "upgrade", now, props, { orchestratorVersion: target, nodeImageVersion: latestImageFor(ctx, props) })
      : simplePhase(kernel, name, "update", now, DURATIONS.poolUpdate, props);
    kernel.store.put(existing.id, { ...existing, properties: { ...props, eTag: randomUUID() } });
    const { headers } = ctx.runtime.begin({
      clusterId: cluster.id, kind: upgrading ? "poolUpgrade" : "poolUpdate", pool: name,
      durationMs: Math.max(phase.endAt, phase.failure?.at ?? 0) - now, phases: [phase]
    }, apiVersionOf(req));
    return { status: 200, headers, body: kernel.store.get(existing.id) };
  }, { operation: "AgentPools_CreateOrUpdate", kind: "write" });

  router.arm("GET", POOL, (_req, p) => {
    const cluster = requireCluster(ctx, p);
    return { status: 200, body: requirePool(ctx, cluster.id, p.agentPoolName ?? "") };
  }, { operation: "AgentPools_Get", kind: "read" });

  router.arm("GET", `${CLUSTER_TEMPLATE}/agentPools`, (req, p) => {
    const cluster = requireCluster(ctx, p);
    return kernel.page(req, poolsOf(ctx, cluster.id));
  }, { operation: "AgentPools_List", kind: "read" });

  router.arm("DELETE", POOL, (req, p) => {
    const cluster = requireCluster(ctx, p);
    const pool = getPool(ctx, cluster.id, p.agentPoolName ?? "");
    checkIfMatch(req, pool?.properties.eTag);
    if (!pool) return { status: 204 };
    ctx.runtime.assertIdle(cluster.id);
    const systemPools = poolsOf(ctx, cluster.id).filter((x) => x.properties.mode === "System");
    if (pool.properties.mode === "System" && systemPools.length <= 1) {
      throw new ArmError(400, "OperationNotAllowed", `The agent pool ${pool.name} is the last System mode agent pool of the cluster and cannot be deleted. A cluster needs at least one System mode agent pool.`);
    }
    const now = kernel.clock.now();
    const phase = simplePhase(kernel, pool.name, "delete", now, DURATIONS.poolDelete, pool.properties);
    const { headers } = ctx.runtime.begin({ clusterId: cluster.id, kind: "poolDelete", pool: pool.name, durationMs: phase.endAt - now, phases: [phase] }, apiVersionOf(req));
    return { status: 202, headers };
  }, { operation: "AgentPools_Delete", kind: "delete" });

  router.arm("POST", `${POOL}/upgradeNodeImageVersion`, (req, p) => {
    const cluster = requireCluster(ctx, p);
    const pool = requirePool(ctx, cluster.id, p.agentPoolName ?? "");
    ctx.runtime.assertIdle(cluster.id);
    if (cluster.properties.powerState.code === "Stopped") throw aksErrors.clusterStopped(cluster.name);
    const now = kernel.clock.now();
    const latest = latestImageFor(ctx, pool.properties);
    // AKS reimages every node onto the latest weekly image, batch by batch (maxSurge).
    const phase = rollingPhase(kernel, cluster.id, pool.name, "nodeImage", now, pool.properties, { nodeImageVersion: latest });
    const { headers } = ctx.runtime.begin({
      clusterId: cluster.id, kind: "poolNodeImageUpgrade", pool: pool.name,
      durationMs: Math.max(phase.endAt, phase.failure?.at ?? 0) - now, phases: [phase]
    }, apiVersionOf(req));
    return { status: 202, headers, body: kernel.store.get(pool.id) };
  }, { operation: "AgentPools_UpgradeNodeImageVersion", kind: "write" });
}
