/**
 * Issue 10 item 1 with a real crash: the Functions host runs in its own process and is SIGKILLed
 * while it routes an event (held by ARM throttling: the SDK waits out a long Retry-After), after
 * the event was recorded `received`. A new host on the same data dir gets the event three more
 * times (Event Grid redelivers what was not acknowledged): it is routed, exactly once.
 *
 * Real clock by necessity (a child process cannot share a virtual clock); every wait is a
 * deadline-bounded poll, and the only long wait (the throttled read) is ended by the SIGKILL.
 */
import { request } from "node:https";
import { RealClock } from "../../local/clock";
import type { AzureSimulator } from "../../local/azure";
import { createCosmosClient } from "../../shared/azure";
import { createStore, type OperationRecord, type Store } from "../../shared/store";
import { eventually, startCrashRig, type CrashRig, type HostProcess } from "../scenarios/hostProcess";

describe("an event whose routing a SIGKILL interrupted is routed on redelivery, once (issue 10 item 1)", () => {
  let rig: CrashRig;
  let azure: AzureSimulator;
  let store: Store;
  const control = (method: string, route: string, body?: unknown): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(new URL(`${azure.baseUrl}${route}`), { method, ca: rig.ca, timeout: 5000, headers: body !== undefined ? { "content-type": "application/json" } : {} }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body !== undefined ? JSON.stringify(body) : undefined);
    });

  beforeAll(async () => {
    rig = await startCrashRig("aksops-lostrouting-", 0.01);
    azure = rig.azure;
    const { cosmos } = rig;
    store = createStore(createCosmosClient({ mode: "local", cosmos: { endpoint: cosmos.endpoint, database: "aksops", key: cosmos.key }, localCaPath: rig.settings.AKSOPS_LOCAL_CA_PATH ?? "" }), "aksops", new RealClock());
  }, 20_000);

  afterAll(async () => {
    await rig?.stop();
  }, 15_000);

  it("SIGKILL mid-routing, restart, three redeliveries: one upgrade", async () => {
    const first = await rig.startHost();
    const sub = azure.kernel.config.subscriptionId;
    const devId = `/subscriptions/${sub}/resourceGroups/rg-aks-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev`;
    const adopt = await fetch(`${first.baseUrl}/api/clusters/adopt`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ resourceId: devId, environment: "dev" }) });
    expect(adopt.status).toBe(202);
    // Only this test delivers aks-dev's events; a release makes 1.36.3 available in ARM.
    expect(await control("POST", "/_sim/faults", { kind: "webhookFailure", target: devId, durationMs: 3600_000 })).toBe(201);
    expect(await control("POST", "/_sim/kubernetes-releases", { version: "1.36.3" })).toBeLessThan(300);
    // Every ARM call on aks-dev now answers 429 with a 10-minute Retry-After: the routing's read waits in the SDK.
    expect(await control("POST", "/_sim/faults", { kind: "throttle", target: devId, retryAfterSeconds: 600, durationMs: 3600_000 })).toBe(201);

    const event = {
      id: "lost-routing-1", topic: devId, subject: "aks-dev", eventType: "Microsoft.ContainerService.NewKubernetesVersionAvailable",
      eventTime: new Date().toISOString(), dataVersion: "1", data: { latestSupportedKubernetesVersion: "1.36.3", latestStableKubernetesVersion: "1.36.3" }
    };
    const deliver = (host: HostProcess): Promise<number> => fetch(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=aksEvents&code=${rig.settings.EVENTGRID_SYSTEM_KEY}`, {
      method: "POST", headers: { "content-type": "application/json", "aeg-event-type": "Notification" }, body: JSON.stringify([event]), signal: AbortSignal.timeout(30_000)
    }).then((r) => r.status, () => 0);
    const held = deliver(first);
    // Recorded, and leased by the routing the throttled read holds (issue 24 item 5).
    await eventually("the event to be recorded", async () => ((await store.events.get(event.id))?.doc.disposition === "routing" ? true : undefined), 10_000);
    await first.kill();
    expect(await held).toBe(0); // the connection died with the host: Event Grid saw no answer and will redeliver
    expect((await store.events.get(event.id))?.doc.disposition).toBe("routing");

    expect(await control("DELETE", "/_sim/faults")).toBeLessThan(300);
    const second = await rig.startHost();
    expect(await Promise.all([deliver(second), deliver(second), deliver(second)])).toEqual([202, 202, 202]);
    const record = (await store.events.get(event.id))?.doc;
    expect(record).toMatchObject({ operationId: "k8s-upgrade:aks-dev:1.36.3", clusterId: "aks-dev" });
    expect(record?.disposition).toMatch(/^upgrade(Started|Exists)$/);
    const upgrades = (await store.operations.query({ clusterId: "aks-dev" })).filter((o: OperationRecord) => o.kind === "kubernetesUpgrade");
    expect(upgrades.map((o) => [o.id, o.trigger])).toEqual([["k8s-upgrade:aks-dev:1.36.3", { type: "event", eventId: "lost-routing-1" }]]);
  }, 90_000);
});
