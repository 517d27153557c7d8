/** Sub-orchestrations with explicit instance ids, results and failure propagation. */
import { settle, startDurableHost, startInstance, statusOf, type DurableHarness } from "./support";

let h: DurableHarness;
beforeEach(async () => { h = await startDurableHost(); });
afterEach(async () => { await h.stop(); });

test("a child's failure reaches its parent with the child's message", async () => {
  const id = await startInstance(h, "parentOfFailingChild", null, "parent-1");
  await settle(h);

  const child = await statusOf(h, "parent-1-child");
  expect(child.runtimeStatus).toBe("Failed");
  expect(String(child.output)).toContain("child exploded on widget");

  const parent = await statusOf(h, id);
  expect(parent.runtimeStatus).toBe("Completed");
  expect((parent.output as { caught: string }).caught).toContain("Orchestrator function 'failingChild' failed: child exploded on widget");
});

test("children started with explicit ids run concurrently and their results come back in order", async () => {
  const id = await startInstance(h, "parentOfGreeter", ["ana", "bo", "cy"], "greeters");
  await settle(h);
  expect((await statusOf(h, id)).output).toEqual(["Hello ana", "Hello bo", "Hello cy"]);
  for (const [i, name] of ["ana", "bo", "cy"].entries()) {
    const child = await statusOf(h, `greeters-greeter-${i}`);
    expect(child).toMatchObject({ runtimeStatus: "Completed", output: `Hello ${name}`, input: name });
  }
});

test("a sub-orchestration with retries re-runs the child under its explicit id, then fails the parent's task", async () => {
  const id = await startInstance(h, "parentRetryingChild", null, "retrying-parent");
  await settle(h);
  expect(h.durable.pendingTimers(id).map((t) => t.fireAt)).toEqual(["2026-03-02T08:00:01.000Z"]);
  await h.clock.advance(1000);
  const parent = await statusOf(h, id);
  expect(parent.runtimeStatus).toBe("Completed");
  expect((parent.output as { caught: string }).caught).toContain("child exploded on gadget");
  const history = h.durable.management.getStatus(id, { showHistory: true })?.historyEvents as { EventType: string; InstanceId?: string }[];
  const failures = history.filter((e) => e.EventType === "SubOrchestrationInstanceFailed");
  expect(failures.map((e) => e.InstanceId)).toEqual(["retrying-parent-child", "retrying-parent-child"]);
});

test("terminating a child fails the parent's task with the termination reason", async () => {
  const id = await startInstance(h, "parentOfWaiter", null, "waiter-parent");
  await settle(h);
  expect((await statusOf(h, "waiter-parent-waiter")).runtimeStatus).toBe("Running");
  expect(h.durable.management.terminate("waiter-parent-waiter", "operator gave up")).toBe("accepted");
  await settle(h);
  expect((await statusOf(h, "waiter-parent-waiter")).runtimeStatus).toBe("Terminated");
  const parent = await statusOf(h, id);
  expect(parent.runtimeStatus).toBe("Completed");
  expect((parent.output as { caught: string }).caught).toContain("operator gave up");
});

