import { currentPeriod, forecast, hourlyRate } from "../../../local/azure/budgets/spend";
import { vmHourlyPrice } from "../../../local/azure/budgets/prices";
import { matchesFilter } from "../../../local/azure/eventgrid/filter";
import { decideAfterFailure, retryDelayMs } from "../../../local/azure/eventgrid/retryPolicy";
import { parseDimensionFilter } from "../../../local/azure/monitor/dimensionFilter";
import { parseIsoDuration } from "../../../local/azure/monitor/isoDuration";
import { parseTimespan } from "../../../local/azure/monitor/metricsQuery";
import { ClusterStateHistory } from "../../../local/azure/monitor/stateHistory";
import type { ClusterState } from "../../../local/azure/monitor/fleetState";

describe("Event Grid retry policy", () => {
  it("follows the documented schedule, then every 12 hours", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => retryDelayMs(n) / 1000)).toEqual([10, 30, 60, 300, 600, 1800, 3600, 10800, 21600, 43200, 43200]);
  });

  it("stops at maxDeliveryAttempts, at the TTL, and at once on 400/401/403/413", () => {
    const policy = { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 };
    expect(decideAfterFailure(policy, 1, 0, 500)).toEqual({ action: "retry", delayMs: 10_000 });
    expect(decideAfterFailure(policy, 1, 0, undefined)).toEqual({ action: "retry", delayMs: 10_000 });
    for (const status of [400, 401, 403, 413]) expect(decideAfterFailure(policy, 1, 0, status)).toEqual({ action: "deadLetter", reason: "NonRetriableStatus" });
    expect(decideAfterFailure({ ...policy, maxDeliveryAttempts: 3 }, 3, 0, 503)).toEqual({ action: "deadLetter", reason: "MaxDeliveryAttemptsExceeded" });
    expect(decideAfterFailure(policy, 10, 23 * 3600_000, 503)).toEqual({ action: "deadLetter", reason: "TimeToLiveExceeded" });
    // Compressed time (durationScale 0.01): the first retry comes after 100 ms.
    expect(decideAfterFailure(policy, 1, 0, 500, 0.01)).toEqual({ action: "retry", delayMs: 100 });
  });

  it("filters by event type case-insensitively and by subject prefix/suffix", () => {
    const e = { eventType: "Microsoft.ContainerService.NodePoolRollingStarted", subject: "aks-Prod" };
    expect(matchesFilter({ includedEventTypes: ["microsoft.containerservice.nodepoolrollingstarted"] }, e)).toBe(true);
    expect(matchesFilter({ includedEventTypes: [] }, e)).toBe(true);
    expect(matchesFilter({ subjectBeginsWith: "AKS-" }, e)).toBe(true);
    expect(matchesFilter({ subjectBeginsWith: "AKS-", isSubjectCaseSensitive: true }, e)).toBe(false);
    expect(matchesFilter({ subjectEndsWith: "-dev" }, e)).toBe(false);
  });
});

describe("Metrics query parsing", () => {
  it("parses $filter clauses, splits and alternatives", () => {
    expect(parseDimensionFilter("condition eq 'Ready' and status eq '*'")).toEqual([
      { dimension: "condition", values: ["ready"], split: false },
      { dimension: "status", values: [], split: true }
    ]);
    expect(parseDimensionFilter("(node eq 'a' or node eq 'b') and phase eq 'Running'")).toEqual([
      { dimension: "node", values: ["a", "b"], split: true },
      { dimension: "phase", values: ["running"], split: false }
    ]);
    expect(() => parseDimensionFilter("node gt 'a'")).toThrow(/cannot parse/);
  });

  it("parses ISO durations and timespans", () => {
    expect(parseIsoDuration("PT1M")).toBe(60_000);
    expect(parseIsoDuration("P1DT12H")).toBe(36 * 3600_000);
    expect(() => parseIsoDuration("1M")).toThrow();
    const now = Date.parse("2026-03-10T08:00:00Z");
    expect(parseTimespan("PT1H", now)).toEqual({ start: now - 3600_000, end: now });
    expect(parseTimespan("2026-03-10T07:00:00Z/PT30M", now)).toEqual({ start: now - 3600_000, end: now - 1800_000 });
    expect(parseTimespan(undefined, now)).toEqual({ start: now - 3600_000, end: now });
  });
});

describe("Fleet state history and spend", () => {
  const cluster = (count: number, stopped = false): ClusterState => ({
    id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c",
    location: "westeurope",
    powerState: stopped ? "Stopped" : "Running",
    createdAt: "2026-03-01T00:00:00.000Z",
    pools: [{ name: "system", mode: "System", vmSize: "Standard_D4ds_v5", count, surgeNodes: 0, notReadyNodes: 0, rolling: false }]
  });

  it("answers the state in effect at a time, and splits a span into segments at each change", () => {
    const h = new ClusterStateHistory();
    const t0 = Date.parse("2026-03-02T00:00:00Z");
    h.observe(t0, [cluster(3)]);
    h.observe(t0 + 3600_000, [cluster(5)]);
    h.observe(t0 + 7200_000, [cluster(5, true)]);
    const id = cluster(0).id;
    expect(h.stateAt(id, Date.parse("2026-02-28T00:00:00Z"))).toBeUndefined();
    expect(h.stateAt(id, t0 - 1000)?.pools[0]?.count).toBe(3);
    expect(h.stateAt(id, t0 + 3600_000)?.pools[0]?.count).toBe(5);
    const segments = h.segments(id, t0, t0 + 3 * 3600_000);
    expect(segments.map((s) => [(s.to - s.from) / 3600_000, hourlyRate(s.state)])).toEqual([[1, 3 * 0.226], [1, 5 * 0.226], [1, 0]]);
  });

  it("computes grain periods from the start date and forecasts at the current rate", () => {
    const start = Date.parse("2026-02-01T00:00:00Z");
    expect(currentPeriod("Quarterly", start, undefined, Date.parse("2026-06-15T00:00:00Z"))).toEqual({ from: Date.parse("2026-05-01T00:00:00Z"), to: Date.parse("2026-08-01T00:00:00Z") });
    expect(currentPeriod("Monthly", start, undefined, Date.parse("2026-01-15T00:00:00Z"))).toBeUndefined();
    expect(forecast(10, 2, 0, 5 * 3600_000)).toBe(20);
  });

  it("prices unknown VM sizes per vCPU", () => {
    expect(vmHourlyPrice("Standard_D4ds_v5")).toBe(0.226);
    expect(vmHourlyPrice("Standard_D32ads_v6")).toBeCloseTo(32 * 0.0565, 4);
  });
});
