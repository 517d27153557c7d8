import { ARM_DEFAULT_LIMITS, ArmError, resourceTypeOf, Throttler, type SimKernel, type SimRequest, type SimResponse } from "../kernel";
import type { FleetHistory } from "./fleetHistory";
import { InvalidMetricFilterError } from "./dimensionFilter";
import { InvalidDurationError } from "./isoDuration";
import { MetricsQueryError, queryMetrics } from "./metricsQuery";

/**
 * Azure Monitor's metrics data plane, `POST {endpoint}/subscriptions/{subscriptionId}/metrics:getBatch`
 * (Monitor Query Metrics 2024-02-01, `metricBatch.json`; @azure/monitor-query-metrics 1.0). In
 * Azure the endpoint is regional, `https://{region}.metrics.monitor.azure.com`; here it is
 * `{simulator}/_metrics/{region}`. It is not ARM: requests are counted apart (`kernel.dataPlaneStats`,
 * `GET /_sim/stats` → `dataPlane`) and throttled by their own bucket.
 *
 * What Azure documents and this enforces ("Batching restrictions" of the getBatch migration guide
 * and the spec): a bearer token; `api-version`, `metricnamespace` and `metricnames` required; at
 * most 50 resource ids, all in the path's subscription, the endpoint's region and the namespace's
 * type; `starttime`/`endtime` instead of `timespan` (endtime needs starttime; the default is the
 * last hour); the rest (`interval`, `aggregation`, `filter`, `top`) as the ARM metrics API. Each
 * resource id must be a managed cluster the simulator knows. The wording of refusals is the
 * simulator's where Azure's is not published.
 */

export const METRICS_BATCH_API_VERSIONS = ["2023-10-01", "2024-02-01"] as const;
export const MAX_BATCH_RESOURCES = 50;
const AKS_TYPE = "microsoft.containerservice/managedclusters";
const NAMESPACE = "Microsoft.ContainerService/managedClusters";

export interface MetricsDataPlane {
  readonly throttler: Throttler;
}

const SERVICE = "monitor.metricsDataPlane";

/** The data plane's bucket (one per kernel; its requests are counted in `kernel.dataPlaneStats`). */
export function metricsDataPlane(kernel: SimKernel): MetricsDataPlane {
  let plane = kernel.service<MetricsDataPlane>(SERVICE);
  if (!plane) {
    // Azure publishes no number for the data plane's limit; it is documented as the higher-capacity
    // path. The simulator holds it to ARM's subscription read bucket (250, 25 a second), never kinder.
    plane = { throttler: new Throttler(kernel.clock, { read: ARM_DEFAULT_LIMITS.read }) };
    kernel.provide(SERVICE, plane);
  }
  return plane;
}

export function registerMetricsBatch(kernel: SimKernel, fleet: FleetHistory): void {
  const plane = metricsDataPlane(kernel);
  kernel.router.control("POST", "/_metrics/{region}/subscriptions/{subscriptionId}/metrics:getBatch", (req, p) => {
    const res = answer(kernel, fleet, plane, req, (p.region ?? "").toLowerCase(), p.subscriptionId ?? "");
    const named = (req.body as { resourceids?: unknown } | undefined)?.resourceids;
    const resources = Array.isArray(named) ? named.filter((r): r is string => typeof r === "string").slice(0, MAX_BATCH_RESOURCES) : [];
    kernel.dataPlaneStats.record({ operation: "Metrics_Batch", method: req.method, path: req.path, status: res.status, subscriptionId: p.subscriptionId, resources });
    return res;
  });
}

function answer(kernel: SimKernel, fleet: FleetHistory, plane: MetricsDataPlane, req: SimRequest, region: string, subscriptionId: string): SimResponse {
  try {
    return { status: 200, body: batch(kernel, fleet, plane, req, region, subscriptionId) };
  } catch (err) {
    if (err instanceof ArmError) return { status: err.status, headers: err.headers ?? {}, body: err.toBody() };
    if (err instanceof MetricsQueryError) return { status: 400, body: new ArmError(400, err.code, err.message).toBody() };
    if (err instanceof InvalidDurationError || err instanceof InvalidMetricFilterError) return { status: 400, body: new ArmError(400, "BadRequest", err.message).toBody() };
    throw err;
  }
}

function batch(kernel: SimKernel, fleet: FleetHistory, plane: MetricsDataPlane, req: SimRequest, region: string, subscriptionId: string): unknown {
  const auth = req.headers["authorization"];
  if (typeof auth !== "string" || !/^Bearer\s+\S+/i.test(auth)) {
    throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
  }
  const apiVersion = req.query.get("api-version");
  if (!apiVersion) throw new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  if (!(METRICS_BATCH_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new ArmError(400, "InvalidApiVersionParameter", `The api-version '${apiVersion}' is invalid. The supported versions are '${METRICS_BATCH_API_VERSIONS.join(",")}'.`);
  }
  const namespace = req.query.get("metricnamespace");
  if (!namespace) throw new ArmError(400, "BadRequest", "The metricnamespace query parameter is required.");
  if (namespace.toLowerCase() !== NAMESPACE.toLowerCase()) {
    throw new ArmError(400, "BadRequest", `Metric namespace '${namespace}' is not offered by the simulator; use '${NAMESPACE}'.`);
  }
  const metricnames = req.query.get("metricnames");
  if (!metricnames) throw new ArmError(400, "BadRequest", "The metricnames query parameter is required.");

  const ids = resourceIdsOf(req.body);
  for (const id of ids) {
    const sub = /^\/subscriptions\/([^/]+)\//i.exec(id)?.[1];
    if (!sub || sub.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw new ArmError(400, "BadRequest", `Resource '${id}' is not in subscription '${subscriptionId}': all resources in a batch must be in the same subscription.`);
    }
    if (resourceTypeOf(id).toLowerCase() !== AKS_TYPE) {
      throw new ArmError(400, "BadRequest", `Resource '${id}' is not of type '${NAMESPACE}': all resources in a batch must be the same resource type as the metric namespace.`);
    }
  }

  // Throttling and injected faults come before any resource is read, as a gateway's would.
  const metricsPaths = ids.map((id) => `${id}/providers/Microsoft.Insights/metrics`);
  const forced = kernel.faults.take("throttle", subscriptionId) ?? firstFault(kernel, "throttle", metricsPaths);
  const decision = forced
    ? { allowed: false as const, retryAfterSeconds: Number(forced.retryAfterSeconds ?? 1) }
    : plane.throttler.take(subscriptionId, "read");
  if (!decision.allowed) {
    throw new ArmError(429, "TooManyRequests", "The request is being throttled: too many metrics queries. Retry after the time in Retry-After.",
      undefined, { "Retry-After": String(decision.retryAfterSeconds) });
  }
  const broken = kernel.faults.take("serverError", subscriptionId) ?? firstFault(kernel, "serverError", metricsPaths);
  if (broken) {
    const status = typeof broken.status === "number" && broken.status >= 500 && broken.status <= 599 ? broken.status : 500;
    throw new ArmError(status, typeof broken.code === "string" ? broken.code : "InternalServerError",
      typeof broken.message === "string" ? broken.message : "Encountered internal server error. Please try again.");
  }
  // As on ARM, a `badRequest` fault may name one HTTP method; the batch is a POST.
  const refusalPath = metricsPaths.find((path) => {
    const fault = kernel.faults.peek("badRequest", path);
    return fault && (typeof fault.method !== "string" || fault.method.toUpperCase() === "POST");
  });
  const refusal = refusalPath ? kernel.faults.take("badRequest", refusalPath) : undefined;
  if (refusal) {
    throw new ArmError(400, typeof refusal.code === "string" ? refusal.code : "BadRequest", typeof refusal.message === "string" ? refusal.message : "The request is invalid.");
  }

  const clusters = ids.map((id) => {
    const cluster = kernel.store.get(id);
    if (!cluster) throw new ArmError(400, "BadRequest", `Resource '${id}' was not found.`);
    const location = (cluster.location ?? kernel.config.location).toLowerCase().replace(/\s+/g, "");
    if (location !== region) {
      throw new ArmError(400, "BadRequest", `Resource '${id}' is in region '${location}', not '${region}': all resources in a batch must be in the region of the endpoint (https://${location}.metrics.monitor.azure.com).`);
    }
    return { id: cluster.id, location };
  });

  const now = kernel.clock.now();
  const timespan = timespanOf(req.query.get("starttime"), req.query.get("endtime"), now);
  return {
    values: clusters.map(({ id, location }) => {
      fleet.observeCluster(id);
      const result = queryMetrics({
        resourceId: id, metricnames, timespan, interval: req.query.get("interval"), aggregation: req.query.get("aggregation"),
        filter: req.query.get("filter"), top: req.query.get("top")
      }, { now, region: location, stateAt: (at) => fleet.history.stateAt(id, at) }) as { timespan: string; interval: string; namespace: string; resourceregion: string; value: unknown[] };
      const [starttime, endtime] = result.timespan.split("/");
      return { starttime, endtime, interval: result.interval, namespace: result.namespace, resourceregion: result.resourceregion, resourceid: id, value: result.value };
    })
  };
}

function resourceIdsOf(body: unknown): string[] {
  const ids = (body as { resourceids?: unknown } | undefined)?.resourceids;
  if (!Array.isArray(ids) || ids.length === 0) throw new ArmError(400, "BadRequest", "The request body must name the resources: {\"resourceids\": [...]}, at least one.");
  if (ids.length > MAX_BATCH_RESOURCES) throw new ArmError(400, "BadRequest", `A batch names at most ${MAX_BATCH_RESOURCES} resource ids; this one names ${ids.length}.`);
  for (const id of ids) {
    if (typeof id !== "string" || !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(id)) {
      throw new ArmError(400, "BadRequest", `'${String(id).slice(0, 300)}' is not a resource id.`);
    }
  }
  return ids as string[];
}

/** `starttime`/`endtime` as the ARM metrics `timespan`: endtime alone is refused, starttime alone ends now, neither is the last hour. */
function timespanOf(start: string | null, end: string | null, now: number): string | undefined {
  if (end && !start) throw new ArmError(400, "BadRequest", "starttime is required when endtime is specified.");
  if (!start) return undefined;
  return `${start}/${end ?? new Date(now).toISOString()}`;
}

function firstFault(kernel: SimKernel, kind: "throttle" | "serverError", paths: string[]) {
  for (const path of paths) {
    const fault = kernel.faults.take(kind, path);
    if (fault) return fault;
  }
  return undefined;
}
