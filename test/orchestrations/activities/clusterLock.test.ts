/** The cluster lock and operation-record activities against the real store on embedded Cosmos. */
import { createReleaseClusterLockActivity, createTryAcquireClusterLockActivity } from "../../../orchestrations/common/activities/clusterLock";
import { createUpdateOperationActivity } from "../../../orchestrations/common/activities/updateOperation";
import { clusterRecord, operationRecord } from "../../shared/store/records";
import { startStoreFixture, type StoreFixture } from "../../shared/store/store-fixture";

describe("cluster lock and operation activities", () => {
  let f: StoreFixture;
  beforeAll(async () => { f = await startStoreFixture(); });
  afterAll(async () => { await f.dispose(); });

  const lockFor = (clusterId: string, operationId: string) => ({ clusterId, operationId, instanceId: `i-${operationId}` });

  it("grants one holder, queues the others first come first served, and hands over in that order", async () => {
    await f.store.clusters.create(clusterRecord("lock-a", { lock: { queue: [] } }));
    for (const id of ["op-1", "op-2", "op-3"]) await f.store.operations.create(operationRecord(id, "lock-a", { status: "Pending" }));
    const acquire = createTryAcquireClusterLockActivity({ store: f.store, clock: f.clock });
    const release = createReleaseClusterLockActivity({ store: f.store, clock: f.clock });

    expect(await acquire(lockFor("lock-a", "op-1"))).toEqual({ acquired: true });
    expect(await acquire(lockFor("lock-a", "op-1"))).toEqual({ acquired: true });
    expect(await acquire(lockFor("lock-a", "op-2"))).toEqual({ acquired: false, position: 1, holder: "op-1" });
    expect(await acquire(lockFor("lock-a", "op-3"))).toEqual({ acquired: false, position: 2, holder: "op-1" });
    expect(await acquire(lockFor("lock-a", "op-2"))).toEqual({ acquired: false, position: 1, holder: "op-1" });
    expect(await release(lockFor("lock-a", "op-1"))).toEqual({ released: true });
    expect(await release(lockFor("lock-a", "op-1"))).toEqual({ released: false });
    // op-3 asks first after the release, but op-2 is ahead of it in the queue.
    expect(await acquire(lockFor("lock-a", "op-3"))).toEqual({ acquired: false, position: 2 });
    expect(await acquire(lockFor("lock-a", "op-2"))).toEqual({ acquired: true });
    expect((await f.store.clusters.get("lock-a"))?.doc.lock).toMatchObject({ holder: { operationId: "op-2" }, queue: [{ operationId: "op-3" }] });
  });

  it("replaces a holder whose operation already ended (its orchestration died before releasing)", async () => {
    await f.store.clusters.create(clusterRecord("lock-b", { lock: { holder: { operationId: "dead", instanceId: "i-dead", since: "2026-03-02T08:00:00.000Z" }, queue: [] } }));
    await f.store.operations.create(operationRecord("dead", "lock-b", { status: "Failed" }));
    await f.store.operations.create(operationRecord("next", "lock-b", { status: "Pending" }));
    const acquire = createTryAcquireClusterLockActivity({ store: f.store, clock: f.clock });
    expect(await acquire(lockFor("lock-b", "next"))).toEqual({ acquired: true });
  });

  it("replaces a holder whose instance ended or was terminated, whatever its record says; a running one stays", async () => {
    await f.store.clusters.create(clusterRecord("lock-c", { lock: { holder: { operationId: "zombie", instanceId: "i-zombie", since: "2026-03-02T08:00:00.000Z" }, queue: [] } }));
    await f.store.operations.create(operationRecord("zombie", "lock-c", { status: "AwaitingApproval" }));
    await f.store.operations.create(operationRecord("waiter", "lock-c", { status: "Pending" }));
    const statuses = new Map([["i-zombie", "Running"]]);
    const acquire = createTryAcquireClusterLockActivity({ store: f.store, clock: f.clock, instanceStatus: async (id) => statuses.get(id) });
    expect(await acquire(lockFor("lock-c", "waiter"))).toEqual({ acquired: false, position: 1, holder: "zombie" });
    statuses.set("i-zombie", "Terminated");
    expect(await acquire(lockFor("lock-c", "waiter"))).toEqual({ acquired: true });
    expect((await f.store.clusters.get("lock-c"))?.doc.lock).toMatchObject({ holder: { operationId: "waiter" }, queue: [] });
  });

  it("a cancelled record stays cancelled: late patches of the stopped run change neither status nor outcome", async () => {
    const cancellation = { by: "carol", at: "2026-03-02T09:05:00.000Z", previousStatus: "AwaitingApproval" as const };
    await f.store.operations.create(operationRecord("stopped", "lock-b", {
      status: "Cancelled", cancellation, outcome: { result: "Cancelled", message: "Cancelled by carol (was AwaitingApproval)" }, steps: [], approvals: []
    }));
    const update = createUpdateOperationActivity({ store: f.store });
    expect(await update({ clusterId: "lock-b", operationId: "stopped", at: "2026-03-02T09:06:00.000Z", status: "Running", step: { index: 0, status: "Running" } }))
      .toEqual({ status: "Cancelled", cancelled: true });
    await update({ clusterId: "lock-b", operationId: "stopped", at: "2026-03-02T09:07:00.000Z", status: "Failed", outcome: { result: "Failed", message: "Sub-orchestration was terminated" } });
    expect((await f.store.operations.get("lock-b", "stopped"))?.doc).toMatchObject({ status: "Cancelled", cancellation, outcome: { result: "Cancelled" } });
  });

  it("merges the orchestrator's patches into the record, the same way on a re-run", async () => {
    await f.store.operations.create(operationRecord("merge", "lock-b", { status: "Pending", steps: [], approvals: [] }));
    const update = createUpdateOperationActivity({ store: f.store });
    const plan = { target: "1.36.2", steps: [{ index: 0, kind: "controlPlane" as const, from: "1.35.4", to: "1.36.2" }] };
    const patches = [
      { clusterId: "lock-b", operationId: "merge", at: "2026-03-02T09:00:00.000Z", status: "Running" as const, plan },
      { clusterId: "lock-b", operationId: "merge", at: "2026-03-02T09:01:00.000Z", step: { index: 0, status: "Running" as const, startedAt: "2026-03-02T09:01:00.000Z" } },
      { clusterId: "lock-b", operationId: "merge", at: "2026-03-02T09:09:00.000Z", step: { index: 0, status: "Succeeded" as const, endedAt: "2026-03-02T09:09:00.000Z", polls: 4 } },
      { clusterId: "lock-b", operationId: "merge", at: "2026-03-02T09:09:00.000Z", status: "Succeeded" as const, outcome: { result: "Succeeded" as const, message: "done" } }
    ];
    for (const patch of patches) await update(patch);
    const once = (await f.store.operations.get("lock-b", "merge"))?.doc;
    for (const patch of patches) await update(patch);
    const twice = (await f.store.operations.get("lock-b", "merge"))?.doc;
    const { timings: t1, ...rest1 } = once!;
    const { timings: t2, ...rest2 } = twice!;
    expect(rest2).toEqual(rest1);
    expect([t2.startedAt, t2.endedAt]).toEqual([t1.startedAt, t1.endedAt]);
    expect(once?.steps).toEqual([{ index: 0, name: "control plane 1.35.4 → 1.36.2", kind: "controlPlane", from: "1.35.4", to: "1.36.2", status: "Succeeded", startedAt: "2026-03-02T09:01:00.000Z", endedAt: "2026-03-02T09:09:00.000Z", polls: 4 }]);
    expect(once).toMatchObject({ status: "Succeeded", targetVersion: "1.36.2", timings: { startedAt: "2026-03-02T09:00:00.000Z", endedAt: "2026-03-02T09:09:00.000Z" } });
  });
});
