import type { ClusterState } from "./fleetState";
import { parseDimensionFilter, type DimensionClause } from "./dimensionFilter";
import { parseIsoDuration } from "./isoDuration";
import { findMetric, AKS_METRICS, type MetricSpec, type RawSeries } from "./metricCatalog";

/**
 * Answers `GET {resourceUri}/providers/Microsoft.Insights/metrics` in the shape
 * `@azure/arm-monitor` deserialises (`Response`: timespan, interval, namespace, resourceregion,
 * value[].timeseries[].metadatavalues / data[] with timeStamp and the requested aggregations).
 * Each time bucket reads the cluster state in effect at the bucket's end (or now, for the current
 * bucket); a count gauge sums across the series a query does not split, a percentage averages.
 */

export class MetricsQueryError extends Error {
  override readonly name = "MetricsQueryError";
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface MetricsQuery {
  resourceId: string;
  metricnames?: string | null;
  timespan?: string | null;
  interval?: string | null;
  aggregation?: string | null;
  filter?: string | null;
  top?: string | null;
  resultType?: string | null;
}

export interface MetricsContext {
  now: number;
  region: string;
  stateAt(at: number): ClusterState | undefined;
}

const NAMESPACE = "Microsoft.ContainerService/managedClusters";
const MAX_POINTS = 1440;

export function queryMetrics(q: MetricsQuery, ctx: MetricsContext): Record<string, unknown> {
  const names = (q.metricnames ?? AKS_METRICS[0]?.name ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const specs = names.map((n) => {
    const spec = findMetric(n);
    if (!spec) {
      // Azure Monitor's wording for an unknown metric name.
      throw new MetricsQueryError("BadRequest",
        `Failed to find metric configuration for provider: Microsoft.ContainerService, resource Type: managedClusters, metric: ${n}, Valid metrics: ${AKS_METRICS.map((m) => m.name).join(",")}`);
    }
    return spec;
  });
  const { start, end } = parseTimespan(q.timespan, ctx.now);
  const full = (q.interval ?? "").toUpperCase() === "FULL";
  const intervalMs = full ? end - start : parseIsoDuration(q.interval ?? "PT1M");
  if (!full && (end - start) / intervalMs > MAX_POINTS) {
    throw new MetricsQueryError("BadRequest", `The query would return more than ${MAX_POINTS} data points per series; use a larger interval.`);
  }
  const aggregations = (q.aggregation ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const clauses = parseDimensionFilter(q.filter);
  const top = q.top ? Number(q.top) : 10;
  const metadataOnly = (q.resultType ?? "").toLowerCase() === "metadata";
  const buckets: number[] = [];
  for (let t = start; t < end; t += intervalMs) buckets.push(t);
  return {
    cost: 0,
    timespan: `${iso(start)}/${iso(end)}`,
    interval: full ? toIso(end - start) : (q.interval ?? "PT1M").toUpperCase(),
    namespace: NAMESPACE,
    resourceregion: ctx.region,
    value: specs.map((spec) => {
      for (const c of clauses) {
        if (!spec.dimensions.includes(c.dimension)) {
          throw new MetricsQueryError("BadRequest", `Metric: ${spec.name} does not support requested dimension combination: ${c.dimension}, supported ones are: ${spec.dimensions.join(",")}`);
        }
      }
      const aggs = aggregations.length > 0 ? aggregations : [spec.primaryAggregationType.toLowerCase()];
      return {
        id: `${q.resourceId}/providers/Microsoft.Insights/metrics/${spec.name}`,
        type: "Microsoft.Insights/metrics",
        name: { value: spec.name, localizedValue: spec.displayName },
        displayDescription: spec.description,
        unit: spec.unit,
        timeseries: metadataOnly ? [] : timeseries(spec, clauses, buckets, intervalMs, aggs, top, ctx),
        errorCode: "Success"
      };
    })
  };
}

function timeseries(spec: MetricSpec, clauses: DimensionClause[], buckets: number[], intervalMs: number, aggs: string[], top: number, ctx: MetricsContext): unknown[] {
  const splitDims = clauses.filter((c) => c.split).map((c) => c.dimension);
  const groups = new Map<string, { dims: Record<string, string>; points: Map<number, number[]> }>();
  for (const bucket of buckets) {
    const at = Math.min(bucket + intervalMs, ctx.now) - 1;
    if (at < bucket) continue;
    const state = ctx.stateAt(at);
    if (!state) continue;
    for (const s of spec.series(state, at).filter((s) => matches(s, clauses))) {
      const dims = Object.fromEntries(splitDims.map((d) => [d, s.dims[d] ?? ""]));
      const key = JSON.stringify(dims);
      const group = groups.get(key) ?? { dims, points: new Map<number, number[]>() };
      const values = group.points.get(bucket) ?? [];
      values.push(s.value);
      group.points.set(bucket, values);
      groups.set(key, group);
    }
  }
  if (groups.size === 0 && splitDims.length === 0) groups.set("{}", { dims: {}, points: new Map() });
  const ordered = [...groups.values()]
    .map((g) => ({ ...g, weight: [...g.points.values()].reduce((sum, v) => sum + v.reduce((a, b) => a + b, 0), 0) }))
    .sort((a, b) => b.weight - a.weight || JSON.stringify(a.dims).localeCompare(JSON.stringify(b.dims)))
    .slice(0, splitDims.length > 0 ? top : undefined);
  return ordered.map((g) => ({
    metadatavalues: splitDims.map((d) => ({ name: { value: d, localizedValue: d }, value: g.dims[d] ?? "" })),
    data: buckets.map((bucket) => dataPoint(spec, bucket, g.points.get(bucket), aggs))
  }));
}

function dataPoint(spec: MetricSpec, bucket: number, values: number[] | undefined, aggs: string[]): Record<string, unknown> {
  const point: Record<string, unknown> = { timeStamp: iso(bucket) };
  if (!values || values.length === 0) return point;
  const sum = values.reduce((a, b) => a + b, 0);
  const value = spec.combine === "sum" ? sum : sum / values.length;
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  for (const a of aggs) {
    if (a === "average") point["average"] = round(value);
    else if (a === "total") point["total"] = round(sum);
    else if (a === "minimum") point["minimum"] = round(spec.combine === "sum" ? value : Math.min(...values));
    else if (a === "maximum") point["maximum"] = round(spec.combine === "sum" ? value : Math.max(...values));
    else if (a === "count") point["count"] = values.length;
  }
  return point;
}

function matches(s: RawSeries, clauses: DimensionClause[]): boolean {
  return clauses.every((c) => c.values.length === 0 || c.values.includes((s.dims[c.dimension] ?? "").toLowerCase()));
}

/** `start/end`, `start/duration` or `duration` (ending now); default the last hour. */
export function parseTimespan(timespan: string | null | undefined, now: number): { start: number; end: number } {
  if (!timespan) return { start: now - 3_600_000, end: now };
  const [a, b] = timespan.split("/");
  const time = (s: string): number => {
    const t = Date.parse(s);
    if (Number.isNaN(t)) throw new MetricsQueryError("BadRequest", `Invalid timespan "${timespan}"`);
    return t;
  };
  let start: number;
  let end: number;
  if (b === undefined) {
    end = now;
    start = now - parseIsoDuration(a ?? "");
  } else if ((a ?? "").toUpperCase().startsWith("P")) {
    end = time(b);
    start = end - parseIsoDuration(a ?? "");
  } else if (b.toUpperCase().startsWith("P")) {
    start = time(a ?? "");
    end = start + parseIsoDuration(b);
  } else {
    start = time(a ?? "");
    end = time(b);
  }
  if (end <= start) throw new MetricsQueryError("BadRequest", `Invalid timespan "${timespan}": the end must be after the start`);
  return { start, end };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

function toIso(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes % 1440 === 0 ? `P${minutes / 1440}D` : minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`;
}
