import { InvalidRolloutPolicyError, defaultRolloutPolicy, failureBudget, isoWeekOf, nodeImageOperationId, ringName, rolloutPolicyFrom } from "../../orchestrations/nodeImageRollout/rolloutPolicy";
import { spreadMs, stableHash } from "../../orchestrations/engine/spread";
import { armOperationIdOf } from "../../shared/azure/arm-operations";
import { failureOf, coordinatesOf, InvalidClusterResourceIdError } from "../../orchestrations/nodeImageRollout/activities/deps";
import { mergePages } from "../../orchestrations/nodeImageRollout/ringOrchestrator";

describe("node-image rollout rules", () => {
  it("names ISO weeks across year boundaries (weeks start Monday; week 1 holds the first Thursday)", () => {
    expect(isoWeekOf(new Date("2026-01-04T23:59:59Z"))).toBe("2026-W01");
    expect(isoWeekOf(new Date("2026-01-05T00:00:00Z"))).toBe("2026-W02");
    expect(isoWeekOf(new Date("2025-12-29T00:00:00Z"))).toBe("2026-W01");
    expect(isoWeekOf(new Date("2027-01-01T12:00:00Z"))).toBe("2026-W53");
    expect(isoWeekOf(new Date("2024-12-30T00:00:00Z"))).toBe("2025-W01");
    expect(isoWeekOf(new Date("2021-01-03T00:00:00Z"))).toBe("2020-W53");
  });

  it("gives each ring a budget of whole failed clusters, rounded down", () => {
    const p = { ...defaultRolloutPolicy, failureBudgetRatio: 0.1 };
    expect([1, 9, 10, 50, 300].map((n) => failureBudget(p, n))).toEqual([0, 0, 1, 5, 30]);
    expect(failureBudget({ ...p, failureBudgetRatio: 0.3 }, 10)).toBe(3);
    expect(failureBudget({ ...p, failureBudgetRatio: 0 }, 1000)).toBe(0);
  });

  it("reads settings over the defaults and names every invalid one", () => {
    expect(rolloutPolicyFrom({ soakHours: 24, pageSize: 20 })).toEqual({ ...defaultRolloutPolicy, soakHours: 24, pageSize: 20 });
    try {
      rolloutPolicyFrom({ failureBudgetRatio: 2, pageSize: 0.5, concurrency: Number.NaN });
      throw new Error("expected a failure");
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidRolloutPolicyError);
      expect((err as InvalidRolloutPolicyError).issues.map((i) => i.split(" ")[0])).toEqual(["failureBudgetRatio", "pageSize", "concurrency"]);
    }
  });

  it("names rings after environments and operations after their source and cluster", () => {
    expect([0, 1, 2, 3].map(ringName)).toEqual(["dev", "staging", "prod", "ring 3"]);
    expect(nodeImageOperationId("2026-W02", "aks-dev")).toBe("nodeimage-2026-W02-aks-dev");
    expect(nodeImageOperationId("manual 1/2", "aks-dev")).toBe("nodeimage-manual-1-2-aks-dev");
  });

  it("spreads clusters deterministically within the span (the same cluster always lands on the same offset)", () => {
    const offsets = Array.from({ length: 500 }, (_, i) => spreadMs(`aks-fleet-${i}`, 15 * 60_000));
    expect(offsets.every((o) => o >= 0 && o < 15 * 60_000)).toBe(true);
    expect(spreadMs("aks-fleet-7", 15 * 60_000)).toBe(offsets[7]);
    // Spread, not bunched: every minute of the span gets some clusters.
    const minutes = new Set(offsets.map((o) => Math.floor(o / 60_000)));
    expect(minutes.size).toBe(15);
    expect(spreadMs("x", 0)).toBe(0);
    expect(stableHash("aks-dev")).toBe(stableHash("aks-dev"));
  });

  it("keeps the ARM operation id of a serialized poller for the record", () => {
    const state = JSON.stringify({ state: { config: { operationLocation: "https://management.azure.com/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope/operations/0b1c-22?api-version=2026-06-01" } } });
    expect(armOperationIdOf(state)).toBe("/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope/operations/0b1c-22?api-version=2026-06-01");
    expect(armOperationIdOf("plain-id")).toBe("plain-id");
    expect(armOperationIdOf("{not json")).toBe("{not json");
  });

  it("classifies ARM and Cosmos failures: 429 with Retry-After, 409 conflicts, 404s, 5xx and resets transient, the rest permanent", () => {
    const headers = (retryAfter?: string) => ({ get: (name: string) => (name === "retry-after" ? retryAfter : undefined) });
    expect(failureOf({ statusCode: 429, code: "TooManyRequests", message: "slow down", response: { headers: headers("7") } })).toEqual({ kind: "throttled", status: 429, code: "TooManyRequests", message: "slow down", retryAfterMs: 7000 });
    expect(failureOf({ statusCode: 429, response: { headers: headers() } })).toMatchObject({ kind: "throttled", retryAfterMs: 5000 });
    expect(failureOf({ code: 429, message: "Request rate is large", headers: { "x-ms-retry-after-ms": "120" } })).toMatchObject({ kind: "throttled", retryAfterMs: 120 });
    expect(failureOf({ statusCode: 409, code: "OperationNotAllowed", message: "busy" })).toEqual({ kind: "conflict", status: 409, code: "OperationNotAllowed", message: "busy" });
    expect(failureOf({ statusCode: 404, details: { error: { code: "NotFound", message: "gone" } } })).toEqual({ kind: "notFound", status: 404, code: "NotFound", message: "gone" });
    expect(failureOf({ statusCode: 503, code: "ServiceUnavailable", message: "try later" })).toMatchObject({ kind: "transient" });
    expect(failureOf(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toMatchObject({ kind: "transient", code: "ECONNRESET" });
    expect(failureOf({ statusCode: 400, code: "InvalidParameter", message: "bad" })).toMatchObject({ kind: "permanent" });
    expect(failureOf(new Error("boom\n    at f (/work/main/dist/x.js:1:2)"))).toEqual({ kind: "permanent", code: "Error", message: "boom" });
    expect(failureOf(new Error("cannot open /home/u/app/dist/x.js"))).toMatchObject({ message: "cannot open <path>" });
  });

  it("parses cluster resource ids and rejects others", () => {
    const sub = "00000000-0000-0000-0000-000000000001";
    expect(coordinatesOf(`/subscriptions/${sub}/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks-a`)).toEqual({ subscriptionId: sub, resourceGroup: "rg-a", cluster: "aks-a" });
    expect(() => coordinatesOf(`/subscriptions/${sub}/resourceGroups/rg-a`)).toThrow(InvalidClusterResourceIdError);
    // Strict (shared/domain/armResourceId.ts): no trailing slash, no `..`, a GUID subscription.
    expect(() => coordinatesOf(`/subscriptions/${sub}/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks-a/`)).toThrow(InvalidClusterResourceIdError);
    expect(() => coordinatesOf(`/subscriptions/${sub}/resourceGroups/../providers/Microsoft.ContainerService/managedClusters/aks-a`)).toThrow(InvalidClusterResourceIdError);
    expect(() => coordinatesOf("/subscriptions/s1/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks-a")).toThrow(InvalidClusterResourceIdError);
  });

  it("merges page results, failures first, at most 25 notable clusters", () => {
    const page = (failed: number, skipped: number) => ({
      clusters: failed + skipped + 1, upgraded: 1, current: 0, skipped, failed,
      notable: [...Array.from({ length: skipped }, (_, i) => ({ clusterId: `s${i}`, result: "skipped" as const })), ...Array.from({ length: failed }, (_, i) => ({ clusterId: `f${i}`, result: "failed" as const }))]
    });
    const merged = mergePages([page(1, 10), page(2, 20)]);
    expect([merged.clusters, merged.upgraded, merged.failed, merged.skipped, merged.pages]).toEqual([35, 2, 3, 30, 2]);
    expect(merged.notable).toHaveLength(25);
    expect(merged.notable.slice(0, 3).map((n) => n.result)).toEqual(["failed", "failed", "failed"]);
  });
});
