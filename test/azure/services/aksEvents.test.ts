import { subscribeDemoClusters } from "../../../local/azure/eventgrid";
import { createCluster, startHarness, WebhookReceiver, type SimHarness } from "./harness";

describe("Event Grid delivery of AKS and resource-group events", () => {
  let h: SimHarness;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    h = await startHarness();
    receiver = await new WebhookReceiver().start();
    await h.clients.resources.resourceGroups.createOrUpdate("rg-aks-dev", { location: "westeurope" });
  });
  afterEach(async () => {
    await h.close();
    await receiver.stop();
  });

  it("subscribes demo clusters (topic <cluster>-events, subscription aksops) and delivers NodePoolRolling events", async () => {
    const cluster = await createCluster(h, "rg-aks-dev", "aks-dev");
    const subs = await subscribeDemoClusters(h.sim.kernel, receiver.url);
    expect(subs).toEqual([{
      clusterId: cluster.id,
      topicId: `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-dev/providers/Microsoft.EventGrid/systemTopics/aks-dev-events`,
      subscriptionId: `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-dev/providers/Microsoft.EventGrid/systemTopics/aks-dev-events/eventSubscriptions/aksops`
    }]);
    expect(receiver.validations).toHaveLength(1);
    const topic = await h.clients.eventGrid.systemTopics.get("rg-aks-dev", "aks-dev-events");
    expect(topic).toMatchObject({ source: cluster.id, topicType: "Microsoft.ContainerService.ManagedClusters" });

    const poller = await h.clients.containerService.agentPools.beginUpgradeNodeImageVersion("rg-aks-dev", "aks-dev", "user", { updateIntervalInMs: 0 });
    await h.clock.advance(30 * 60_000);
    await poller.pollUntilDone();
    await h.sim.waitForIdle();
    const rolling = receiver.events().filter((e) => e.eventType.startsWith("Microsoft.ContainerService.NodePoolRolling"));
    expect(rolling.map((e) => [e.eventType, (e.data as { nodePoolName?: string }).nodePoolName])).toEqual([
      ["Microsoft.ContainerService.NodePoolRollingStarted", "user"],
      ["Microsoft.ContainerService.NodePoolRollingSucceeded", "user"]
    ]);
    const body = receiver.deliveries.find((d) => (d.body as { eventType: string }[])[0]?.eventType === "Microsoft.ContainerService.NodePoolRollingStarted")?.body as { topic: string }[];
    expect(body[0]?.topic).toBe(cluster.id);
  });

  it("delivers Microsoft.Resources.ResourceWriteSuccess for a write in the resource group", async () => {
    const rgId = `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-dev`;
    await h.clients.eventGrid.systemTopics.beginCreateOrUpdateAndWait("rg-aks-dev", "rg-aks-dev-events", { location: "global", source: rgId, topicType: "Microsoft.Resources.ResourceGroups" });
    await h.clients.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait("rg-aks-dev", "rg-aks-dev-events", "writes", {
      destination: { endpointType: "WebHook", endpointUrl: receiver.url },
      filter: { includedEventTypes: ["Microsoft.Resources.ResourceWriteSuccess"] }
    });
    // A VNet PUT is long-running: the clock completes it.
    const spoke = await h.clients.network.virtualNetworks.beginCreateOrUpdate("rg-aks-dev", "vnet-spoke", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.240.0.0/16"] }
    }, { updateIntervalInMs: 0 });
    await h.clock.advance(60_000);
    const vnet = await spoke.pollUntilDone();
    await h.sim.waitForIdle();
    const writes = receiver.events().filter((e) => e.subject === vnet.id);
    expect(writes).toHaveLength(1);

    // The subscription's topic carries the same event (same id), with the subscription as its topic.
    const subId = `/subscriptions/${h.subscriptionId}`;
    await h.clients.eventGrid.systemTopics.beginCreateOrUpdateAndWait("rg-aks-dev", "sub-events", { location: "global", source: subId, topicType: "Microsoft.Resources.Subscriptions" });
    const subReceiver = await new WebhookReceiver().start();
    try {
      await h.clients.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait("rg-aks-dev", "sub-events", "all-writes", {
        destination: { endpointType: "WebHook", endpointUrl: subReceiver.url },
        filter: { includedEventTypes: ["Microsoft.Resources.ResourceWriteSuccess"], subjectEndsWith: "/vnet-hub" }
      });
      const hub = await h.clients.network.virtualNetworks.beginCreateOrUpdate("rg-aks-dev", "vnet-hub", { location: "westeurope", addressSpace: { addressPrefixes: ["10.200.0.0/24"] } }, { updateIntervalInMs: 0 });
      await h.clock.advance(60_000);
      await hub.pollUntilDone();
      await h.sim.waitForIdle();
      const [fromSub] = subReceiver.deliveries.map((d) => (d.body as { id: string; topic: string }[])[0]);
      const fromRg = receiver.events().find((e) => e.subject.endsWith("/vnet-hub"));
      expect(fromSub?.topic).toBe(subId);
      expect(fromSub?.id).toBe(fromRg?.id);
    } finally {
      await subReceiver.stop();
    }
    expect(writes[0]).toMatchObject({ eventType: "Microsoft.Resources.ResourceWriteSuccess", data: { resourceUri: vnet.id, status: "Succeeded" } });
  });

  it("delivers ResourceWriteSuccess, ResourceActionSuccess and ResourceDeleteSuccess for every ARM write, action and delete in the group", async () => {
    const rgId = `/subscriptions/${h.subscriptionId}/resourceGroups/rg-aks-dev`;
    const cluster = await createCluster(h, "rg-aks-dev", "aks-dev");
    await h.clients.eventGrid.systemTopics.beginCreateOrUpdateAndWait("rg-aks-dev", "rg-aks-dev-events", { location: "global", source: rgId, topicType: "Microsoft.Resources.ResourceGroups" });
    await h.clients.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait("rg-aks-dev", "rg-aks-dev-events", "all", {
      destination: { endpointType: "WebHook", endpointUrl: receiver.url }
    });
    const poolId = `${cluster.id}/agentPools/user`;
    const poller = await h.clients.containerService.agentPools.beginUpgradeNodeImageVersion("rg-aks-dev", "aks-dev", "user", { updateIntervalInMs: 0 });
    await h.clock.advance(30 * 60_000);
    await poller.pollUntilDone();
    await h.clients.monitor.diagnosticSettings.createOrUpdate(cluster.id ?? "", "to-law", { workspaceId: `${rgId}/providers/Microsoft.OperationalInsights/workspaces/law`, logs: [{ category: "kube-audit", enabled: true }] });
    await h.clients.monitor.diagnosticSettings.delete(cluster.id ?? "", "to-law");
    await h.sim.waitForIdle();
    const events = receiver.events().map((e) => [e.eventType.replace("Microsoft.Resources.", ""), e.subject, (e.data as { operationName: string }).operationName]);
    expect(events).toEqual([
      // The subscription's own creation is a write in the group: it reaches the new subscription too.
      ["ResourceWriteSuccess", `${rgId}/providers/Microsoft.EventGrid/systemTopics/rg-aks-dev-events/eventSubscriptions/all`, "Microsoft.EventGrid/systemTopics/eventSubscriptions/write"],
      ["ResourceActionSuccess", poolId, "Microsoft.ContainerService/managedClusters/agentPools/upgradeNodeImageVersion/action"],
      ["ResourceWriteSuccess", `${cluster.id}/providers/Microsoft.Insights/diagnosticSettings/to-law`, "Microsoft.Insights/diagnosticSettings/write"],
      ["ResourceDeleteSuccess", `${cluster.id}/providers/Microsoft.Insights/diagnosticSettings/to-law`, "Microsoft.Insights/diagnosticSettings/delete"]
    ]);
  });

  it("subscribes the three demo clusters of a demo-seeded simulator", async () => {
    const demo = await startHarness({ seed: "demo" });
    const demoReceiver = await new WebhookReceiver().start();
    try {
      const subs = await subscribeDemoClusters(demo.sim.kernel, demoReceiver.url);
      expect(subs.map((s) => s.topicId.split("/").pop()).sort()).toEqual(["aks-dev-events", "aks-prod-events", "aks-staging-events"]);
      expect(demoReceiver.validations).toHaveLength(3);
      // Idempotent: a restart that subscribes again to the same endpoint runs no new handshake.
      await subscribeDemoClusters(demo.sim.kernel, demoReceiver.url);
      expect(demoReceiver.validations).toHaveLength(3);
    } finally {
      await demo.close();
      await demoReceiver.stop();
    }
  });
});
