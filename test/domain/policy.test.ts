import { nextWindow } from "../../shared/domain/maintenanceWindow";
import {
  ENVIRONMENTS, PolicyValidationError, defaultPolicy, effectiveNodeImageWindow, mergePolicy, resolvePolicy, ringOf, upgradeSettingsOf, validatePolicy
} from "../../shared/domain/policy";

describe("defaultPolicy", () => {
  it("dev upgrades without approval, staging asks once, prod asks every step", () => {
    expect(ENVIRONMENTS.map((e) => defaultPolicy(e).approval)).toEqual(["none", "oncePerUpgrade", "everyStep"]);
  });

  it("every default is itself a valid policy", () => {
    for (const env of ENVIRONMENTS) expect(validatePolicy(defaultPolicy(env))).toEqual([]);
  });

  it("rings follow dev → staging → prod and so do the fallback windows within a week", () => {
    expect(ENVIRONMENTS.map((e) => ringOf(defaultPolicy(e), e))).toEqual([0, 1, 2]);
    const starts = ENVIRONMENTS.map((e) => nextWindow(defaultPolicy(e).nodeImage.window, "2026-11-23T00:00:00Z")!.start);
    expect([...starts].sort()).toEqual(starts);
  });

  it("health gates tighten towards prod", () => {
    const [dev, staging, prod] = ENVIRONMENTS.map((e) => defaultPolicy(e).healthGate);
    expect(dev!.minPodsReadyRatio).toBeLessThan(staging!.minPodsReadyRatio);
    expect(staging!.minPodsReadyRatio).toBeLessThan(prod!.minPodsReadyRatio);
    expect(prod!.maxFailedPodsIncrease).toBe(0);
  });

  it("returns a fresh object each time", () => {
    const a = defaultPolicy("prod");
    a.healthGate.minNodesReadyRatio = 0;
    expect(defaultPolicy("prod").healthGate.minNodesReadyRatio).toBe(1);
  });
});

describe("mergePolicy", () => {
  it("overrides top-level and nested fields without touching the rest", () => {
    const defaults = defaultPolicy("prod");
    const merged = mergePolicy(defaults, { approval: "oncePerUpgrade", healthGate: { maxPendingPodsIncrease: 10 }, nodeImage: { ring: 5 } });
    expect(merged.approval).toBe("oncePerUpgrade");
    expect(merged.healthGate).toEqual({ ...defaults.healthGate, maxPendingPodsIncrease: 10 });
    expect(merged.nodeImage).toEqual({ ...defaults.nodeImage, ring: 5 });
    expect(merged.approvalTimeoutMinutes).toBe(defaults.approvalTimeoutMinutes);
  });

  it("replaces a window whole rather than mixing two schedules", () => {
    const window = { schedule: { daily: { intervalDays: 1 } }, durationHours: 8, startTime: "22:00" };
    const merged = mergePolicy(defaultPolicy("dev"), { nodeImage: { window } });
    expect(merged.nodeImage.window).toEqual(window);
    expect(validatePolicy(merged)).toEqual([]);
  });

  it("does not alias the inputs", () => {
    const defaults = defaultPolicy("dev");
    const merged = mergePolicy(defaults, undefined);
    merged.nodeImage.window.durationHours = 24;
    expect(defaults.nodeImage.window.durationHours).toBe(4);
  });
});

describe("validatePolicy", () => {
  it("names every invalid field", () => {
    const issues = validatePolicy({
      approval: "sometimes", approvalTimeoutMinutes: 0, onApprovalTimeout: "escalate", escalationChannel: "ftp://teams",
      targetChannel: "edge", allowPreview: "yes", nodeImage: { ring: -1, window: { schedule: {}, durationHours: 2, startTime: "7pm" } },
      healthGate: { minNodesReadyRatio: 1.5, minPodsReadyRatio: 0.9, maxPodsReadyDrop: 0.1, maxFailedPodsIncrease: -1, maxPendingPodsIncrease: 2.5 },
      colour: "blue"
    });
    expect(issues.map((i) => i.field).sort()).toEqual([
      "policy.allowPreview", "policy.approval", "policy.approvalTimeoutMinutes", "policy.colour", "policy.escalationChannel",
      "policy.healthGate.maxFailedPodsIncrease", "policy.healthGate.maxPendingPodsIncrease", "policy.healthGate.minNodesReadyRatio",
      "policy.nodeImage.ring", "policy.nodeImage.window.durationHours", "policy.nodeImage.window.schedule", "policy.nodeImage.window.startTime",
      "policy.targetChannel"
    ]);
    expect(issues.find((i) => i.field === "policy.approval")?.message).toBe("must be one of none, oncePerUpgrade, everyStep");
  });

  it("a full policy needs every field; escalation needs a channel", () => {
    const issues = validatePolicy({ ...defaultPolicy("prod"), onApprovalTimeout: "escalate" });
    expect(issues).toEqual([{ field: "policy.escalationChannel", message: "is required when onApprovalTimeout is escalate" }]);
    expect(validatePolicy({}).map((i) => i.field)).toEqual([
      "policy.approval", "policy.approvalTimeoutMinutes", "policy.onApprovalTimeout", "policy.targetChannel", "policy.allowPreview", "policy.nodeImage", "policy.healthGate"
    ]);
    expect(validatePolicy([], { prefix: "body.policy" })).toEqual([{ field: "body.policy", message: "must be an object" }]);
  });

  it("partial validation accepts any valid subset and still rejects bad values", () => {
    expect(validatePolicy({ approval: "none", healthGate: { maxPodsReadyDrop: 0.2 } }, { partial: true })).toEqual([]);
    expect(validatePolicy({ healthGate: { maxPodsReadyDrop: 2, typo: 1 } }, { partial: true }).map((i) => i.field))
      .toEqual(["policy.healthGate.typo", "policy.healthGate.maxPodsReadyDrop"]);
  });

  it("accepts an https escalation channel and a loopback sink", () => {
    const base = { ...defaultPolicy("prod"), onApprovalTimeout: "escalate" as const };
    expect(validatePolicy({ ...base, escalationChannel: "https://contoso.webhook.office.com/webhookb2/x" })).toEqual([]);
    expect(validatePolicy({ ...base, escalationChannel: "http://127.0.0.1:8443/teams/oncall" })).toEqual([]);
    expect(validatePolicy({ ...base, escalationChannel: "http://example.com/hook" }).map((i) => i.field)).toEqual(["policy.escalationChannel"]);
  });
});

describe("resolvePolicy", () => {
  it("applies validated overrides to the environment's defaults", () => {
    const policy = resolvePolicy("staging", { approval: "everyStep", allowPreview: true });
    expect(policy).toMatchObject({ approval: "everyStep", allowPreview: true, approvalTimeoutMinutes: 240 });
  });

  it("throws a PolicyValidationError carrying every issue", () => {
    let caught: unknown;
    try {
      resolvePolicy("prod", { approval: "maybe", onApprovalTimeout: "escalate" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyValidationError);
    expect((caught as PolicyValidationError).issues.map((i) => i.field)).toEqual(["policy.approval"]);
    // Valid overrides whose combination is invalid are caught after the merge.
    expect(() => resolvePolicy("prod", { onApprovalTimeout: "escalate" })).toThrow(/escalationChannel is required/);
  });
});

describe("upgrade settings (drain safety, force window)", () => {
  it("defaults by environment are AKS's drain defaults, with a shorter force window in prod; overrides win", () => {
    expect(upgradeSettingsOf(defaultPolicy("dev"), "dev")).toEqual({ drainTimeoutInMinutes: 30, undrainableNodeBehavior: "Schedule", forceUpgradeWindowHours: 4 });
    expect(upgradeSettingsOf(defaultPolicy("prod"), "prod").forceUpgradeWindowHours).toBe(2);
    const policy = resolvePolicy("staging", { upgrade: { undrainableNodeBehavior: "Cordon", maxBlockedNodes: "2", drainTimeoutInMinutes: 10 } });
    expect(upgradeSettingsOf(policy, "staging")).toEqual({ drainTimeoutInMinutes: 10, undrainableNodeBehavior: "Cordon", maxBlockedNodes: "2", forceUpgradeWindowHours: 4 });
  });

  it("names every invalid upgrade field", () => {
    const issues = validatePolicy({ upgrade: { drainTimeoutInMinutes: 4, undrainableNodeBehavior: "cordon", maxBlockedNodes: "0", forceUpgradeWindowHours: 25, maxSurge: "1" } }, { partial: true });
    expect(issues.map((i) => i.field).sort()).toEqual([
      "policy.upgrade.drainTimeoutInMinutes", "policy.upgrade.forceUpgradeWindowHours", "policy.upgrade.maxBlockedNodes", "policy.upgrade.maxSurge", "policy.upgrade.undrainableNodeBehavior"
    ]);
    expect(validatePolicy({ upgrade: { drainTimeoutInMinutes: 1441 } }, { partial: true })[0]?.message).toBe("must be a whole number of minutes from 5 to 1440 (24 hours)");
    expect(validatePolicy({ upgrade: { undrainableNodeBehavior: "Schedule", maxBlockedNodes: "50%" } }, { partial: true }).map((i) => i.message)).toEqual(["applies only with undrainableNodeBehavior Cordon"]);
    expect(validatePolicy({ upgrade: { undrainableNodeBehavior: "Cordon", maxBlockedNodes: "50%", drainTimeoutInMinutes: 5, forceUpgradeWindowHours: 1 } }, { partial: true })).toEqual([]);
    expect(validatePolicy({ upgrade: "Cordon" }, { partial: true })).toEqual([{ field: "policy.upgrade", message: "must be an object" }]);
  });
});

describe("effectiveNodeImageWindow", () => {
  const policy = defaultPolicy("staging");
  const own = { schedule: { daily: { intervalDays: 1 } }, durationHours: 6, startTime: "23:00", utcOffset: "+01:00" };

  it("prefers the cluster's aksManagedNodeOSUpgradeSchedule (SDK or wire shape)", () => {
    expect(effectiveNodeImageWindow([{ name: "default" }, { name: "aksManagedNodeOSUpgradeSchedule", maintenanceWindow: own }], policy)).toEqual({ source: "cluster", window: own });
    expect(effectiveNodeImageWindow([{ name: "aksManagedNodeOSUpgradeSchedule", properties: { maintenanceWindow: own } }], policy).source).toBe("cluster");
  });

  it("falls back to the policy when the cluster has none, or only other configurations", () => {
    expect(effectiveNodeImageWindow(undefined, policy)).toEqual({ source: "policy", window: policy.nodeImage.window });
    expect(effectiveNodeImageWindow([{ name: "aksManagedAutoUpgradeSchedule", maintenanceWindow: own }], policy).source).toBe("policy");
  });

  it("falls back, and says why, when the cluster's window cannot be understood", () => {
    const result = effectiveNodeImageWindow([{ name: "aksManagedNodeOSUpgradeSchedule", maintenanceWindow: { ...own, durationHours: 1 } }], policy);
    expect(result.source).toBe("policy");
    expect(result.ignored?.map((i) => i.field)).toEqual(["maintenanceWindow.durationHours"]);
  });
});
