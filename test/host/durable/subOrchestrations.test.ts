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
