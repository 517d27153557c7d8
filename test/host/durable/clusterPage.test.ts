/**
 * The node-image page orchestrator's bounded concurrency under the engine that schedules every
 * listed task, as Azure does: every cluster runs once, failures are counted, none is misrouted.
 * (The former sliding `Task.any([...running])` fails these: a listed-again child is created twice.)
 */
import { defaultRolloutPolicy } from "../../../orchestrations/nodeImageRollout/rolloutPolicy";
import { raiseEvent, settle, startDurableHost, startInstance, statusOf, type DurableHarness } from "./support";

let h: DurableHarness;
beforeAll(async () => { h = await startDurableHost(); });
afterAll(async () => { await h.stop(); });

const pageInput = (ids: string[], concurrency: number): object => ({
  mode: "rollout", rolloutId: "r1", ring: 0, concurrency, policy: defaultRolloutPolicy,
  clusters: ids.map((clusterId) => ({ clusterId, operationId: `op-${clusterId}`, instanceId: `page-child:${clusterId}` })),
});

const childCreations = (id: string): number =>
  (h.durable.management.getStatus(id, { showHistory: true })?.historyEvents as { EventType: string }[])
    .filter((e) => e.EventType === "SubOrchestrationInstanceCompleted" || e.EventType === "SubOrchestrationInstanceFailed").length;

test("seven clusters, two at a time, one failing: six upgraded, one failed, each run once", async () => {
  const ids = ["c1", "c2", "fail3", "c4", "c5", "c6", "c7"];
  const before = h.durable.stats().activities;
  const id = await startInstance(h, "clusterPage", pageInput(ids, 2), "page-a");
  await settle(h);
  const status = await statusOf(h, id);
  expect(status).toMatchObject({ runtimeStatus: "Completed", output: { clusters: 7, upgraded: 6, failed: 1 } });
  expect((status.output as { notable: { clusterId: string }[] }).notable.map((n) => n.clusterId)).toEqual(["fail3"]);
  // Seven clusters, and for the failed one the read of whether an operator cancelled it.
  expect(h.durable.stats().activities - before).toBe(8);
  expect(childCreations(id)).toBe(7);
});

test("a cluster an operator cancelled (its instance terminated) counts as skipped, with who cancelled, not failed", async () => {
  const id = await startInstance(h, "clusterPage", pageInput(["c1", "cancelled2", "fail3"], 2), "page-c");
  await settle(h);
  const status = await statusOf(h, id);
  expect(status).toMatchObject({ runtimeStatus: "Completed", output: { clusters: 3, upgraded: 1, skipped: 1, failed: 1 } });
  const notable = (status.output as { notable: { clusterId: string; result: string; reason: string }[] }).notable;
  expect(notable.map((n) => [n.clusterId, n.result])).toEqual([["fail3", "failed"], ["cancelled2", "skipped"]]);
  expect(notable[0]?.reason).toContain("fail3 failed");
  expect(notable[1]?.reason).toBe("cancelled by carol: freeze");
});

test("a window waits for its slowest cluster before the next window starts", async () => {
  const id = await startInstance(h, "clusterPage", pageInput(["slow1", "c2", "c3"], 2), "page-b");
  await settle(h);
  expect(h.durable.management.getStatus("page-child:c3")).toBeUndefined();
  expect(await raiseEvent(h, "page-child:slow1", "go", null)).toBe(202);
  await settle(h);
  expect(await statusOf(h, id)).toMatchObject({ runtimeStatus: "Completed", output: { clusters: 3, upgraded: 3, failed: 0 } });
});
