import { subscriptionSpreadMs, subscriptionWindowSpreadMs } from "../../orchestrations/engine/spread";
import { sweepOrder, sweepPages } from "../../orchestrations/governance/sweepOrchestrator";
import { bySubscription, isManagedSubscription, subscriptionOf, unmanagedSubscriptionProblem } from "../../shared/domain/subscriptions";

const A = "00000000-0000-0000-0000-0000000000aa";
const B = "00000000-0000-0000-0000-0000000000bb";

describe("subscriptions, as pure rules (issue 31)", () => {
  it("reads a resource id's subscription in lower case and compares subscriptions case-insensitively", () => {
    expect(subscriptionOf(`/subscriptions/${A.toUpperCase()}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c`)).toBe(A);
    expect(subscriptionOf("/subscriptions/nope/resourceGroups/rg")).toBeUndefined();
    expect(isManagedSubscription(A.toUpperCase(), [B, A])).toBe(true);
    expect(unmanagedSubscriptionProblem("resourceId", A, [A], "AZURE_SUBSCRIPTION_ID")).toBeUndefined();
    expect(unmanagedSubscriptionProblem("resourceId", B, [A], "AZURE_SUBSCRIPTION_ID")?.message).toBe(`subscription ${B} is not managed by this platform (managed: ${A}; from AZURE_SUBSCRIPTION_ID)`);
    expect([...bySubscription(["x", "y", "z"], (i) => (i === "y" ? B.toUpperCase() : undefined), A)]).toEqual([[A, ["x", "z"]], [B, ["y"]]]);
  });

  it("sweeps each subscription's pages staggered from 0 (its own buckets); bare ids (sweeps listed before) as one subscription", () => {
    const listed = sweepOrder([
      { clusterId: "b2", subscriptionId: B }, { clusterId: "a1", subscriptionId: A }, { clusterId: "a3", subscriptionId: A },
      { clusterId: "a2", subscriptionId: A }, { clusterId: "b1", subscriptionId: B }
    ]);
    expect(sweepPages(listed, 2, 30_000)).toEqual([
      { clusterIds: ["a1", "a2"], delayMs: 0 }, { clusterIds: ["a3"], delayMs: 30_000 }, { clusterIds: ["b1", "b2"], delayMs: 0 }
    ]);
    expect(sweepPages(["a1", "a2", "a3"], 2, 30_000)).toEqual([{ clusterIds: ["a1", "a2"], delayMs: 0 }, { clusterIds: ["a3"], delayMs: 30_000 }]);
  });

  it("spreads a subscription's reads within its read bucket: none below half the burst, 1 s per 25 above", () => {
    expect(subscriptionSpreadMs(100)).toBe(0);
    expect(subscriptionSpreadMs(2000)).toBe(75_000);
    expect(subscriptionSpreadMs(500)).toBe(15_000);
    expect(subscriptionSpreadMs(5000)).toBe(195_000);
  });

  it("spreads the clusters of a subscription whose windows open together inside its read and write buckets, N subscriptions N times sooner", () => {
    // 6 reads and 1 write a cluster: 1,200 clusters read 7,200 times, (7,200 - 125) / 25 = 283 s; writes need (1,200 - 100) / 10 = 110 s.
    expect(subscriptionWindowSpreadMs(1200)).toBe(283_000);
    // The same ring over four subscriptions: 300 each, 67 s each, side by side.
    expect(subscriptionWindowSpreadMs(300)).toBe(67_000);
    // Few clusters fit in half of either burst: at once.
    expect(subscriptionWindowSpreadMs(20)).toBe(0);
  });
});
