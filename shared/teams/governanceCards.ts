/** The budget alert card (issue 13): what spend crossed, what the platform did, and a hold's release link. */
import type { BudgetAlertFacts } from "../store/types";
import { banner, facts, heading, teamsMessage, text, type CardElement, type OpenUrlAction, type TeamsMessage } from "./adaptiveCard";

export interface BudgetAlertCardInput extends BudgetAlertFacts {
  cluster: string;
  environment: string;
  /** What the platform did, in words. */
  actions: string[];
  reason: string;
  operationUrl?: string;
  /** Opens the confirmation page that releases the upgrade hold. */
  releaseUrl?: string;
}

export function budgetAlertCard(a: BudgetAlertCardInput): TeamsMessage {
  const what = a.thresholdType === "Forecasted" ? `forecast to reach ${a.threshold} %` : `at ${a.threshold} %`;
  const body: CardElement[] = [
    banner(a.threshold >= 90 ? "attention" : "warning", [heading(`Budget alert: ${a.cluster} spend ${what} of its budget`)]),
    facts([
      ["Cluster", a.cluster], ["Environment", a.environment], ["Budget", `${a.budgetName}: ${a.amount}`],
      ["Spent", String(a.spent)], ...(a.forecast !== undefined ? [["Forecast", String(a.forecast)] as [string, string]] : [])
    ]),
    text(`Platform: ${a.actions.join("; ")}. ${a.reason}.`)
  ];
  const actions: OpenUrlAction[] = [
    ...(a.operationUrl ? [{ type: "Action.OpenUrl" as const, title: "Open operation", url: a.operationUrl }] : []),
    ...(a.releaseUrl ? [{ type: "Action.OpenUrl" as const, title: "Release hold", url: a.releaseUrl }] : [])
  ];
  return teamsMessage(body, actions);
}
