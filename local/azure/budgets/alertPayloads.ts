import type { ArmResource } from "../kernel";
import type { AlertPayloads } from "../monitor";
import type { BudgetAlert } from "./alerts";

/**
 * What an action group's webhook receives for a budget alert, in the two shapes Microsoft
 * documents with samples in "Common alert schema definitions for Test Action Group"
 * (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema-test-action-definitions):
 * - common schema (`schemaId` `azureMonitorCommonAlertSchema`): `essentials` with
 *   `monitoringService` `CostAlerts`, `configurationItems` `["budgets"]` and null rule fields, and
 *   `alertContext` `{ AlertCategory: "budgets", AlertData: {...} }` with amounts as currency text
 *   (`$1,234.50`; the forecast as `$1234.50`, as in the sample);
 * - legacy budget schema (`schemaId` `AIP Budget Notification`): flat `data` with amounts as
 *   plain numbers in text.
 */

export const BUDGET_CREATOR = "simulator@aksops.local";

function money(n: number, grouping = true): string {
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: grouping })}`;
}

/** A .NET-style double as text (8000 → "8000.0"), as the legacy sample shows it. */
function plainNumber(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

export function budgetAlertPayloads(budget: ArmResource, alert: BudgetAlert, subscriptionName: string, now: number, alertId: string): AlertPayloads {
  const scope = budget.id.replace(/\/providers\/Microsoft\.Consumption\/budgets\/[^/]+$/i, "");
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? "";
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(scope)?.[1] ?? "";
  const timePeriod = (budget.properties?.["timePeriod"] ?? {}) as { startDate?: string };
  const start = new Date(timePeriod.startDate ?? 0);
  const thresholdAmount = Math.round(alert.amount * alert.threshold) / 100;
  const forecasted = alert.thresholdType === "Forecasted";
  const name = budget.name;
  const description = forecasted
    ? `The total spend for your budget, ${name}, is forecasted to reach ${money(alert.forecast, false)} before the end of the period. This amount exceeds your specified budget threshold of ${money(thresholdAmount)}.`
    : `Your spend for budget ${name} is now ${money(alert.spend)} exceeding your specified threshold ${money(thresholdAmount)}.`;
  const common = {
    schemaId: "azureMonitorCommonAlertSchema",
    data: {
      essentials: {
        monitoringService: "CostAlerts",
        firedDateTime: new Date(now).toISOString(),
        description,
        essentialsVersion: "1.0",
        alertContextVersion: "1.0",
        alertId: `/subscriptions/${subscriptionId}/providers/Microsoft.CostManagement/alerts/${alertId}`,
        alertRule: null,
        severity: null,
        signalType: null,
        monitorCondition: null,
        alertTargetIDs: null,
        configurationItems: ["budgets"],
        originAlertId: null
      },
      alertContext: {
        AlertCategory: "budgets",
        AlertData: {
          // The sample's subscription scope ends with a slash.
          Scope: resourceGroup ? scope : `${scope}/`,
          ThresholdType: alert.thresholdType,
          BudgetType: "Cost",
          BudgetThreshold: money(alert.amount),
          NotificationThresholdAmount: money(thresholdAmount),
          BudgetName: name,
          BudgetId: budget.id,
          BudgetStartDate: start.toISOString().slice(0, 10),
          BudgetCreator: BUDGET_CREATOR,
          Unit: alert.unit,
          SpentAmount: money(alert.current),
          ...(forecasted ? { ForecastedTotalForPeriod: money(alert.forecast, false) } : {})
        }
      }
    }
  };
  const legacy = {
    schemaId: "AIP Budget Notification",
    data: {
      SubscriptionName: subscriptionName,
      SubscriptionId: subscriptionId,
      EnrollmentNumber: "",
      DepartmentName: "",
      AccountName: "",
      BillingAccountId: "",
      BillingProfileId: "",
      InvoiceSectionId: "",
      ResourceGroup: resourceGroup,
      SpendingAmount: String(alert.current),
      BudgetStartDate: usDateTime(start),
      Budget: String(alert.amount),
      Unit: alert.unit,
      BudgetCreator: BUDGET_CREATOR,
      BudgetName: name,
      BudgetType: "Cost",
      NotificationThresholdAmount: plainNumber(thresholdAmount)
    }
  };
  return { common, legacy };
}

/** `11/1/2026 12:00:00 AM +00:00`, the legacy sample's (en-US, with offset) format, in UTC. */
function usDateTime(d: Date): string {
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"} +00:00`;
}
