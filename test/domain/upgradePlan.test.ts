import {
  InvalidClusterVersionsError, KubernetesDowngradeError, UnsupportedKubernetesVersionError,
  aksPoolSkew, compareKubernetesVersions, minorDistance, parseKubernetesVersion, planKubernetesUpgrade,
  type ClusterVersions, type KubernetesCatalog, type UpgradePlan, type UpgradePlanPolicy
} from "../../shared/domain/versions";
import { catalogOf, standardCatalog } from "./fixtures/catalog";

const GA: UpgradePlanPolicy = { allowPreview: false };

function cluster(controlPlane: string, ...pools: [string, string, string?][]): ClusterVersions {
  return { controlPlane, pools: pools.map(([name, version, mode]) => ({ name, version, mode: mode ?? "User" })) };
}

/** Applies a plan step by step and checks AKS's invariants after each step. */
function simulate(start: ClusterVersions, plan: UpgradePlan, policy: UpgradePlanPolicy): ClusterVersions {
  let cp = start.controlPlane;
  const pools = new Map(start.pools.map((p) => [p.name, p.version]));
  plan.steps.forEach((step, i) => {
    expect(step.index).toBe(i);
    expect(compareKubernetesVersions(step.to, step.from)).toBeGreaterThan(0);
    if (step.kind === "controlPlane") {
      expect(step.from).toBe(cp);
      cp = step.to;
      for (const [name, version] of pools) {
        const skew = Math.min(aksPoolSkew(parseKubernetesVersion(cp)), policy.maxMinorSkew ?? Infinity);
        const behind = minorDistance(parseKubernetesVersion(version), parseKubernetesVersion(cp));
        // A pool may only exceed the skew if it already sat at the control plane's version before the hop
        // (AKS's own jump from an unsupported line).
        if (behind > skew) expect(version).toBe(step.from);
        void name;
      }
    } else {
      expect(step.pool).toBeDefined();
      expect(pools.get(step.pool!)).toBe(step.from);
      expect(compareKubernetesVersions(step.to, cp)).toBeLessThanOrEqual(0);
      pools.set(step.pool!, step.to);
    }
  });
  return { controlPlane: cp, pools: start.pools.map((p) => ({ ...p, version: pools.get(p.name)! })) };
}

describe("planKubernetesUpgrade: control plane path", () => {
  it("1.30 → 1.32 goes through the newest patch of 1.31, then pools follow", () => {
    const start = cluster("1.30.3", ["system", "1.30.3", "System"], ["user", "1.30.3"]);
    const plan = planKubernetesUpgrade({ current: start, target: "1.32.3", catalog: standardCatalog, policy: GA });
    expect(plan).toEqual({
      target: "1.32.3",
      steps: [
        { index: 0, kind: "controlPlane", from: "1.30.3", to: "1.31.2" },
        { index: 1, kind: "controlPlane", from: "1.31.2", to: "1.32.3" },
        { index: 2, kind: "nodePool", pool: "system", from: "1.30.3", to: "1.32.3" },
        { index: 3, kind: "nodePool", pool: "user", from: "1.30.3", to: "1.32.3" }
      ]
    });
    expect(simulate(start, plan, GA).pools.every((p) => p.version === "1.32.3")).toBe(true);
  });

  it("uses the newest patch numerically (1.30.10, not 1.30.9) for intermediate hops", () => {
    const plan = planKubernetesUpgrade({ current: cluster("1.29.7"), target: "1.31.1", catalog: standardCatalog, policy: GA });
    expect(plan.steps.map((s) => s.to)).toEqual(["1.30.10", "1.31.1"]);
  });

  it("a patch upgrade within the line is a single hop", () => {
    const plan = planKubernetesUpgrade({ current: cluster("1.32.0", ["a", "1.32.0"]), target: "1.32.3", catalog: standardCatalog, policy: GA });
    expect(plan.steps).toEqual([
      { index: 0, kind: "controlPlane", from: "1.32.0", to: "1.32.3" },
      { index: 1, kind: "nodePool", pool: "a", from: "1.32.0", to: "1.32.3" }
    ]);
  });

  it("already at the target gives an empty plan", () => {
    const plan = planKubernetesUpgrade({ current: cluster("1.32.3", ["a", "1.32.3"]), target: "1.32.3", catalog: standardCatalog, policy: GA });
    expect(plan).toEqual({ target: "1.32.3", steps: [] });
  });

  it("no target means the newest GA version, even when previews are allowed", () => {
    const plan = planKubernetesUpgrade({ current: cluster("1.31.1"), catalog: standardCatalog, policy: { allowPreview: true } });
    expect(plan.target).toBe("1.32.3");
    expect(plan.steps.map((s) => s.to)).toEqual(["1.32.3"]);
  });

  it("no target on a cluster already past the newest GA (on a preview) plans nothing", () => {
    const plan = planKubernetesUpgrade({ current: cluster("1.33.0", ["a", "1.33.0"]), catalog: standardCatalog, policy: GA });
    expect(plan).toEqual({ target: "1.33.0", steps: [] });
  });

  it("accepts an alias minor target (1.32 → its newest patch)", () => {
    const plan = planKubernetesUpgrade({ current: cluster("1.31.2"), target: "1.32", catalog: standardCatalog, policy: GA });
    expect(plan.target).toBe("1.32.3");
    expect(() => planKubernetesUpgrade({ current: cluster("1.31.2"), target: "1.33", catalog: standardCatalog, policy: GA })).toThrow(/preview/);
  });

  it("never downgrades", () => {
    const error = catchError(() => planKubernetesUpgrade({ current: cluster("1.31.2"), target: "1.30.10", catalog: standardCatalog, policy: GA }));
    expect(error).toBeInstanceOf(KubernetesDowngradeError);
    expect(error).toMatchObject({ current: "1.31.2", target: "1.30.10" });
    expect(() => planKubernetesUpgrade({ current: cluster("1.31.2"), target: "1.31.1", catalog: standardCatalog, policy: GA })).toThrow(KubernetesDowngradeError);
  });

  it("rejects a target AKS does not offer, naming it and what is offered", () => {
    const error = catchError(() => planKubernetesUpgrade({ current: cluster("1.31.2"), target: "1.32.2", catalog: standardCatalog, policy: GA }));
    expect(error).toBeInstanceOf(UnsupportedKubernetesVersionError);
    expect((error as Error).message).toContain("1.32.2");
    expect((error as Error).message).toContain("1.32.0, 1.32.3");
    expect(() => planKubernetesUpgrade({ current: cluster("1.31.2"), target: "1.34.0", catalog: standardCatalog, policy: GA })).toThrow(/does not list the 1.34/);
  });

  it("rejects garbage targets", () => {
    expect(() => planKubernetesUpgrade({ current: cluster("1.31.2"), target: "latest", catalog: standardCatalog, policy: GA })).toThrow(/Invalid Kubernetes version "latest"/);
  });

  it("preview targets only when the policy allows them", () => {
    expect(() => planKubernetesUpgrade({ current: cluster("1.32.3"), target: "1.33.0", catalog: standardCatalog, policy: GA })).toThrow(/1.33.0.*preview/);
    const plan = planKubernetesUpgrade({ current: cluster("1.31.2"), target: "1.33.0", catalog: standardCatalog, policy: { allowPreview: true } });
    expect(plan.steps.map((s) => s.to)).toEqual(["1.32.3", "1.33.0"]);
  });

  it("a preview line in the middle of the path blocks a GA-only policy", () => {
    const catalog = catalogOf({ "1.30": { patches: ["1.30.1"] }, "1.31": { patches: ["1.31.0"], preview: true }, "1.32": { patches: ["1.32.0"] } });
    expect(() => planKubernetesUpgrade({ current: cluster("1.30.1"), target: "1.32.0", catalog, policy: GA })).toThrow(/goes through 1.31.*preview/);
    expect(planKubernetesUpgrade({ current: cluster("1.30.1"), target: "1.32.0", catalog, policy: { allowPreview: true } }).steps).toHaveLength(2);
  });

  it("a line missing from the catalog in the middle of the path is an error naming it", () => {
    const catalog = catalogOf({ "1.30": { patches: ["1.30.1"] }, "1.32": { patches: ["1.32.0"] } });
    expect(() => planKubernetesUpgrade({ current: cluster("1.30.1"), target: "1.32.0", catalog, policy: GA })).toThrow(/goes through 1.31/);
  });

  it("LTS-only lines are offered only under the AKSLongTermSupport plan", () => {
    const start = cluster("1.27.100");
    expect(() => planKubernetesUpgrade({ current: start, target: "1.27.102", catalog: standardCatalog, policy: GA })).toThrow(/KubernetesOfficial/);
    const plan = planKubernetesUpgrade({ current: start, target: "1.27.102", catalog: standardCatalog, policy: { allowPreview: false, supportPlan: "AKSLongTermSupport" } });
    expect(plan.steps).toEqual([{ index: 0, kind: "controlPlane", from: "1.27.100", to: "1.27.102" }]);
  });

  it("from an unsupported line, jumps straight to the oldest supported line (AKS's exception)", () => {
    const start = cluster("1.25.4", ["pool", "1.25.4"]);
    const plan = planKubernetesUpgrade({ current: start, target: "1.30.10", catalog: standardCatalog, policy: GA });
    expect(plan.steps).toEqual([
      { index: 0, kind: "controlPlane", from: "1.25.4", to: "1.29.9" },
      { index: 1, kind: "nodePool", pool: "pool", from: "1.25.4", to: "1.29.9" },
      { index: 2, kind: "controlPlane", from: "1.29.9", to: "1.30.10" },
      { index: 3, kind: "nodePool", pool: "pool", from: "1.29.9", to: "1.30.10" }
    ]);
    simulate(start, plan, GA);
  });

  it("checks the first hop against the cluster's upgrade profile when one was read", () => {
    const offered = { ...standardCatalog, controlPlaneUpgrades: [{ kubernetesVersion: "1.31.1" }, { kubernetesVersion: "1.31.2" }] };
    expect(planKubernetesUpgrade({ current: cluster("1.30.3"), target: "1.32.3", catalog: offered, policy: GA }).steps).toHaveLength(2);
    const stale = { ...standardCatalog, controlPlaneUpgrades: [{ kubernetesVersion: "1.31.1" }] };
    expect(() => planKubernetesUpgrade({ current: cluster("1.30.3"), target: "1.32.3", catalog: stale, policy: GA })).toThrow(/1.31.2.*upgrade profile offers 1.31.1/);
    const none: KubernetesCatalog = { ...standardCatalog, controlPlaneUpgrades: [] };
    expect(() => planKubernetesUpgrade({ current: cluster("1.30.3"), target: "1.31.2", catalog: none, policy: GA })).toThrow(/offers no upgrade/);
  });
});

describe("planKubernetesUpgrade: pools", () => {
  it("pools behind the control plane catch up even when the control plane is at the target", () => {
    const plan = planKubernetesUpgrade({ current: cluster("1.32.3", ["old", "1.30.3"], ["current", "1.32.3"]), target: "1.32.3", catalog: standardCatalog, policy: GA });
    expect(plan.steps).toEqual([{ index: 0, kind: "nodePool", pool: "old", from: "1.30.3", to: "1.32.3" }]);
  });

  it("a pool three minors behind stays within AKS's skew (1.28+) without interleaving", () => {
    const start = cluster("1.31.2", ["lagging", "1.29.7"]);
    const plan = planKubernetesUpgrade({ current: start, target: "1.32.3", catalog: standardCatalog, policy: GA });
    expect(plan.steps.map((s) => `${s.kind}:${s.to}`)).toEqual(["controlPlane:1.32.3", "nodePool:1.32.3"]);
    simulate(start, plan, GA);
  });

  it("interleaves when a hop would push a pool past AKS's skew", () => {
    // 1.29 → 1.30 → ... : a pool on 1.26 may trail 1.29 by 3 but not 1.30 by 4.
    const catalog = catalogOf({ "1.26": { patches: ["1.26.6"] }, "1.29": { patches: ["1.29.9"] }, "1.30": { patches: ["1.30.2"] }, "1.31": { patches: ["1.31.0"] } });
    const start = cluster("1.29.9", ["old", "1.26.6"], ["fresh", "1.29.9"]);
    const plan = planKubernetesUpgrade({ current: start, target: "1.31.0", catalog, policy: GA });
    expect(plan.steps).toEqual([
      { index: 0, kind: "nodePool", pool: "old", from: "1.26.6", to: "1.29.9" },
      { index: 1, kind: "controlPlane", from: "1.29.9", to: "1.30.2" },
      { index: 2, kind: "controlPlane", from: "1.30.2", to: "1.31.0" },
      { index: 3, kind: "nodePool", pool: "old", from: "1.29.9", to: "1.31.0" },
      { index: 4, kind: "nodePool", pool: "fresh", from: "1.29.9", to: "1.31.0" }
    ]);
    simulate(start, plan, GA);
  });

  it("a policy's tighter maxMinorSkew interleaves pool steps between hops", () => {
    const start = cluster("1.30.3", ["system", "1.30.3", "System"], ["user", "1.30.3"]);
    const policy = { allowPreview: false, maxMinorSkew: 1 };
    const plan = planKubernetesUpgrade({ current: start, target: "1.32.3", catalog: standardCatalog, policy });
    expect(plan.steps.map((s) => `${s.kind}${s.pool ? `(${s.pool})` : ""}:${s.from}→${s.to}`)).toEqual([
      "controlPlane:1.30.3→1.31.2",
      "nodePool(system):1.30.3→1.31.2",
      "nodePool(user):1.30.3→1.31.2",
      "controlPlane:1.31.2→1.32.3",
      "nodePool(system):1.31.2→1.32.3",
      "nodePool(user):1.31.2→1.32.3"
    ]);
    simulate(start, plan, policy);
  });

  it("AKS's skew before 1.28 is two minors", () => {
    expect(aksPoolSkew(parseKubernetesVersion("1.27.9"))).toBe(2);
    expect(aksPoolSkew(parseKubernetesVersion("1.28.0"))).toBe(3);
  });

  it("System pools go first, User pools keep their order", () => {
    const plan = planKubernetesUpgrade({
      current: cluster("1.31.2", ["u1", "1.31.2"], ["sys", "1.31.2", "System"], ["u2", "1.31.2"]),
      target: "1.32.3", catalog: standardCatalog, policy: GA
    });
    expect(plan.steps.filter((s) => s.kind === "nodePool").map((s) => s.pool)).toEqual(["sys", "u1", "u2"]);
  });

  it("a pool ahead of the control plane is rejected, naming the pool", () => {
    expect(() => planKubernetesUpgrade({ current: cluster("1.31.2", ["rogue", "1.32.0"]), target: "1.32.3", catalog: standardCatalog, policy: GA }))
      .toThrow(InvalidClusterVersionsError);
    expect(() => planKubernetesUpgrade({ current: cluster("1.31.2", ["rogue", "1.32.0"]), catalog: standardCatalog, policy: GA })).toThrow(/pool rogue runs 1.32.0/);
  });

  it("holds AKS's invariants across a matrix of clusters and targets", () => {
    const cps = ["1.29.7", "1.29.9", "1.30.1", "1.30.10", "1.31.1", "1.32.0"];
    const targets = [undefined, "1.30.10", "1.31.2", "1.32.0", "1.32.3", "1.33.0"];
    let planned = 0;
    for (const cp of cps) {
      const pools: [string, string, string?][] = [["sys", cp, "System"], ["user", "1.29.7"], ["batch", "1.29.9"]];
      const start = cluster(cp, ...pools.filter(([, v]) => compareKubernetesVersions(v, cp) <= 0));
      for (const target of targets) {
        for (const policy of [GA, { allowPreview: true }, { allowPreview: true, maxMinorSkew: 1 }]) {
          if (target && compareKubernetesVersions(target, cp) < 0) continue;
          if (target === "1.33.0" && !policy.allowPreview) continue;
          const plan = planKubernetesUpgrade({ current: start, catalog: standardCatalog, policy, ...(target ? { target } : {}) });
          const end = simulate(start, plan, policy);
          expect(end.controlPlane).toBe(plan.target);
          expect(end.pools.every((p) => p.version === plan.target)).toBe(true);
          const hops = plan.steps.filter((s) => s.kind === "controlPlane");
          for (const hop of hops) expect(minorDistance(parseKubernetesVersion(hop.from), parseKubernetesVersion(hop.to))).toBeLessThanOrEqual(1);
          planned++;
        }
      }
    }
    expect(planned).toBeGreaterThan(60);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
