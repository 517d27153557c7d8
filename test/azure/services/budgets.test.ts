import type { Budget } from "@azure/arm-consumption";
import type { RestError } from "@azure/core-rest-pipeline";
import { VM_HOURLY_USD } from "../../../local/azure/budgets";
import { createCluster, simRequest, startHarness, type SimHarness } from "./harness";

describe("Budgets simulator (Microsoft.Consumption/budgets)", () => {
  let h: SimHarness;
  let rgScope: string;
  let subScope: string;
  /** Five Standard_D4ds_v5 nodes (system 3 + user 2). */
  const clusterHourly = 5 * (VM_HOURLY_USD["standard_d4ds_v5"] ?? NaN);

  beforeEach(async () => {
    h = await startHarness({ start: "2026-03-10T08:00:00Z" });
    await h.clients.resources.resourceGroups.createOrUpdate("rg-aks-dev", { location: "westeurope" });
    await h.clients.resources.resourceGroups.createOrUpdate("rg-aks-prod", { location: "westeurope" });
    rgScope = `subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-dev`;
    subScope = `subscriptions/${h.subscriptionId}`;
  });
  afterEach(async () => { await h.close(); });

  const monthly = (amount: number): Budget => ({
    category: "Cost",
    amount,
    timeGrain: "Monthly",
    timePeriod: { startDate: new Date("2026-03-01T00:00:00Z"), endDate: new Date("2027-02-28T00:00:00Z") },
    notifications: {
      Actual_GreaterThan_80_Percent: { enabled: true, operator: "GreaterThan", threshold: 80, contactEmails: ["ops@contoso.com"], thresholdType: "Actual" },
      Forecasted_GreaterThan_100_Percent: { enabled: true, operator: "GreaterThan", threshold: 100, contactEmails: ["ops@contoso.com"], thresholdType: "Forecasted" }
    }
  });

  it("creates, gets, lists and deletes budgets at resource-group and subscription scope with the real shape", async () => {
    const created = await h.clients.consumption.budgets.createOrUpdate(rgScope, "aks-dev-monthly", monthly(500));
    expect(created).toMatchObject({
      name: "aks-dev-monthly", type: "Microsoft.Consumption/budgets", category: "Cost", amount: 500, timeGrain: "Monthly",
      currentSpend: { amount: 0, unit: "USD" }, forecastSpend: { amount: 0, unit: "USD" }
    });
    expect(created.id).toBe(`/${rgScope}/providers/Microsoft.Consumption/budgets/aks-dev-monthly`);
    expect(created.eTag).toBeTruthy();
    expect(created.notifications?.["Forecasted_GreaterThan_100_Percent"]?.thresholdType).toBe("Forecasted");
    expect(created.timePeriod?.startDate).toEqual(new Date("2026-03-01T00:00:00Z"));
    await h.clients.consumption.budgets.createOrUpdate(subScope, "fleet-monthly", monthly(3000));

    const inRg = [];
    for await (const b of h.clients.consumption.budgets.list(rgScope)) inRg.push(b.name);
    expect(inRg).toEqual(["aks-dev-monthly"]);
    const inSub = [];
    for await (const b of h.clients.consumption.budgets.list(subScope)) inSub.push(b.name);
    expect(inSub).toEqual(["fleet-monthly"]);

    await h.clients.consumption.budgets.delete(rgScope, "aks-dev-monthly");
    await expect(h.clients.consumption.budgets.get(rgScope, "aks-dev-monthly")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("grows currentSpend with simulated node-hours on the clock, and forecasts to the end of the month", async () => {
    await createCluster(h, "rg-aks-dev", "aks-dev");
    await h.clients.consumption.budgets.createOrUpdate(rgScope, "aks-dev-monthly", monthly(500));
    const before = await h.clients.consumption.budgets.get(rgScope, "aks-dev-monthly");
    // The cluster has run for the hour its creation took.
    expect(before.currentSpend?.amount).toBeCloseTo(clusterHourly, 1);

    await h.clock.advance(10 * 3600_000);
    const after = await h.clients.consumption.budgets.get(rgScope, "aks-dev-monthly");
    expect((after.currentSpend?.amount ?? 0) - (before.currentSpend?.amount ?? 0)).toBeCloseTo(10 * clusterHourly, 1);
    const hoursLeft = (Date.parse("2026-04-01T00:00:00Z") - h.clock.now()) / 3600_000;
    expect(after.forecastSpend?.amount).toBeCloseTo((after.currentSpend?.amount ?? 0) + hoursLeft * clusterHourly, 0);

    // A cluster in another resource group counts for the subscription's budget, not the group's.
    await createCluster(h, "rg-aks-prod", "aks-prod");
    await h.clients.consumption.budgets.createOrUpdate(subScope, "fleet-monthly", monthly(3000));
    await h.clock.advance(5 * 3600_000);
    const rg = await h.clients.consumption.budgets.get(rgScope, "aks-dev-monthly");
    const sub = await h.clients.consumption.budgets.get(subScope, "fleet-monthly");
    expect((rg.currentSpend?.amount ?? 0)).toBeCloseTo((after.currentSpend?.amount ?? 0) + 6 * clusterHourly, 1);
    expect((sub.currentSpend?.amount ?? 0) - (rg.currentSpend?.amount ?? 0)).toBeCloseTo(6 * clusterHourly, 1);
  });

  it("restarts spend at the start of the next month", async () => {
    await createCluster(h, "rg-aks-dev", "aks-dev");
    await h.clients.consumption.budgets.createOrUpdate(rgScope, "aks-dev-monthly", monthly(500));
    await h.clock.advanceTo("2026-04-01T02:00:00Z");
    const april = await h.clients.consumption.budgets.get(rgScope, "aks-dev-monthly");
    expect(april.currentSpend?.amount).toBeCloseTo(2 * clusterHourly, 1);
  });

  it("rejects invalid budgets with 400", async () => {
    const notFirst = { ...monthly(100), timePeriod: { startDate: new Date("2026-03-05T00:00:00Z") } };
    const err = (await h.clients.consumption.budgets.createOrUpdate(rgScope, "bad", notFirst).catch((e: unknown) => e)) as RestError;
    expect(err.statusCode).toBe(400);
    expect(err.message).toContain("The start date must be first of the month.");
    const badOperator = monthly(100);
    badOperator.notifications = { n: { enabled: true, operator: "LessThan", threshold: 50, contactEmails: ["a@b.c"] } };
    const err2 = (await h.clients.consumption.budgets.createOrUpdate(rgScope, "bad", badOperator).catch((e: unknown) => e)) as RestError;
    expect(err2.message).toContain("operator must be one of EqualTo, GreaterThan, GreaterThanOrEqualTo");
  });

  it("fires notifications at Azure's daily evaluation when actual or forecast spend crosses a threshold, not when the budget is read", async () => {
    await createCluster(h, "rg-aks-dev", "aks-dev");
    await h.clients.consumption.budgets.createOrUpdate(rgScope, "small", monthly(30));
    const alerts = async () => ((await simRequest(h, "GET", "/_sim/budgets/alerts")).json() as { value: { notification: string; thresholdType: string; firstSeenAt: string }[] }).value;
    await h.clients.consumption.budgets.get(rgScope, "small");
    expect(await alerts()).toEqual([]);
    // At midnight the month's forecast (5 nodes for ~500 more hours) is far over 30 USD; the actual spend (~18 USD) is not yet over 80 % (24 USD).
    await h.clock.advanceTo("2026-03-11T00:00:00Z");
    expect((await alerts()).map((a) => [a.notification, a.thresholdType, a.firstSeenAt])).toEqual([["Forecasted_GreaterThan_100_Percent", "Forecasted", "2026-03-11T00:00:00.000Z"]]);
    await h.clock.advanceTo("2026-03-12T00:00:00Z");
    const now = await alerts();
    expect(now.map((a) => a.notification)).toEqual(["Forecasted_GreaterThan_100_Percent", "Actual_GreaterThan_80_Percent"]);
    expect(now[1]?.firstSeenAt).toBe("2026-03-12T00:00:00.000Z");
  });
});
