import { dispatch, nameOf, type SimKernel, type SimRequest, type SimResponse } from "../kernel";

/**
 * Wires the demo fleet to the platform: for each cluster a system topic `<cluster>-events` and an
 * event subscription `aksops` to `endpointUrl` (the local host's
 * `.../runtime/webhooks/eventgrid?functionName=aksEvents`). It goes through the ARM routes, so the
 * validation handshake runs against the endpoint exactly as it would for any client; `npm start`
 * calls it once the host is up.
 */

const API_VERSION = "2022-06-15";

export class DemoSubscriptionError extends Error {
  override readonly name = "DemoSubscriptionError";
  constructor(readonly clusterId: string, readonly status: number, readonly detail: unknown) {
    super(`Subscribing ${clusterId} to Event Grid failed with ${status}: ${JSON.stringify(detail)}`);
  }
}

export interface DemoSubscription {
  clusterId: string;
  topicId: string;
  subscriptionId: string;
}

export async function subscribeDemoClusters(kernel: SimKernel, endpointUrl: string, clusterIds?: string[]): Promise<DemoSubscription[]> {
  const clusters = clusterIds ?? kernel.store.list({ type: "Microsoft.ContainerService/managedClusters" }).map((c) => c.id);
  const out: DemoSubscription[] = [];
  for (const clusterId of clusters) {
    const cluster = kernel.store.get(clusterId);
    const rg = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(clusterId)?.[1];
    if (!rg) throw new DemoSubscriptionError(clusterId, 400, "not a resource id inside a resource group");
    const topicId = `${rg}/providers/Microsoft.EventGrid/systemTopics/${nameOf(clusterId)}-events`;
    const topic = await call(kernel, "PUT", topicId, {
      location: cluster?.location ?? kernel.config.location,
      properties: { source: cluster?.id ?? clusterId, topicType: "Microsoft.ContainerService.ManagedClusters" }
    });
    if (topic.status >= 300) throw new DemoSubscriptionError(clusterId, topic.status, topic.body);
    const subscriptionId = `${topicId}/eventSubscriptions/aksops`;
    const sub = await call(kernel, "PUT", subscriptionId, {
      properties: { destination: { endpointType: "WebHook", properties: { endpointUrl } }, eventDeliverySchema: "EventGridSchema" }
    });
    if (sub.status >= 300) throw new DemoSubscriptionError(clusterId, sub.status, sub.body);
    out.push({ clusterId, topicId, subscriptionId });
  }
  return out;
}

async function call(kernel: SimKernel, method: string, path: string, body: unknown): Promise<SimResponse> {
  const raw = Buffer.from(JSON.stringify(body));
  const req: SimRequest = {
    method,
    path,
    query: new URLSearchParams({ "api-version": API_VERSION }),
    headers: { authorization: "Bearer local-demo-seed", "content-type": "application/json" },
    body,
    rawBody: raw,
    subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(path)?.[1],
    baseUrl: kernel.baseUrl
  };
  return kernel.track(dispatch(kernel, req));
}
