import { type ClusterHealthSample, evaluateHealthGate } from "../../shared/domain/healthGate";
import { defaultPolicy } from "../../shared/domain/policy";

const prod = defaultPolicy("prod").healthGate;

function sample(overrides: Partial<ClusterHealthSample> = {}): ClusterHealthSample {
  return {
    at: "2026-11-21T10:00:00Z",
    pools: [{ pool: "system", nodesReady: 3, nodesTotal: 3 }, { pool: "user", nodesReady: 5, nodesTotal: 5 }],
    podsReadyRatio: 0.99, podsFailed: 1, podsPending: 0,
    ...overrides
  };
}

describe("evaluateHealthGate", () => {
  it("passes an unchanged cluster and says why", () => {
    const verdict = evaluateHealthGate({ before: sample(), after: sample(), thresholds: prod });
    expect(verdict.pass).toBe(true);
    expect(verdict.reason).toMatch(/^healthy: pool system: 3\/3 nodes Ready/);
    expect(verdict.checks.every((c) => c.pass)).toBe(true);
  });

  it("fails when a pool has a NotReady node, naming the pool", () => {
    const after = sample({ pools: [{ pool: "system", nodesReady: 3, nodesTotal: 3 }, { pool: "user", nodesReady: 4, nodesTotal: 5 }] });
    const verdict = evaluateHealthGate({ before: sample(), after, thresholds: prod });
    expect(verdict).toMatchObject({ pass: false, reason: "pool user: 4/5 nodes Ready (need 100%)" });
  });

  it("tolerates what the thresholds allow (dev: 90% of nodes)", () => {
    const after = sample({ pools: [{ pool: "system", nodesReady: 3, nodesTotal: 3 }, { pool: "user", nodesReady: 9, nodesTotal: 10 }] });
    expect(evaluateHealthGate({ before: sample(), after, thresholds: defaultPolicy("dev").healthGate }).pass).toBe(true);
  });

  it("only checks the pools in scope", () => {
    const after = sample({ pools: [{ pool: "system", nodesReady: 2, nodesTotal: 3 }, { pool: "user", nodesReady: 5, nodesTotal: 5 }] });
    expect(evaluateHealthGate({ before: sample(), after, thresholds: prod, pools: ["user"] }).pass).toBe(true);
    expect(evaluateHealthGate({ before: sample(), after, thresholds: prod }).pass).toBe(false);
  });

  it("fails when a pool disappears from the metrics", () => {
    const verdict = evaluateHealthGate({ before: sample(), after: sample({ pools: [{ pool: "system", nodesReady: 3, nodesTotal: 3 }] }), thresholds: prod });
    expect(verdict.reason).toBe("pool user reported no node metrics after the step");
  });

  it("passes a pool scaled to zero before and after", () => {
    const pools = [{ pool: "batch", nodesReady: 0, nodesTotal: 0 }];
    expect(evaluateHealthGate({ before: sample({ pools }), after: sample({ pools }), thresholds: prod }).pass).toBe(true);
    const lost = evaluateHealthGate({ before: sample(), after: sample({ pools: [{ pool: "system", nodesReady: 0, nodesTotal: 0 }, { pool: "user", nodesReady: 5, nodesTotal: 5 }] }), thresholds: prod });
    expect(lost.pass).toBe(false);
  });

  it("compares pod readiness with the baseline and with the floor", () => {
    const drop = evaluateHealthGate({ before: sample({ podsReadyRatio: 1 }), after: sample({ podsReadyRatio: 0.97 }), thresholds: prod });
    expect(drop.pass).toBe(false);
    expect(drop.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual(["podsReadyDrop"]);
    const floor = evaluateHealthGate({ before: sample({ podsReadyRatio: 0.94 }), after: sample({ podsReadyRatio: 0.94 }), thresholds: prod });
    expect(floor.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual(["podsReadyFloor"]);
    const exact = evaluateHealthGate({ before: sample({ podsReadyRatio: 0.99 }), after: sample({ podsReadyRatio: 0.97 }), thresholds: prod });
    expect(exact.pass).toBe(true);
  });

  it("counts new failed and pending pods against the baseline, reporting every failure", () => {
    const verdict = evaluateHealthGate({ before: sample({ podsFailed: 2, podsPending: 1 }), after: sample({ podsFailed: 3, podsPending: 5 }), thresholds: prod });
    expect(verdict.reason).toBe("failed pods 2 → 3 (may rise by 0); pending pods 1 → 5 (may rise by 3)");
  });

  it("fails closed on missing or malformed metrics", () => {
    const broken = { ...sample(), podsReadyRatio: Number.NaN };
    expect(evaluateHealthGate({ before: sample(), after: broken, thresholds: prod })).toMatchObject({ pass: false, reason: "pods-ready ratio after the step is missing or not within 0–1" });
    const inconsistent = sample({ pools: [{ pool: "user", nodesReady: 6, nodesTotal: 5 }] });
    expect(evaluateHealthGate({ before: inconsistent, after: sample(), thresholds: prod }).reason).toBe("node counts baseline for pool user are inconsistent");
  });
});
