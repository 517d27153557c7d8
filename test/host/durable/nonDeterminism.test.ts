/** Replaying a recorded history against changed orchestrator code fails the instance, naming both actions. */
import { raiseEvent, settle, startDurableHost, startInstance, statusOf, tempDir } from "./support";

test("changed code against a recorded history: the instance fails naming the expected and the actual action", async () => {
  const dataDir = tempDir("durable-nd-");
  const first = await startDurableHost({ dataDir });
  const id = await startInstance(first, "changingSteps", null, "changing");
  await settle(first);
  expect((await statusOf(first, id)).runtimeStatus).toBe("Running");
  await first.stop();

  // Same data dir, the app's code changed: the first step now calls "double" instead of "greet".
  const second = await startDurableHost({ dataDir, variant: "changed" });
  try {
    expect(await raiseEvent(second, id, "go", "now")).toBe(202);
    await settle(second);
    const status = await statusOf(second, id);
    expect(status.runtimeStatus).toBe("Failed");
    expect(String(status.output)).toContain("Non-deterministic");
    expect(String(status.output)).toContain("CallActivity 'greet'");
    expect(String(status.output)).toContain("CallActivity 'double'");
  } finally {
    await second.stop();
  }
});

test("the unchanged code replays the same history to completion", async () => {
  const dataDir = tempDir("durable-nd-");
  const first = await startDurableHost({ dataDir });
  const id = await startInstance(first, "changingSteps", null, "unchanged");
  await settle(first);
  await first.stop();

  const second = await startDurableHost({ dataDir });
  try {
    await raiseEvent(second, id, "go", "again");
    await settle(second);
    expect(await statusOf(second, id)).toMatchObject({ runtimeStatus: "Completed", output: "Hello again" });
  } finally {
    await second.stop();
  }
});
