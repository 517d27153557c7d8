import type { Budget } from "@azure/arm-consumption";
import type { DeliveryRecord } from "../../../local/azure/eventgrid";
import { createCluster, simRequest, startHarness, WebhookReceiver, type SimHarness } from "./harness";

/**
 * Budget notifications that name action groups in `contactGroups`, delivered by the action groups'
 * webhook receivers on the virtual clock (Azure evaluates budgets daily; Azure Monitor retries a
 * webhook on 408/429/503/504 after 5 s, 20 s, 5 s, 40 s, 5 s).
 */
describe("Budget alerts delivered through action-group webhooks", () => {
  let h: SimHarness;
  let common: WebhookReceiver;
  let legacy: WebhookReceiver;
  const rg = "rg-aks-dev";
  let scope: string;
  let groupId: string;

  beforeEach(async () => {
    // 08:00; the cluster's creation takes the clock to 09:00; the daily evaluation runs at 00:00.
    h = await startHarness({ start: "2026-03-10T08:00:00Z" });
    common = await new WebhookReceiver().start();
    legacy = await new WebhookReceiver().start();
    await h.clients.resources.resourceGroups.createOrUpdate(rg, { location: "westeurope" });
    scope = `subscriptions/${h.subscriptionId}/resourceGroups/${rg}`;
    const group = await h.clients.monitor.actionGroups.createOrUpdate(rg, "ag-finops", {
      location: "Global",
      groupShortName: "finops",
      enabled: true,
      webhookReceivers: [
        { name: "common", serviceUri: common.url, useCommonAlertSchema: true },
        { name: "legacy", serviceUri: legacy.url, useCommonAlertSchema: false }
      ]
    });
    groupId = group.id ?? "";
    await createCluster(h, rg, "aks-dev");
  });

  afterEach(async () => {
    await h.close();
    await common.stop();
    await legacy.stop();
  });

  /** 5 × Standard_D4ds_v5 cost about 1.13 USD an hour: a 20 USD budget's 80 % falls on the first day. */
  const budget = (notifications: Budget["notifications"]): Budget => ({
    category: "Cost", amount: 20, timeGrain: "Monthly",
    timePeriod: { startDate: new Date("2026-03-01T00:00:00Z"), endDate: new Date("2027-02-28T00:00:00Z") },
    notifications
  });
  const actual80 = (): NonNullable<Budget["notifications"]> => ({
    Actual_GreaterThan_80_Percent: { enabled: true, operator: "GreaterThan", threshold: 80, contactEmails: [], contactGroups: [groupId], thresholdType: "Actual" }
  });
  const deliveries = async (): Promise<DeliveryRecord[]> => ((await simRequest(h, "GET", "/_sim/action-groups/deliveries")).json() as { value: DeliveryRecord[] }).value;

  it("fires a crossed threshold once per period, at Azure's daily evaluation, to each receiver in its schema", async () => {
    await h.clients.consumption.budgets.createOrUpdate(scope, "aks-dev-monthly", budget(actual80()));
    // Reading the budget shows the spend but fires nothing: Azure evaluates budgets on its schedule.
    await h.clock.advanceTo("2026-03-10T23:59:00Z");
    const read = await h.clients.consumption.budgets.get(scope, "aks-dev-monthly");
    expect(read.currentSpend?.amount).toBeGreaterThan(16);
    expect(common.deliveries).toHaveLength(0);

    await h.clock.advanceTo("2026-03-11T00:00:00Z");
    expect(common.deliveries).toHaveLength(1);
    expect(legacy.deliveries).toHaveLength(1);
    const c = common.deliveries[0]?.body as { schemaId: string; data: { essentials: Record<string, unknown>; alertContext: { AlertCategory: string; AlertData: Record<string, string> } } };
    expect(c.schemaId).toBe("azureMonitorCommonAlertSchema");
    expect(c.data.essentials).toMatchObject({
      monitoringService: "CostAlerts", firedDateTime: "2026-03-11T00:00:00.000Z", essentialsVersion: "1.0", alertContextVersion: "1.0",
      configurationItems: ["budgets"], alertRule: null, severity: null, alertTargetIDs: null
    });
    expect(c.data.essentials["alertId"]).toMatch(new RegExp(`^/subscriptions/${h.subscriptionId}/providers/Microsoft.CostManagement/alerts/`));
    expect(c.data.essentials["description"]).toMatch(/^Your spend for budget aks-dev-monthly is now \$\d+\.\d\d exceeding your specified threshold \$16\.00\.$/);
    expect(c.data.alertContext.AlertCategory).toBe("budgets");
    expect(c.data.alertContext.AlertData).toMatchObject({
      Scope: `/${scope}`, ThresholdType: "Actual", BudgetType: "Cost", BudgetThreshold: "$20.00", NotificationThresholdAmount: "$16.00",
      BudgetName: "aks-dev-monthly", BudgetId: `/${scope}/providers/Microsoft.Consumption/budgets/aks-dev-monthly`, BudgetStartDate: "2026-03-01", Unit: "USD"
    });
    expect(c.data.alertContext.AlertData["ForecastedTotalForPeriod"]).toBeUndefined();

    const l = legacy.deliveries[0]?.body as { schemaId: string; data: Record<string, string> };
    expect(l.schemaId).toBe("AIP Budget Notification");
    expect(l.data).toMatchObject({
      SubscriptionId: h.subscriptionId, ResourceGroup: rg, Budget: "20", Unit: "USD", BudgetName: "aks-dev-monthly", BudgetType: "Cost",
      NotificationThresholdAmount: "16.0", BudgetStartDate: "3/1/2026 12:00:00 AM +00:00"
    });
    expect(Number(l.data["SpendingAmount"])).toBeGreaterThan(16);

    // Still over the threshold at the next evaluations of the month: nothing more.
    await h.clock.advanceTo("2026-03-13T00:00:00Z");
    expect(common.deliveries).toHaveLength(1);
    const alerts = ((await simRequest(h, "GET", "/_sim/budgets/alerts")).json() as { value: { notification: string; deliveries: string[] }[] }).value;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.deliveries).toHaveLength(2);
    // The next month is a new period: the threshold fires again once crossed (on 1 April, 80 % of
    // 20 USD takes about 14 hours; the evaluation on 2 April sees it).
    await h.clock.advanceTo("2026-04-01T00:00:00Z");
    expect(common.deliveries).toHaveLength(1);
    await h.clock.advanceTo("2026-04-02T00:00:00Z");
    expect(common.deliveries).toHaveLength(2);
  });

  it("retries a 503 on Azure Monitor's schedule until it is delivered, and does not retry a 500", async () => {
    common.respondWith(503, 503);
    legacy.respondWith(500);
    await h.clients.consumption.budgets.createOrUpdate(scope, "aks-dev-monthly", budget(actual80()));
    await h.clock.advanceTo("2026-03-11T00:00:00Z");
    expect(common.deliveries).toHaveLength(1);
    await h.clock.advance(5_000);
    expect(common.deliveries).toHaveLength(2);
    await h.clock.advance(19_000);
    expect(common.deliveries).toHaveLength(2);
    await h.clock.advance(1_000);
    expect(common.deliveries).toHaveLength(3);
    await h.clock.advance(10 * 60_000);
    expect(common.deliveries).toHaveLength(3);
    expect(legacy.deliveries).toHaveLength(1);

    const records = await deliveries();
    const toCommon = records.find((r) => r.subscriptionName === "common");
    expect(toCommon?.status).toBe("delivered");
    expect(toCommon?.attempts.map((a) => [a.responseCode, a.at])).toEqual([
      [503, "2026-03-11T00:00:00.000Z"], [503, "2026-03-11T00:00:05.000Z"], [200, "2026-03-11T00:00:25.000Z"]
    ]);
    expect(toCommon?.subscription).toBe(groupId);
    const toLegacy = records.find((r) => r.subscriptionName === "legacy");
    expect(toLegacy).toMatchObject({ status: "failed", deadLetterReason: "NonRetriableStatus" });
  });

  it("gives up after 5 retries, then no action group calls the endpoint for 15 minutes; a webhookFailure fault fails attempts unsent", async () => {
    common.respondWith(503, 503, 503, 503, 503, 503);
    await simRequest(h, "POST", "/_sim/faults", { kind: "webhookFailure", target: legacy.url, status: 504, count: 6 });
    await h.clients.consumption.budgets.createOrUpdate(scope, "aks-dev-monthly", budget(actual80()));
    await h.clock.advanceTo("2026-03-11T00:02:00Z");
    expect(common.deliveries).toHaveLength(6);
    expect(legacy.deliveries).toHaveLength(0);
    let records = await deliveries();
    expect(records.map((r) => [r.subscriptionName, r.status, r.deadLetterReason, r.attempts.map((a) => a.at.slice(11, 19))])).toEqual([
      ["common", "failed", "RetriesExhausted", ["00:00:00", "00:00:05", "00:00:25", "00:00:30", "00:01:10", "00:01:15"]],
      ["legacy", "failed", "RetriesExhausted", ["00:00:00", "00:00:05", "00:00:25", "00:00:30", "00:01:10", "00:01:15"]]
    ]);
    expect(records[1]?.attempts.every((a) => a.injected === true && a.responseCode === 504)).toBe(true);

    // A notification added now fires at once (an evaluation on demand), inside both endpoints' 15 minutes.
    const current = await h.clients.consumption.budgets.get(scope, "aks-dev-monthly");
    await h.clients.consumption.budgets.createOrUpdate(scope, "aks-dev-monthly", {
      ...budget({ ...actual80(), Actual_GreaterThan_90_Percent: { enabled: true, operator: "GreaterThan", threshold: 90, contactEmails: [], contactGroups: [groupId] } }),
      eTag: current.eTag
    });
    expect((await simRequest(h, "POST", "/_sim/budgets/evaluate")).status).toBe(200);
    await h.clock.advanceTo("2026-03-11T00:30:00Z");
    records = await deliveries();
    expect(records.slice(2).map((r) => [r.subscriptionName, r.status, r.deadLetterReason, r.attempts.length])).toEqual([
      ["common", "dropped", "EndpointSuspended", 0], ["legacy", "dropped", "EndpointSuspended", 0]
    ]);
    expect(common.deliveries).toHaveLength(6);
  });

  it("refuses contactGroups that are not action group ids, and skips a disabled action group", async () => {
    const bad = budget({ n: { enabled: true, operator: "GreaterThan", threshold: 80, contactEmails: [], contactGroups: ["ag-finops"] } });
    await expect(h.clients.consumption.budgets.createOrUpdate(scope, "bad", bad)).rejects.toMatchObject({ statusCode: 400 });
    await h.clients.monitor.actionGroups.createOrUpdate(rg, "ag-finops", {
      location: "Global", groupShortName: "finops", enabled: false, webhookReceivers: [{ name: "common", serviceUri: common.url, useCommonAlertSchema: true }]
    });
    await h.clients.consumption.budgets.createOrUpdate(scope, "aks-dev-monthly", budget(actual80()));
    await h.clock.advanceTo("2026-03-11T00:01:00Z");
    const alerts = ((await simRequest(h, "GET", "/_sim/budgets/alerts")).json() as { value: { notification: string; deliveries: string[] }[] }).value;
    expect(alerts.map((a) => [a.notification, a.deliveries.length])).toEqual([["Actual_GreaterThan_80_Percent", 0]]);
    expect(common.deliveries).toHaveLength(0);
  });
});
