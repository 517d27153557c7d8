/** Durable entities: client signals and reads, orchestrations call and signal them; locks are refused. */
import { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { settle, startDurableHost, startInstance, statusOf, type DurableHarness } from "./support";

let h: DurableHarness;
beforeEach(async () => { h = await startDurableHost(); });
afterEach(async () => { await h.stop(); });

function sdkClient(): df.DurableClient {
  const binding = { name: "client", type: "durableClient", direction: "in" as const };
  const context = new InvocationContext({ functionName: "test", options: { trigger: { name: "t", type: "httpTrigger" }, extraInputs: [binding] } });
  context.extraInputs.set("client", JSON.parse(h.durable.inputBinding?.(binding)?.string ?? "null") as unknown);
  return df.getClient(context);
}

test("DurableClient signals an entity twice and reads its state; a missing entity reads as absent", async () => {
  const client = sdkClient();
  const counter = new df.EntityId("counter", "c1");
  await client.signalEntity(counter, "add", 3);
  await client.signalEntity(counter, "add", 4);
  await settle(h);
  expect(await client.readEntityState<number>(counter)).toMatchObject({ entityExists: true, entityState: 7 });
  expect(await client.readEntityState<number>(new df.EntityId("counter", "never"))).toMatchObject({ entityExists: false });
});

test("an orchestration signals and calls an entity; an operation that throws fails the call", async () => {
  const id = await startInstance(h, "useCounter", "c2", "use-counter");
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: { value: 7, failed: true } });
  expect(await sdkClient().readEntityState<number>(new df.EntityId("counter", "c2"))).toMatchObject({ entityExists: true, entityState: 7 });
});

test("an entity signals another entity", async () => {
  const client = sdkClient();
  await client.signalEntity(new df.EntityId("counter", "source"), "add", 9);
  await client.signalEntity(new df.EntityId("counter", "source"), "forward", "target");
  await settle(h);
  expect(await client.readEntityState<number>(new df.EntityId("counter", "target"))).toMatchObject({ entityExists: true, entityState: 9 });
});

test("context.df.lock fails the instance with a clear error", async () => {
  const id = await startInstance(h, "lockCounter", null, "locker");
  await settle(h);
  const status = await statusOf(h, id);
  expect(status.runtimeStatus).toBe("Failed");
  expect(String(status.output)).toContain("context.df.lock (entity critical sections)");
  expect(String(status.output)).toContain("does not support");
});
