import { RestError } from "@azure/core-rest-pipeline";
import type { DeliveryRecord } from "../../../local/azure/eventgrid";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EVENTGRID_SERVICE, type EventGridService } from "../../../local/azure/eventgrid";
import { simRequest, startHarness, WebhookReceiver, type SimHarness } from "./harness";

describe("Event Grid simulator (system topics, webhook subscriptions, delivery)", () => {
  let h: SimHarness;
  let receiver: WebhookReceiver;
  const rg = "rg-events";
  let rgId: string;

  beforeEach(async () => {
    h = await startHarness();
    receiver = await new WebhookReceiver().start();
    await h.clients.resources.resourceGroups.createOrUpdate(rg, { location: "westeurope" });
    rgId = `/subscriptions/${h.subscriptionId}/resourceGroups/${rg}`;
    await h.clients.eventGrid.systemTopics.beginCreateOrUpdateAndWait(rg, "rg-events-topic", {
      location: "global",
      source: rgId,
      topicType: "Microsoft.Resources.ResourceGroups"
    });
  });

  afterEach(async () => {
    await h.close();
    await receiver.stop();
  });

  const subscribe = (name: string, retryPolicy?: { maxDeliveryAttempts?: number; eventTimeToLiveInMinutes?: number }) =>
    h.clients.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(rg, "rg-events-topic", name, {
      destination: { endpointType: "WebHook", endpointUrl: receiver.url },
      // Only the events these tests publish: the group's own resource events (the subscription's
      // creation is one) are covered in aksEvents.test.ts.
      filter: { subjectBeginsWith: `${rgId}/providers/Microsoft.Test/` },
      ...(retryPolicy ? { retryPolicy } : {})
    });

  const deliveries = async (): Promise<DeliveryRecord[]> => {
    const res = await simRequest(h, "GET", "/_sim/events");
    expect(res.status).toBe(200);
    return (res.json() as { value: DeliveryRecord[] }).value;
  };

  const publish = (...eventTypes: string[]) =>
    h.sim.kernel.events.publish(rgId, eventTypes.map((eventType, i) => ({ eventType, subject: `${rgId}/providers/Microsoft.Test/things/t${i}`, data: { i } })));

  it("creates a subscription after the validation handshake, with Event Grid's defaults", async () => {
    const sub = await subscribe("aksops");
    expect(receiver.validations).toHaveLength(1);
    const validation = (receiver.validations[0]?.body as { eventType: string; data: { validationCode: string; validationUrl: string } }[])[0];
    expect(validation?.eventType).toBe("Microsoft.EventGrid.SubscriptionValidationEvent");
    expect(validation?.data.validationUrl).toContain("/_sim/eventgrid/validate");
    expect(sub.provisioningState).toBe("Succeeded");
    expect(sub.retryPolicy).toEqual({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 });
    expect(sub.destination).toMatchObject({ endpointType: "WebHook", endpointBaseUrl: receiver.url });
    const full = await h.clients.eventGrid.systemTopicEventSubscriptions.getFullUrl(rg, "rg-events-topic", "aksops");
    expect(full.endpointUrl).toBe(receiver.url);
    const listed = [];
    for await (const s of h.clients.eventGrid.systemTopicEventSubscriptions.listBySystemTopic(rg, "rg-events-topic")) listed.push(s.name);
    expect(listed).toEqual(["aksops"]);
  });

  it("fails the PUT with Event Grid's 'Url validation' error when the endpoint does not answer the handshake", async () => {
    receiver.answerHandshake = false;
    const err = await subscribe("aksops").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect((err as RestError).statusCode).toBe(400);
    expect((err as RestError).code).toBe("Url validation");
    expect((err as RestError).message).toMatch(/^Webhook validation handshake failed for http:\/\/127\.0\.0\.1:\d+\/api\/events\. Http POST request failed with response code 404/);
    await expect(h.clients.eventGrid.systemTopicEventSubscriptions.get(rg, "rg-events-topic", "aksops")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("fails the handshake for an endpoint nobody listens on", async () => {
    await receiver.stop();
    const err = await subscribe("aksops").catch((e: unknown) => e);
    expect((err as RestError).code).toBe("Url validation");
    expect((err as RestError).message).toContain("response code Unknown");
  });

  it("delivers Event Grid schema arrays with Event Grid's headers", async () => {
    await subscribe("aksops");
    publish("Microsoft.Resources.ResourceWriteSuccess");
    await h.sim.waitForIdle();
    expect(receiver.deliveries).toHaveLength(1);
    const d = receiver.deliveries[0];
    expect(d?.headers["aeg-event-type"]).toBe("Notification");
    expect(d?.headers["aeg-subscription-name"]).toBe("AKSOPS");
    expect(d?.headers["aeg-delivery-count"]).toBe("0");
    const [event] = d?.body as Record<string, unknown>[];
    expect(Object.keys(event ?? {}).sort()).toEqual(["data", "dataVersion", "eventTime", "eventType", "id", "metadataVersion", "subject", "topic"]);
    expect(event).toMatchObject({ topic: rgId, eventType: "Microsoft.Resources.ResourceWriteSuccess", eventTime: "2026-03-10T08:00:00.000Z", metadataVersion: "1" });
  });

  it("redelivers after a 500 on Event Grid's schedule, on the virtual clock", async () => {
    await subscribe("aksops");
    receiver.respondWith(500, 503);
    publish("Microsoft.Resources.ResourceWriteSuccess");
    await h.sim.waitForIdle();
    expect(receiver.deliveries).toHaveLength(1);
    let [record] = await deliveries();
    expect(record).toMatchObject({ status: "retrying", nextAttemptAt: "2026-03-10T08:00:10.000Z" });

    await h.clock.advance(9_999);
    expect(receiver.deliveries).toHaveLength(1);
    await h.clock.advance(1); // 10 s: first retry, answered 503
    expect(receiver.deliveries).toHaveLength(2);
    expect(receiver.deliveries[1]?.headers["aeg-delivery-count"]).toBe("1");
    await h.clock.advance(30_000); // 30 s later: second retry, answered 200
    expect(receiver.deliveries).toHaveLength(3);
    [record] = await deliveries();
    expect(record?.status).toBe("delivered");
    expect(record?.attempts.map((a) => [a.at, a.responseCode, a.outcome])).toEqual([
      ["2026-03-10T08:00:00.000Z", 500, "failed"],
      ["2026-03-10T08:00:10.000Z", 503, "failed"],
      ["2026-03-10T08:00:40.000Z", 200, "delivered"]
    ]);
    const ids = receiver.events().map((e) => e.id);
    expect(new Set(ids).size).toBe(1);
  });

  it("dead-letters after maxDeliveryAttempts, and at once on a non-retriable 400", async () => {
    await subscribe("twoattempts", { maxDeliveryAttempts: 2 });
    receiver.respondWith(500, 500, 400);
    publish("First");
    await h.sim.waitForIdle();
    await h.clock.advance(10_000);
    publish("Second");
    await h.sim.waitForIdle();
    const records = await deliveries();
    expect(records.map((r) => [r.events[0]?.eventType, r.status, r.deadLetterReason, r.attempts.length])).toEqual([
      ["First", "dropped", "MaxDeliveryAttemptsExceeded", 2],
      ["Second", "dropped", "NonRetriableStatus", 1]
    ]);
    await h.clock.advance(24 * 3600_000);
    expect(receiver.deliveries).toHaveLength(3);
  });

  it("reverses a batch under the eventReorder fault and delivers twice under eventDuplicate", async () => {
    await subscribe("aksops");
    h.sim.kernel.faults.add({ kind: "eventReorder", target: rgId, count: 1 });
    publish("A", "B", "C");
    await h.sim.waitForIdle();
    expect(receiver.events().map((e) => e.eventType)).toEqual(["C", "B", "A"]);

    h.sim.kernel.faults.add({ kind: "eventDuplicate", count: 1 });
    publish("D");
    await h.sim.waitForIdle();
    const d = receiver.events().filter((e) => e.eventType === "D");
    expect(d).toHaveLength(2);
    expect(d[0]?.id).toBe(d[1]?.id);
    publish("E");
    await h.sim.waitForIdle();
    expect(receiver.events().filter((e) => e.eventType === "E")).toHaveLength(1);
  });

  it("counts deliveries as failed under the webhookFailure fault without reaching the endpoint", async () => {
    await subscribe("aksops");
    h.sim.kernel.faults.add({ kind: "webhookFailure", target: receiver.url, count: 2, status: 503 });
    publish("X");
    await h.sim.waitForIdle();
    await h.clock.advance(40_000);
    const [record] = await deliveries();
    expect(record?.attempts.map((a) => [a.responseCode, a.injected ?? false])).toEqual([[503, true], [503, true], [200, false]]);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it("applies the subscription's filter", async () => {
    await h.clients.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(rg, "rg-events-topic", "writes", {
      destination: { endpointType: "WebHook", endpointUrl: receiver.url },
      filter: { includedEventTypes: ["Microsoft.Resources.ResourceWriteSuccess"], subjectEndsWith: "/t1" }
    });
    publish("Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceDeleteSuccess");
    await h.sim.waitForIdle();
    expect(receiver.events().map((e) => e.subject)).toEqual([`${rgId}/providers/Microsoft.Test/things/t1`]);
  });

  it("dead-letters when the event's time to live runs out before the next retry", async () => {
    await subscribe("shortttl", { eventTimeToLiveInMinutes: 1 });
    receiver.respondWith(500, 500, 500, 500);
    publish("Expiring");
    await h.sim.waitForIdle();
    await h.clock.advance(10 * 60_000);
    const [record] = await deliveries();
    // Attempts at 0 s, 10 s and 40 s; the next (1 min later, at 100 s) would be past the 60 s TTL.
    expect(record?.attempts.map((a) => a.at)).toEqual(["2026-03-10T08:00:00.000Z", "2026-03-10T08:00:10.000Z", "2026-03-10T08:00:40.000Z"]);
    expect(record).toMatchObject({ status: "dropped", deadLetterReason: "TimeToLiveExceeded" });
  });

  it("records 'deadLettered' when the subscription has a dead-letter destination", async () => {
    await h.clients.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(rg, "rg-events-topic", "withdl", {
      destination: { endpointType: "WebHook", endpointUrl: receiver.url },
      filter: { subjectBeginsWith: `${rgId}/providers/Microsoft.Test/` },
      deadLetterDestination: { endpointType: "StorageBlob", resourceId: `${rgId}/providers/Microsoft.Storage/storageAccounts/stdl`, blobContainerName: "deadletters" }
    });
    receiver.respondWith(413);
    publish("TooBig");
    await h.sim.waitForIdle();
    const [record] = await deliveries();
    expect(record).toMatchObject({ status: "deadLettered", deadLetterReason: "NonRetriableStatus" });
  });

  it("stops retrying when the subscription is deleted, and deletes a topic with its subscriptions", async () => {
    await subscribe("aksops");
    receiver.respondWith(500);
    publish("Orphan");
    await h.sim.waitForIdle();
    await h.clients.eventGrid.systemTopicEventSubscriptions.beginDeleteAndWait(rg, "rg-events-topic", "aksops");
    await h.clock.advance(3600_000);
    expect(receiver.deliveries).toHaveLength(1);
    expect((await deliveries())[0]).toMatchObject({ status: "dropped", deadLetterReason: "SubscriptionDeleted" });

    const topics = [];
    for await (const t of h.clients.eventGrid.systemTopics.listByResourceGroup(rg)) topics.push(t.name);
    expect(topics).toEqual(["rg-events-topic"]);
    await subscribe("again");
    await h.clients.eventGrid.systemTopics.beginDeleteAndWait(rg, "rg-events-topic");
    await expect(h.clients.eventGrid.systemTopicEventSubscriptions.get(rg, "rg-events-topic", "again")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("allows one system topic per source and checks the topic type against the source", async () => {
    const second = (await h.clients.eventGrid.systemTopics.beginCreateOrUpdateAndWait(rg, "another", { location: "global", source: rgId, topicType: "Microsoft.Resources.ResourceGroups" }).catch((e: unknown) => e)) as RestError;
    expect(second.statusCode).toBe(400);
    expect(second.message).toContain("Only one system topic is allowed per source");
    const wrongType = (await h.clients.eventGrid.systemTopics.beginCreateOrUpdateAndWait(rg, "another", { location: "global", source: rgId, topicType: "Microsoft.ContainerService.ManagedClusters" }).catch((e: unknown) => e)) as RestError;
    expect(wrongType.message).toContain("does not match the source");
  });

  it("delivers to an https endpoint whose CA it is told to trust, and fails the handshake otherwise", async () => {
    const certDir = join(h.sim.caPath, "..");
    const tls = { key: readFileSync(join(certDir, "local-key.pem"), "utf8"), cert: readFileSync(h.sim.caPath, "utf8") };
    const secure = await new WebhookReceiver().start(tls);
    try {
      const put = () => h.clients.eventGrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(rg, "rg-events-topic", "secure", {
        destination: { endpointType: "WebHook", endpointUrl: secure.url },
        filter: { subjectBeginsWith: `${rgId}/providers/Microsoft.Test/` }
      });
      await expect(put()).rejects.toMatchObject({ code: "Url validation" });
      h.sim.kernel.service<EventGridService>(EVENTGRID_SERVICE)?.setWebhookOptions({ ca: tls.cert });
      await put();
      publish("OverTls");
      await h.sim.waitForIdle();
      expect(secure.events().map((e) => e.eventType)).toEqual(["OverTls"]);
    } finally {
      await secure.stop();
    }
  });
});
