/**
 * The local counterpart of infra/modules/actionGroup.bicep: the action group the platform's budgets
 * notify, with one webhook receiver (common alert schema) to the host's `POST /api/alerts/budget`
 * carrying the default function key, in the platform's own resource group. Made through the
 * simulator's ARM routes, so its validation applies as for any client.
 */
import { dispatch, type SimKernel, type SimRequest, type SimResponse } from "./azure/kernel";

export const PLATFORM_RESOURCE_GROUP = "rg-aksops";
export const BUDGET_ACTION_GROUP = "ag-aksops-budgets";

export function budgetActionGroupId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${PLATFORM_RESOURCE_GROUP}/providers/Microsoft.Insights/actionGroups/${BUDGET_ACTION_GROUP}`;
}

export class ActionGroupSetupError extends Error {
  override readonly name = "ActionGroupSetupError";
  constructor(readonly path: string, readonly status: number, readonly detail: unknown) {
    super(`PUT ${path} answered ${status}: ${JSON.stringify(detail)}`);
  }
}

export async function ensureBudgetActionGroup(kernel: SimKernel, alertUrl: string): Promise<string> {
  const sub = kernel.config.subscriptionId;
  const rg = `/subscriptions/${sub}/resourceGroups/${PLATFORM_RESOURCE_GROUP}`;
  await put(kernel, rg, "2021-04-01", { location: kernel.config.location, tags: { workload: "aksops" } });
  const id = budgetActionGroupId(sub);
  await put(kernel, id, "2023-01-01", {
    location: "global",
    properties: { groupShortName: "aksopsbudget", enabled: true, webhookReceivers: [{ name: "aksops", serviceUri: alertUrl, useCommonAlertSchema: true }] }
  });
  return id;
}

async function put(kernel: SimKernel, path: string, apiVersion: string, body: unknown): Promise<SimResponse> {
  const req: SimRequest = {
    method: "PUT", path, query: new URLSearchParams({ "api-version": apiVersion }),
    headers: { authorization: "Bearer local-platform-setup", "content-type": "application/json" },
    body, rawBody: Buffer.from(JSON.stringify(body)), subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(path)?.[1], baseUrl: kernel.baseUrl
  };
  const res = await kernel.track(dispatch(kernel, req));
  if (res.status >= 300) throw new ActionGroupSetupError(path, res.status, res.body);
  return res;
}
