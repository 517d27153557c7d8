import { ArmError, resourceTypeOf, type SimKernel } from "../kernel";
import type { FleetHistory } from "./fleetHistory";
import { AKS_METRICS, METRIC_TIME_GRAINS } from "./metricCatalog";
import { MetricsQueryError, queryMetrics } from "./metricsQuery";
import { InvalidDurationError } from "./isoDuration";
import { InvalidMetricFilterError } from "./dimensionFilter";

/**
 * Platform metrics of managed clusters: `GET {resourceUri}/providers/Microsoft.Insights/metrics`
 * (api-version 2024-02-01 in @azure/arm-monitor 8) and `metricDefinitions`.
 */

const PREFIX = "/{*resourceUri}/providers/Microsoft.Insights";
const AKS_TYPE = "microsoft.containerservice/managedclusters";
const NAMESPACE = "Microsoft.ContainerService/managedClusters";

export function registerMetrics(kernel: SimKernel, fleet: FleetHistory): void {
  kernel.router.arm("GET", `${PREFIX}/metrics`, (req, p) => {
    const resourceUri = requireCluster(kernel, p.resourceUri ?? "");
    const namespace = req.query.get("metricnamespace");
    if (namespace && namespace.toLowerCase() !== NAMESPACE.toLowerCase()) {
      throw new ArmError(400, "BadRequest", `Metric namespace '${namespace}' is not offered by '${resourceUri}'; use '${NAMESPACE}'.`);
    }
    fleet.observeCluster(resourceUri);
    const cluster = kernel.store.get(resourceUri);
    try {
      const body = queryMetrics({
        resourceId: cluster?.id ?? resourceUri,
        metricnames: req.query.get("metricnames"),
        timespan: req.query.get("timespan"),
        interval: req.query.get("interval"),
        aggregation: req.query.get("aggregation"),
        filter: req.query.get("$filter"),
        top: req.query.get("top"),
        resultType: req.query.get("resultType")
      }, {
        now: kernel.clock.now(),
        region: cluster?.location ?? kernel.config.location,
        stateAt: (at) => fleet.history.stateAt(resourceUri, at)
      });
      return { status: 200, body };
    } catch (err) {
      if (err instanceof MetricsQueryError) throw new ArmError(400, err.code, err.message);
      if (err instanceof InvalidDurationError || err instanceof InvalidMetricFilterError) throw new ArmError(400, "BadRequest", err.message);
      throw err;
    }
  }, { operation: "Metrics_List", kind: "read" });

  kernel.router.arm("GET", `${PREFIX}/metricDefinitions`, (req, p) => {
    const resourceUri = requireCluster(kernel, p.resourceUri ?? "");
    const id = kernel.store.get(resourceUri)?.id ?? resourceUri;
    return kernel.page(req, AKS_METRICS.map((m) => ({
      id: `${id}/providers/microsoft.insights/metricdefinitions/${m.name}`,
      resourceId: id,
      namespace: NAMESPACE,
      name: { value: m.name, localizedValue: m.displayName },
      displayDescription: m.description,
      category: m.category,
      isDimensionRequired: false,
      unit: m.unit,
      primaryAggregationType: m.primaryAggregationType,
      supportedAggregationTypes: m.supportedAggregationTypes,
      metricAvailabilities: METRIC_TIME_GRAINS.map((timeGrain) => ({ timeGrain, retention: "P93D" })),
      dimensions: m.dimensions.map((d) => ({ value: d, localizedValue: d }))
    })));
  }, { operation: "MetricDefinitions_List", kind: "read" });
}

function requireCluster(kernel: SimKernel, resourceUri: string): string {
  if (!kernel.store.has(resourceUri)) throw kernel.notFound(resourceUri);
  if (resourceTypeOf(resourceUri).toLowerCase() !== AKS_TYPE) {
    throw new ArmError(400, "BadRequest", `The simulator derives platform metrics for managed clusters only; '${resourceUri}' is a ${resourceTypeOf(resourceUri)}.`);
  }
  return resourceUri;
}
