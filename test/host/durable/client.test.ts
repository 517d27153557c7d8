/**
 * The durable HTTP API through the real SDK client: an HTTP function that starts an orchestration
 * and reads its status with `df.getClient(context)`, and DurableClient's management calls.
 */
import { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { settle, startDurableHost, statusOf, type DurableHarness } from "./support";

let h: DurableHarness;
beforeEach(async () => { h = await startDurableHost(); });
afterEach(async () => { await h.stop(); });

/** A DurableClient built the way `df.getClient` builds it inside a function with a durableClient input. */
function sdkClient(): df.DurableClient {
  const binding = { name: "client", type: "durableClient", direction: "in" as const };
  const data = h.durable.inputBinding?.(binding);
  const context = new InvocationContext({ functionName: "test", options: { trigger: { name: "t", type: "httpTrigger" }, extraInputs: [binding] } });
  context.extraInputs.set("client", JSON.parse(data?.string ?? "null") as unknown);
  return df.getClient(context);
}

test("an HTTP function starts an orchestration and reads its status through DurableClient", async () => {
  const start = await fetch(`${h.host.baseUrl}/api/orchestrators/sequence`, { method: "POST", body: "2" });
  expect(start.status).toBe(202);
  const links = (await start.json()) as { id: string; statusQueryGetUri: string; sendEventPostUri: string; terminatePostUri: string };
  expect(links.statusQueryGetUri).toBe(`${h.host.baseUrl}/runtime/webhooks/durabletask/instances/${links.id}?taskHub=TestHubName&connection=Storage&code=${h.host.keys.system.durabletask_extension}`);
  expect(start.headers.get("location")).toBe(links.statusQueryGetUri);
  await settle(h);

  const status = await fetch(`${h.host.baseUrl}/api/status/${links.id}`);
  const body = (await status.json()) as { runtimeStatus: string; output: number; history: { EventType: string; FunctionName?: string; Result?: unknown }[] };
  expect(body.runtimeStatus).toBe("Completed");
  expect(body.output).toBe(64);
  const completions = body.history.filter((e) => e.EventType === "TaskCompleted");
  expect(completions.map((e) => [e.FunctionName, e.Result])).toEqual([["double", 4], ["double", 8], ["double", 16], ["double", 32], ["double", 64]]);

  // The management link from createCheckStatusResponse answers too.
  const viaLink = await fetch(links.statusQueryGetUri);
  expect(viaLink.status).toBe(200);
  expect(await viaLink.json()).toMatchObject({ instanceId: links.id, runtimeStatus: "Completed", output: 64 });
});

test("management links built inside a function point at this host's port (WEBSITE_HOSTNAME is set as Azure does)", async () => {
  const res = await fetch(`${h.host.baseUrl}/api/management/some-id`);
  const payload = (await res.json()) as { statusQueryGetUri: string; sendEventPostUri: string };
  expect(payload.statusQueryGetUri.startsWith(`${h.host.baseUrl}/runtime/webhooks/durabletask/instances/some-id`)).toBe(true);
  expect(payload.sendEventPostUri.startsWith(h.host.baseUrl)).toBe(true);
});

test("DurableClient: start with an explicit id, raise an event, suspend, resume, terminate", async () => {
  const client = sdkClient();
  expect(await client.startNew("waitForever", { instanceId: "w-1", input: { who: "me" } })).toBe("w-1");
  await settle(h);
  await expect(client.startNew("waitForever", { instanceId: "w-1" })).rejects.toThrow(/409/);
  expect((await client.getStatus("w-1")).customStatus).toBe("waiting");

  await client.suspend("w-1", "maintenance");
  await settle(h);
  expect((await client.getStatus("w-1")).runtimeStatus).toBe("Suspended");
  await client.raiseEvent("w-1", "go", "later");
  await settle(h);
  expect((await client.getStatus("w-1")).runtimeStatus).toBe("Suspended");
  await client.resume("w-1", "done");
  await settle(h);
  expect(await client.getStatus("w-1")).toMatchObject({ runtimeStatus: "Completed", output: "went later" });

  await client.startNew("waitForever", { instanceId: "w-2" });
  await settle(h);
  await client.terminate("w-2", "no longer needed");
  await settle(h);
  expect(await client.getStatus("w-2")).toMatchObject({ runtimeStatus: "Terminated", output: "no longer needed" });
  await expect(client.raiseEvent("missing", "go", 1)).rejects.toThrow("No instance with ID 'missing' found.");
});

test("DurableClient: query by status and creation time with paging, purge one and purge by filter", async () => {
  const client = sdkClient();
  await client.startNew("sequence", { instanceId: "done-1", input: 1 });
  await client.startNew("waitForever", { instanceId: "running-1" });
  await settle(h);
  await h.clock.advance(3600_000);
  await client.startNew("sequence", { instanceId: "done-2", input: 1 });
  await settle(h);

  const completed = await client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] });
  expect(completed.map((s) => s.instanceId).sort()).toEqual(["done-1", "done-2"]);
  const early = await client.getStatusBy({ createdTimeTo: new Date("2026-03-02T08:30:00Z") });
  expect(early.map((s) => s.instanceId).sort()).toEqual(["done-1", "running-1"]);

  // Paging: one instance per page, followed through x-ms-continuation-token by the SDK.
  const page = await fetch(`${h.host.baseUrl}/runtime/webhooks/durabletask/instances/?top=1&code=${h.host.keys.system.durabletask_extension}`);
  expect(page.headers.get("x-ms-continuation-token")).toBeTruthy();
  expect((await client.getStatusAll()).map((s) => s.instanceId).sort()).toEqual(["done-1", "done-2", "running-1"]);

  expect((await client.purgeInstanceHistory("done-1")).instancesDeleted).toBe(1);
  expect((await client.purgeInstanceHistory("running-1")).instancesDeleted).toBe(0);
  await expect(client.getStatus("done-1")).rejects.toThrow(/404/);
  const purged = await client.purgeInstanceHistoryBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] });
  expect(purged.instancesDeleted).toBe(1);
  expect((await statusOf(h, "running-1")).runtimeStatus).toBe("Running");
});

test("an unknown orchestrator is refused with 400", async () => {
  const res = await fetch(`${h.host.baseUrl}/runtime/webhooks/durabletask/orchestrators/nope?code=${h.host.keys.system.durabletask_extension}`, { method: "POST", body: "" });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { message: string }).message).toContain("The function 'nope' doesn't exist");
});
