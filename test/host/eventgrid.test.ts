import { VirtualClock } from "../../local/clock";
import { startHost, MemoryLogger, type LocalHostHandle } from "../../local/host/index";
import { createFixtureApp, type FixtureApp } from "./fixture-app";

describe("local host: Event Grid webhook", () => {
  let fixture: FixtureApp;
  let host: LocalHostHandle;
  let logger: MemoryLogger;
  const webhook = (name = "onClusterEvent"): string => `${host.baseUrl}/runtime/webhooks/eventgrid?functionName=${name}&code=${host.keys.system.eventgrid_extension}`;
  const received = (): { id: string; subject: string }[] =>
    logger.entries.filter((e) => e.category === "Function.onClusterEvent.User").map((e) => (JSON.parse(e.message) as { received: { id: string; subject: string } }).received);

  function gridEvent(id: string, subject: string): object {
    return {
      id,
      topic: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1",
      subject,
      eventType: "Microsoft.ContainerService.NewKubernetesVersionAvailable",
      eventTime: "2026-01-05T00:00:00Z",
      data: { latestSupportedKubernetesVersion: "1.31.2" },
      dataVersion: "1",
      metadataVersion: "1"
    };
  }

  beforeAll(async () => {
    fixture = createFixtureApp("eventgrid-app");
  });
  beforeEach(async () => {
    logger = new MemoryLogger();
    host = await startHost({ appDir: fixture.appDir, clock: new VirtualClock(), dataDir: fixture.dataDir, extensions: [], logger: logger.log });
  });
  afterEach(async () => host.stop());
  afterAll(() => fixture.remove());

  it("answers the Event Grid schema validation handshake with the validation code", async () => {
    const res = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "SubscriptionValidation" },
      body: JSON.stringify([{
        id: "v1", topic: "/subscriptions/s1", subject: "", eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        eventTime: "2026-01-05T00:00:00Z", data: { validationCode: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", validationUrl: "https://example.invalid/validate" }, dataVersion: "2", metadataVersion: "1"
      }])
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ validationResponse: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" });
    expect(received()).toEqual([]);
  });

  it("answers a CloudEvents validation event, whose data may be double-encoded", async () => {
    const res = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json", "aeg-event-type": "SubscriptionValidation" },
      body: JSON.stringify({ specversion: "1.0", id: "v2", source: "/subscriptions/s1", type: "Microsoft.EventGrid.SubscriptionValidationEvent", data: JSON.stringify({ validationCode: "code-2" }) })
    });
    expect(await res.json()).toEqual({ validationResponse: "code-2" });
  });

  it("answers the CloudEvents abuse-protection OPTIONS request", async () => {
    const res = await fetch(webhook(), { method: "OPTIONS", headers: { "WebHook-Request-Origin": "eventgrid.azure.net" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("webhook-allowed-origin")).toBe("eventgrid.azure.net");
    expect((await fetch(webhook(), { method: "OPTIONS" })).status).toBe(400);
  });

  it("invokes the function once per event and answers 202", async () => {
    const res = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
      body: JSON.stringify([gridEvent("e1", "clusters/aks1"), gridEvent("e2", "clusters/aks2")])
    });
    expect(res.status).toBe(202);
    expect(received().map((e) => e.id).sort()).toEqual(["e1", "e2"]);
  });

  it("answers 500 when one event of a batch fails, so Event Grid redelivers the batch", async () => {
    const res = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
      body: JSON.stringify([gridEvent("ok1", "clusters/aks1"), gridEvent("bad", "fail"), gridEvent("ok2", "clusters/aks3")])
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("cannot handle event bad");
    expect(received().map((e) => e.id).sort()).toEqual(["bad", "ok1", "ok2"]);
  });

  it("accepts CloudEvents batch and single deliveries", async () => {
    // Event Grid delivers CloudEvents batches with this content type (and aeg-event-type: Notification).
    const batch = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/cloudevents-batch+json; charset=utf-8", "aeg-event-type": "Notification" },
      body: JSON.stringify([
        { specversion: "1.0", type: "Microsoft.ContainerService.NodePoolRollingSucceeded", source: "/subscriptions/s1/aks1", subject: "pools/system", id: "c1", data: { nodePoolName: "system" } },
        { specversion: "1.0", type: "Microsoft.ContainerService.NodePoolRollingSucceeded", source: "/subscriptions/s1/aks1", subject: "pools/user", id: "c2", data: { nodePoolName: "user" } }
      ])
    });
    expect(batch.status).toBe(202);
    const single = await fetch(webhook(), {
      method: "POST",
      // Without aeg-event-type, a CloudEvents content type is taken as a notification.
      headers: { "content-type": "application/cloudevents+json; charset=utf-8" },
      body: JSON.stringify({ specversion: "1.0", type: "Microsoft.ContainerService.ClusterSupportEnding", source: "/subscriptions/s1/aks1", subject: "aks1", id: "c3", data: {} })
    });
    expect(single.status).toBe(202);
    expect(received().map((e) => e.id).sort()).toEqual(["c1", "c2", "c3"]);
  });

  it("answers 404 for an unknown function and 400 without aeg-event-type for the Event Grid schema", async () => {
    const unknown = await fetch(webhook("nope"), { method: "POST", headers: { "aeg-event-type": "Notification" }, body: "[]" });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe("cannot find function: 'nope'");
    const noHeader = await fetch(webhook(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([gridEvent("x", "y")]) });
    expect(noHeader.status).toBe(400);
    expect(received()).toEqual([]);
  });
});
