/**
 * Governance's desired-state comparisons (diagnostic settings, budget) and the budget-alert
 * enforcement policy, as pure functions.
 */
import { compareDiagnosticSettings, desiredDiagnosticSetting, type ObservedDiagnosticSetting } from "../../shared/domain/governance/diagnostics";
import { compareBudget, desiredBudget, monthStart } from "../../shared/domain/governance/budget";
import { enforcementFor, heldByBudget, isWorkingHours } from "../../shared/domain/governance/enforcement";
import { CLUSTER_LOG_CATEGORIES, PLATFORM_BUDGET, PLATFORM_DIAGNOSTIC_SETTING } from "../../shared/domain/governance/desired";
import { defaultPolicy, governanceOf, resolvePolicy, validatePolicy, PolicyValidationError } from "../../shared/domain/policy";

const WS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log";
const AG = "/subscriptions/s/resourceGroups/rg-aksops/providers/Microsoft.Insights/actionGroups/ag";
const ours = (categories: string[], workspaceId = WS): ObservedDiagnosticSetting => ({
  name: PLATFORM_DIAGNOSTIC_SETTING, workspaceId, logs: categories.map((category) => ({ category, enabled: true }))
});
const verdict = (c: ReturnType<typeof compareDiagnosticSettings>, rule: string) => c.verdicts.find((v) => v.rule === rule);

describe("diagnostic settings: desired state", () => {
  it("wants exactly the four categories to the cluster's workspace", () => {
    expect(desiredDiagnosticSetting(WS)).toEqual({ name: PLATFORM_DIAGNOSTIC_SETTING, workspaceId: WS, logs: CLUSTER_LOG_CATEGORIES.map((category) => ({ category, enabled: true })) });
    const c = compareDiagnosticSettings([ours([...CLUSTER_LOG_CATEGORIES])], WS);
    expect(c.write).toBe(false);
    expect(c.verdicts.every((v) => v.status === "pass")).toBe(true);
  });

  it("a missing platform setting is written", () => {
    const c = compareDiagnosticSettings([], WS);
    expect(c).toMatchObject({ write: true, fingerprint: "missing" });
    expect(verdict(c, "diagnostics.platformSetting")).toMatchObject({ status: "fail", remediation: "automatic" });
  });

  it("kube-audit beside kube-audit-admin, and kube-scheduler, in the platform's setting are drift (high) put right by a write", () => {
    const c = compareDiagnosticSettings([ours([...CLUSTER_LOG_CATEGORIES, "kube-audit", "kube-scheduler"])], WS);
    expect(c.write).toBe(true);
    expect(c.fingerprint).toBe("extra:kube-audit,kube-scheduler");
    expect(verdict(c, "diagnostics.platformSetting")).toMatchObject({ status: "fail", severity: "high" });
    expect(verdict(c, "diagnostics.platformSetting")?.evidence).toContain("kube-audit");
  });

  it("a category turned off or another workspace is drift; disabled entries do not count as on", () => {
    const off: ObservedDiagnosticSetting = { ...ours([...CLUSTER_LOG_CATEGORIES]), logs: CLUSTER_LOG_CATEGORIES.map((category) => ({ category, enabled: category !== "guard" })) };
    expect(compareDiagnosticSettings([off], WS)).toMatchObject({ write: true, fingerprint: "absent:guard" });
    const elsewhere = compareDiagnosticSettings([ours([...CLUSTER_LOG_CATEGORIES], `${WS}-other`)], WS);
    expect(elsewhere.write).toBe(true);
    expect(elsewhere.fingerprint).toContain("workspace:");
    // ARM ids compare case-insensitively.
    expect(compareDiagnosticSettings([ours([...CLUSTER_LOG_CATEGORIES], WS.toUpperCase())], WS).write).toBe(false);
  });

  it("settings made by someone else are reported, never written, whatever they send", () => {
    const policyDine: ObservedDiagnosticSetting = { name: "setbypolicy", workspaceId: WS, logs: [{ category: "kube-audit", enabled: true }, { category: "kube-audit-admin", enabled: true }, { category: "kube-scheduler", enabled: true }] };
    const c = compareDiagnosticSettings([ours([...CLUSTER_LOG_CATEGORIES]), policyDine], WS);
    expect(c.write).toBe(false);
    expect(verdict(c, "diagnostics.foreignKubeAudit")).toMatchObject({ status: "fail", remediation: "manual" });
    expect(verdict(c, "diagnostics.foreignKubeScheduler")).toMatchObject({ status: "fail", remediation: "manual" });
    expect(verdict(c, "diagnostics.foreignSettings")?.evidence).toContain("setbypolicy");
  });

  it("five settings and none of them the platform's: reported (Azure refuses a sixth), nothing written", () => {
    const five = [1, 2, 3, 4, 5].map((i) => ({ name: `other-${i}`, workspaceId: WS, logs: [] }));
    const c = compareDiagnosticSettings(five, WS);
    expect(c.write).toBe(false);
    expect(verdict(c, "diagnostics.settingLimit")).toMatchObject({ status: "fail", remediation: "manual" });
    // With the platform's among the five, it can still be updated.
    expect(compareDiagnosticSettings([...five.slice(0, 4), ours(["guard"])], WS).write).toBe(true);
  });
});

describe("budget: desired state", () => {
  const now = Date.parse("2026-11-17T10:00:00Z");
  const desired = desiredBudget(500, AG, now);

  it("is monthly from the first of the month, 50/75/90 % actual and 100 % forecast to the platform's action group", () => {
    expect(monthStart(now)).toBe("2026-11-01T00:00:00.000Z");
    expect(desired).toMatchObject({ name: PLATFORM_BUDGET, amount: 500, timeGrain: "Monthly", category: "Cost", timePeriod: { startDate: "2026-11-01T00:00:00.000Z" } });
    expect(Object.values(desired.notifications).map((n) => [n.threshold, n.thresholdType, n.contactGroups])).toEqual([
      [50, "Actual", [AG]], [75, "Actual", [AG]], [90, "Actual", [AG]], [100, "Forecasted", [AG]]
    ]);
  });

  it("a missing budget is drift; the desired one passes; each difference is named", () => {
    expect(compareBudget(undefined, desired)).toMatchObject({ status: "fail", fingerprint: "missing" });
    expect(compareBudget(desired, desired).status).toBe("pass");
    const changed = { ...desired, amount: 900, notifications: { ...desired.notifications, actual90: { ...desired.notifications.actual90!, threshold: 95, contactGroups: [] } } };
    const c = compareBudget(changed, desired);
    expect(c.status).toBe("fail");
    expect(c.differences).toEqual(["amount 900 instead of 500", "notification actual90 at 95 % instead of 90 %", "notification actual90 does not notify the platform's action group"]);
    const { forecast100: _f, ...withoutForecast } = desired.notifications;
    expect(compareBudget({ ...desired, notifications: withoutForecast }, desired).differences).toEqual(["notification forecast100 missing"]);
  });
});

describe("budget alerts: enforcement policy", () => {
  const monday10 = Date.parse("2026-11-02T10:00:00Z");
  const monday22 = Date.parse("2026-11-02T22:00:00Z");
  const saturday10 = Date.parse("2026-11-07T10:00:00Z");

  it("always a card; dev at 90 % actual scales user pools to their minimum", () => {
    expect(enforcementFor({ environment: "dev", threshold: 50, thresholdType: "Actual", at: monday10 }).actions).toEqual(["card"]);
    expect(enforcementFor({ environment: "dev", threshold: 75, thresholdType: "Actual", at: monday10 }).actions).toEqual(["card"]);
    expect(enforcementFor({ environment: "dev", threshold: 90, thresholdType: "Actual", at: monday10 }).actions).toEqual(["card", "scaleUserPoolsToMinimum"]);
  });

  it("dev at 100 % forecast stops the cluster only outside working hours", () => {
    expect(isWorkingHours(monday10)).toBe(true);
    expect(isWorkingHours(monday22)).toBe(false);
    expect(isWorkingHours(saturday10)).toBe(false);
    expect(enforcementFor({ environment: "dev", threshold: 100, thresholdType: "Forecasted", at: monday10 }).actions).toEqual(["card"]);
    expect(enforcementFor({ environment: "dev", threshold: 100, thresholdType: "Forecasted", at: monday22 }).actions).toEqual(["card", "stopCluster"]);
    expect(enforcementFor({ environment: "dev", threshold: 100, thresholdType: "Forecasted", at: saturday10 }).actions).toEqual(["card", "stopCluster"]);
  });

  it("staging and prod hold new minors at 90 % actual or 100 % forecast; below that, a card", () => {
    for (const environment of ["staging", "prod"] as const) {
      expect(enforcementFor({ environment, threshold: 100, thresholdType: "Forecasted", at: monday22 }).actions).toEqual(["card", "holdMinorUpgrades"]);
      expect(enforcementFor({ environment, threshold: 90, thresholdType: "Actual", at: monday10 }).actions).toEqual(["card", "holdMinorUpgrades"]);
      expect(enforcementFor({ environment, threshold: 75, thresholdType: "Actual", at: monday10 }).actions).toEqual(["card"]);
    }
  });

  it("a hold stops new minors only: patches continue", () => {
    expect(heldByBudget("1.35.4", "1.36.1")).toBe(true);
    expect(heldByBudget("1.35.4", "1.35.6")).toBe(false);
    expect(heldByBudget("1.35.4", "2.0.0")).toBe(true);
  });
});

describe("policy: governance section", () => {
  it("defaults by environment under what the cluster overrides", () => {
    expect(governanceOf(defaultPolicy("dev"), "dev")).toEqual({ budgetAmount: 1500, remediation: "automatic", enforcement: "enforce" });
    expect(governanceOf(resolvePolicy("prod", { governance: { budgetAmount: 25000, remediation: "approval" } }), "prod"))
      .toEqual({ budgetAmount: 25000, remediation: "approval", enforcement: "enforce" });
  });

  it("names each invalid governance field", () => {
    expect(validatePolicy({ governance: { budgetAmount: -1, remediation: "sometimes", enforcement: "x", colour: 1 } }, { partial: true }).map((i) => i.field).sort())
      .toEqual(["policy.governance.budgetAmount", "policy.governance.colour", "policy.governance.enforcement", "policy.governance.remediation"]);
    expect(() => resolvePolicy("dev", { governance: "lots" })).toThrow(PolicyValidationError);
  });
});
