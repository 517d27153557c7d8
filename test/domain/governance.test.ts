/**
 * Governance's desired-state comparisons (diagnostic settings, budget) and the budget-alert
 * enforcement policy, as pure functions.
 */
import { controllerOf, desiredDiagnosticSetting, planDiagnostics, type ObservedDiagnosticSetting } from "../../shared/domain/governance/diagnostics";
import { DESIRED_RESOURCE_LOGS, desiredLogsForResource } from "../../shared/domain/governance/logCategories";
import { MAX_REWRITES_PER_WINDOW, recordRewrite, REWRITE_WINDOW_MS, rewriteDecision, rewriteKey } from "../../shared/domain/governance/backoff";
import { compareBudget, desiredBudget, monthStart } from "../../shared/domain/governance/budget";
import { enforcementFor, heldByBudget, isWorkingHours } from "../../shared/domain/governance/enforcement";
import { CLUSTER_LOG_CATEGORIES, PLATFORM_BUDGET, PLATFORM_DIAGNOSTIC_SETTING } from "../../shared/domain/governance/desired";
import { defaultPolicy, governanceOf, resolvePolicy, validatePolicy, PolicyValidationError } from "../../shared/domain/policy";

const WS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log";
const AG = "/subscriptions/s/resourceGroups/rg-aksops/providers/Microsoft.Insights/actionGroups/ag";
const verdict = (c: ReturnType<typeof planDiagnostics>, rule: string) => c.verdicts.find((v) => v.rule === rule);

describe("diagnostic settings: what reaches the workspace", () => {
  const setting = (name: string, categories: string[], workspaceId = WS, extra: Partial<ObservedDiagnosticSetting> = {}): ObservedDiagnosticSetting => ({
    name, workspaceId, logs: categories.map((category) => ({ category, enabled: true })), ...extra
  });
  const sent = (logs: { category?: string; enabled: boolean }[]) => logs.filter((l) => l.enabled).map((l) => l.category).sort();

  it("the provisioning body is exactly the four categories; exactly them reaching the workspace passes, whichever setting carries them", () => {
    expect(desiredDiagnosticSetting(WS)).toEqual({ name: PLATFORM_DIAGNOSTIC_SETTING, workspaceId: WS, logs: CLUSTER_LOG_CATEGORIES.map((category) => ({ category, enabled: true })) });
    const c = planDiagnostics([setting("cluster-logs", [...CLUSTER_LOG_CATEGORIES])], WS);
    expect(c.writes).toEqual([]);
    expect(verdict(c, "diagnostics.workspaceCategories")).toMatchObject({ status: "pass" });
    // Split over two settings (Azure allows it: different categories) is as good.
    expect(planDiagnostics([setting("a", ["guard", "kube-audit-admin"]), setting("b", ["cluster-autoscaler", "kube-controller-manager"], WS.toUpperCase())], WS).writes).toEqual([]);
  });

  it("no setting sending to the workspace: the platform's own is created", () => {
    const c = planDiagnostics([], WS);
    expect(c.writes).toEqual([{ name: PLATFORM_DIAGNOSTIC_SETTING, create: true, logs: CLUSTER_LOG_CATEGORIES.map((category) => ({ category, enabled: true })) }]);
    expect(verdict(c, "diagnostics.workspaceCategories")).toMatchObject({ status: "fail", severity: "high", remediation: "automatic" });
  });

  it("kube-audit beside kube-audit-admin in an existing setting: that setting is converged in place, no second setting", () => {
    const c = planDiagnostics([setting("cluster-logs", [...CLUSTER_LOG_CATEGORIES, "kube-audit"])], WS);
    expect(c.writes.map((w) => [w.name, w.create])).toEqual([["cluster-logs", false]]);
    expect(sent(c.writes[0]!.logs)).toEqual([...CLUSTER_LOG_CATEGORIES].sort());
    // The entry stays, turned off.
    expect(c.writes[0]!.logs.find((l) => l.category === "kube-audit")).toEqual({ category: "kube-audit", enabled: false });
    expect(verdict(c, "diagnostics.workspaceCategories")).toMatchObject({ status: "fail", severity: "high" });
    expect(verdict(c, "diagnostics.workspaceCategories")?.evidence).toContain("kube-audit (cluster-logs)");
  });

  it("a missing category is added to the carrier already holding most; the setting losing categories is written first (Azure's 409)", () => {
    const c = planDiagnostics([setting("b-policy", ["kube-audit-admin", "guard", "kube-controller-manager"]), setting("a-extra", ["kube-scheduler"])], WS);
    expect(c.writes.map((w) => w.name)).toEqual(["a-extra", "b-policy"]);
    expect(sent(c.writes[0]!.logs)).toEqual([]);
    expect(sent(c.writes[1]!.logs)).toEqual([...CLUSTER_LOG_CATEGORIES].sort());
  });

  it("a category group sending more than wanted is turned off and the wanted categories written out", () => {
    const c = planDiagnostics([{ name: "all", workspaceId: WS, logs: [{ categoryGroup: "allLogs", enabled: true }] }], WS);
    expect(c.writes).toHaveLength(1);
    expect(c.writes[0]!.logs[0]).toEqual({ categoryGroup: "allLogs", enabled: false });
    expect(sent(c.writes[0]!.logs)).toEqual([...CLUSTER_LOG_CATEGORIES].sort());
  });

  it("settings sending elsewhere are reported, never written; the platform's name taken elsewhere or five settings: nothing written", () => {
    const archive = setting("archive", ["kube-audit"], undefined, { workspaceId: undefined, storageAccountId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st" });
    const c = planDiagnostics([setting("cluster-logs", [...CLUSTER_LOG_CATEGORIES]), archive], WS);
    expect(c.writes).toEqual([]);
    expect(verdict(c, "diagnostics.otherDestinations")).toMatchObject({ status: "fail", remediation: "manual" });
    expect(verdict(c, "diagnostics.otherDestinations")?.evidence).toContain("archive → storage account");
    const five = [1, 2, 3, 4, 5].map((i) => setting(`s${i}`, ["kube-audit"], `${WS}-${i}`));
    const full = planDiagnostics(five, WS);
    expect(full.writes).toEqual([]);
    expect(verdict(full, "diagnostics.settingLimit")).toMatchObject({ status: "fail" });
    expect(verdict(full, "diagnostics.workspaceCategories")).toMatchObject({ status: "fail", remediation: "manual" });
  });

  it("the baseline's other resources have their own categories and rule names", () => {
    const c = planDiagnostics([setting("default", ["AuditEvent"])], WS, DESIRED_RESOURCE_LOGS.keyVault);
    expect(verdict(c, "diagnostics.keyVault.workspaceCategories")).toMatchObject({ status: "pass" });
    const gw = planDiagnostics([setting("default", ["ApplicationGatewayAccessLog"])], WS, DESIRED_RESOURCE_LOGS.applicationGateway);
    expect(gw.writes.map((w) => sent(w.logs))).toEqual([["ApplicationGatewayAccessLog", "ApplicationGatewayFirewallLog", "ApplicationGatewayPerformanceLog"]]);
    expect(desiredLogsForResource("/subscriptions/s/resourceGroups/rg/providers/microsoft.containerregistry/registries/acr1")?.kind).toBe("containerRegistry");
    expect(desiredLogsForResource("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st")).toBeUndefined();
  });
});

describe("back-off from another controller", () => {
  const t0 = Date.parse("2026-03-02T10:00:00Z");
  it("the same drift back within a day is contested; at most three rewrites a day, then backed off until the first leaves the window", () => {
    const key = rewriteKey("/subscriptions/s/X", "extra:kube-audit");
    expect(rewriteDecision(undefined, t0)).toEqual({ rewrite: true, contested: false, recent: 0 });
    let h = recordRewrite(undefined, key, t0);
    expect(rewriteDecision(h, t0 + 3600_000)).toEqual({ rewrite: true, contested: true, recent: 1 });
    h = recordRewrite(h, key, t0 + 3600_000, "Azure Policy");
    h = recordRewrite(h, key, t0 + 2 * 3600_000);
    expect(h.controller).toBe("Azure Policy");
    const d = rewriteDecision(h, t0 + 3 * 3600_000);
    expect(d).toEqual({ rewrite: false, contested: true, recent: MAX_REWRITES_PER_WINDOW, retryAfter: new Date(t0 + REWRITE_WINDOW_MS).toISOString() });
    expect(rewriteDecision(h, t0 + REWRITE_WINDOW_MS + 1).rewrite).toBe(true);
  });
  it("names Azure Policy's settings, else ARM's last writer", () => {
    expect(controllerOf({ name: "setByPolicy-LogAnalytics" })).toBe("Azure Policy (deploy-if-not-exists)");
    expect(controllerOf({ name: "cluster-logs", lastModifiedBy: "pipeline@contoso.com" })).toContain("pipeline@contoso.com");
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
