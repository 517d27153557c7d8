import type { ReleaseCatalog } from "../catalog";
import { normalizeOsSku } from "../catalog";
import type { SimKernel, SimRequest } from "../kernel";
import { poolId } from "./ids";
import { CLUSTER_TYPE, redactClusterProperties, type ClusterResource, type PoolResource } from "./model";
import type { AksRuntime } from "./runtime";
import type { DeprecatedApiUsages } from "./deprecated-apis";
import type { UndrainableNodes } from "./undrainable";

export interface AksContext {
  kernel: SimKernel;
  catalog: ReleaseCatalog;
  runtime: AksRuntime;
  deprecatedApis: DeprecatedApiUsages;
  undrainable: UndrainableNodes;
}

export function apiVersionOf(req: SimRequest): string {
  return req.query.get("api-version") ?? "";
}

export function poolsOf(ctx: AksContext, clusterId: string): PoolResource[] {
  return ctx.kernel.store.list<PoolResource>({ prefix: clusterId, type: "Microsoft.ContainerService/managedClusters/agentPools" });
}

export function latestImageFor(ctx: AksContext, props: Record<string, unknown>): string {
  const sku = normalizeOsSku(typeof props.osSKU === "string" ? props.osSKU : undefined, typeof props.osType === "string" ? props.osType : undefined);
  return ctx.catalog.nodeImages.latest(sku)?.version ?? "";
}

/** The managed cluster as AKS returns it: pools folded into `agentPoolProfiles`, secrets removed. */
export function clusterBody(ctx: AksContext, cluster: ClusterResource): Record<string, unknown> {
  const pools = poolsOf(ctx, cluster.id).map((p) => ({ name: p.name, ...p.properties }));
  return { ...cluster, type: CLUSTER_TYPE, properties: { ...redactClusterProperties(cluster.properties), agentPoolProfiles: pools } };
}

export function getPool(ctx: AksContext, clusterId: string, pool: string): PoolResource | undefined {
  return ctx.kernel.store.get<PoolResource>(poolId(clusterId, pool));
}
