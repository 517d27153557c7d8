/** Chaos switches: redelivered activities, lost checkpoints and duplicate events; an idempotent activity converges. */
import * as fs from "node:fs";
import * as path from "node:path";
import { raiseEvent, settle, startDurableHost, startInstance, statusOf } from "./support";

function runsOf(markerDir: string, key: string): number {
  return fs.readFileSync(path.join(markerDir, `${key}.runs`), "utf8").length;
}

test.each([
  ["rerunActivityAfterSuccess", { rerunActivityAfterSuccess: true }],
  ["crashBeforeActivityCheckpoint", { crashBeforeActivityCheckpoint: true }],
] as const)("%s: every activity runs twice, the idempotent effect is applied once", async (_name, chaos) => {
  const h = await startDurableHost({ chaos });
  try {
    const id = await startInstance(h, "markers", ["alpha", "beta"], "markers");
    await settle(h);
    await raiseEvent(h, id, "continue", "go");
    await settle(h);
    const status = await statusOf(h, id);
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: ["alpha", "beta", "go"] });
    for (const key of ["alpha", "beta"]) {
      expect(runsOf(h.markerDir, key)).toBe(2);
      expect(fs.readFileSync(path.join(h.markerDir, `${key}.marker`), "utf8")).toBe(key);
    }
  } finally {
    await h.stop();
  }
});

test("duplicateExternalEvents: a decision delivered twice reaches the history twice and decides once", async () => {
  const h = await startDurableHost({ chaos: { duplicateExternalEvents: true } });
  try {
    const id = await startInstance(h, "approval", null, "dup-approval");
    await settle(h);
    await raiseEvent(h, id, "decision", { approved: false });
    await settle(h);
    const status = h.durable.management.getStatus(id, { showHistory: true, showHistoryOutput: true });
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: { outcome: "decided", decision: { approved: false } } });
    expect((status?.historyEvents as { EventType: string }[]).filter((e) => e.EventType === "EventRaised")).toHaveLength(2);
    expect(h.durable.pendingTimers(id)).toEqual([]);
  } finally {
    await h.stop();
  }
});

test("duplicateExternalEvents: every event really arrives twice (a counting orchestration double-counts)", async () => {
  const h = await startDurableHost({ chaos: { duplicateExternalEvents: true } });
  try {
    const id = await startInstance(h, "accumulator", { total: 0, target: 5, generation: 1 }, "dup-accumulator");
    await settle(h);
    await raiseEvent(h, id, "add", 4);
    await settle(h);
    await h.clock.advance(60_000);
    await h.clock.advance(60_000);
    expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: { total: 8, generation: 2 } });
  } finally {
    await h.stop();
  }
});

test("without chaos each activity runs exactly once", async () => {
  const h = await startDurableHost();
  try {
    const id = await startInstance(h, "markers", ["solo"], "no-chaos");
    await settle(h);
    await raiseEvent(h, id, "continue", "go");
    await settle(h);
    expect((await statusOf(h, id)).runtimeStatus).toBe("Completed");
    expect(runsOf(h.markerDir, "solo")).toBe(1);
  } finally {
    await h.stop();
  }
});
