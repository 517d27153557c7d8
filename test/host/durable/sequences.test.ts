/** Sequences and fan-out/fan-in through the host; logs carry the instance id. */
import { MemoryLogger } from "../../../local/host";
import { settle, startDurableHost, startInstance, statusOf } from "./support";

test("a 5-activity sequence completes, and the orchestrator's invocation logs carry its instance id", async () => {
  const logger = new MemoryLogger();
  const h = await startDurableHost({ logger });
  try {
    const id = await startInstance(h, "sequence", 3, "seq-logs");
    await settle(h);
    expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: 96, input: 3 });
    const orchestratorLogs = logger.entries.filter((e) => e.category.startsWith("Function.sequence"));
    expect(orchestratorLogs.length).toBeGreaterThan(0);
    const bad = orchestratorLogs.filter((e) => !(e.context?.instanceId === id && typeof e.context.invocationId === "string"));
    expect(bad).toEqual([]);
    expect(logger.entries.filter((e) => e.context?.functionName === "double" && e.context.instanceId === id).length).toBeGreaterThan(0);
  } finally {
    await h.stop();
  }
});

test("a 200-activity fan-out/fan-in runs with bounded activity concurrency and few episodes", async () => {
  const h = await startDurableHost({ activityConcurrency: 3 });
  try {
    const id = await startInstance(h, "fanOut", 200, "fan-200");
    await settle(h);
    expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: 200 * 199 });
    // Completions queued while an episode runs are processed together, not one episode per activity.
    expect(h.durable.stats().episodes).toBeLessThan(20);
    expect(h.durable.stats().activities).toBe(200);
    expect(h.durable.stats().peakConcurrentActivities).toBe(3);
  } finally {
    await h.stop();
  }
});
