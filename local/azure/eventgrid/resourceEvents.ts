import { resourceTypeOf, type SimKernel } from "../kernel";
import type { ArmSuccess } from "../kernel/kernel";

/**
 * Resource events of resource groups and subscriptions
 * (https://learn.microsoft.com/azure/event-grid/event-schema-resource-groups): every ARM write,
 * delete or action answered with 2xx publishes `Microsoft.Resources.ResourceWriteSuccess`,
 * `ResourceDeleteSuccess` or `ResourceActionSuccess` to the resource group's topic (the
 * subscription's for subscription-level resources). Subject: the resource id; data: the
 * authorization, httpRequest, resourceProvider, resourceUri, operationName and status fields.
 * The simulator publishes when ARM accepts the request (Azure publishes when the write completes).
 */

/** Writes the resources module already publishes itself (sim-core's publishWrite). */
const PUBLISHED_ELSEWHERE = new Set(["Resources_CreateOrUpdate", "Resources_Update", "ResourceGroups_CreateOrUpdate"]);

export function registerResourceEvents(kernel: SimKernel): void {
  kernel.onArmSuccess((e) => publishResourceEvent(kernel, e));
}

function publishResourceEvent(kernel: SimKernel, e: ArmSuccess): void {
  if (e.kind === "write" && PUBLISHED_ELSEWHERE.has(e.operation)) return;
  const path = e.req.path.replace(/\/+$/, "").replace(/^\/+/, "/");
  const topic = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(path)?.[0] ?? /^\/subscriptions\/[^/]+/i.exec(path)?.[0];
  if (!topic) return;
  const isAction = e.req.method === "POST";
  // An action's path ends with the action name: the resource is the path without it.
  const resourceUri = isAction ? path.split("/").slice(0, -1).join("/") : path;
  const action = isAction ? path.split("/").pop() ?? "" : undefined;
  // Extension resources (diagnostic settings on a cluster) belong to the last provider in the id.
  const resourceType = resourceTypeOf(resourceUri) || "Microsoft.Resources/subscriptions";
  const provider = resourceType.split("/")[0] ?? "Microsoft.Resources";
  const operationName = action ? `${resourceType}/${action}/action` : `${resourceType}/${e.kind === "delete" ? "delete" : "write"}`;
  const eventType = action ? "Microsoft.Resources.ResourceActionSuccess" : e.kind === "delete" ? "Microsoft.Resources.ResourceDeleteSuccess" : "Microsoft.Resources.ResourceWriteSuccess";
  const header = (name: string): string => {
    const v = e.req.headers[name];
    return Array.isArray(v) ? v[0] ?? "" : v ?? "";
  };
  kernel.events.publish(topic, [{
    eventType,
    subject: resourceUri,
    dataVersion: "",
    data: {
      authorization: { scope: resourceUri, action: operationName, evidence: { role: "Contributor" } },
      claims: {},
      correlationId: header("x-ms-client-request-id"),
      httpRequest: { clientRequestId: header("x-ms-client-request-id"), clientIpAddress: "127.0.0.1", method: e.req.method, url: `${e.req.baseUrl}${e.req.path}` },
      resourceProvider: provider,
      resourceUri,
      operationName,
      status: "Succeeded",
      subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(resourceUri)?.[1] ?? "",
      tenantId: "00000000-0000-0000-0000-000000000000"
    }
  }]);
}
