import type { LockAttempt } from "../contracts";
import type { LockRequest } from "../clusterLock";
import { terminalOperationStatuses, type ClusterLock, type ClusterLockEntry, type ClusterRecord } from "../../../shared/store";
import { MissingRecordError } from "./errors";
import { isInstanceEnded } from "../instanceStatus";
import { isoAt, type ActivityClock, type StorePort } from "./ports";
import { isNotFound } from "../../../shared/domain/failures";

export interface ClusterLockDeps {
  store: StorePort;
  clock: ActivityClock;
  /**
   * The durable runtime status of an instance (`Running`, `Terminated`, ...), undefined when it does
   * not exist: the activity's durable client in the app. Without it only records judge staleness.
   */
  instanceStatus?: (instanceId: string) => Promise<string | undefined>;
}


/**
 * Takes the cluster's lock for an operation, or queues it (FIFO). The lock is a field of the
 * cluster record written under its ETag, so two activities racing for it cannot both win. A
 * holder (or queued entry) is stale, and dropped, when its operation is already terminal (its
 * orchestration died before releasing) or when its durable instance ended or was terminated,
 * whatever its record says (a terminate through the durable API never writes the record).
 * Idempotent: asking again while holding answers `acquired`.
 */
export function createTryAcquireClusterLockActivity(deps: ClusterLockDeps): (request: LockRequest) => Promise<LockAttempt> {
  return async (request) => {
    let answer: LockAttempt = { acquired: false };
    await deps.store.clusters.mutate(request.clusterId, async (cluster) => {
      const lock = await withoutStaleEntries(deps, cluster, request);
      const me: ClusterLockEntry = { operationId: request.operationId, instanceId: request.instanceId, since: isoAt(deps.clock) };
      if (lock.holder?.operationId === request.operationId) {
        answer = { acquired: true };
        if (lock.holder.instanceId === request.instanceId) return undefined;
        lock.holder = { ...lock.holder, instanceId: request.instanceId };
        return { ...cluster, lock };
      }
      const queued = lock.queue.findIndex((e) => e.operationId === request.operationId);
      if (!lock.holder && (lock.queue.length === 0 || queued === 0)) {
        lock.holder = me;
        lock.queue = lock.queue.filter((e) => e.operationId !== request.operationId);
        answer = { acquired: true };
        return { ...cluster, lock };
      }
      if (queued < 0) lock.queue.push(me);
      const position = lock.queue.findIndex((e) => e.operationId === request.operationId) + 1;
      answer = { acquired: false, position, ...(lock.holder ? { holder: lock.holder.operationId } : {}) };
      return { ...cluster, lock };
    }).catch((err: unknown) => {
      if (isNotFound(err)) throw new MissingRecordError("cluster", request.clusterId, request.clusterId);
      throw err;
    });
    return answer;
  };
}

/** Releases the lock if this operation holds it, and leaves the queue. Idempotent. */
export function createReleaseClusterLockActivity(deps: ClusterLockDeps): (request: LockRequest) => Promise<{ released: boolean }> {
  return async (request) => {
    let released = false;
    const current = await deps.store.clusters.get(request.clusterId);
    if (!current) return { released };
    await deps.store.clusters.mutate(request.clusterId, (cluster) => {
      const lock: ClusterLock = cluster.lock ? structuredClone(cluster.lock) : { queue: [] };
      const holds = lock.holder?.operationId === request.operationId;
      const queued = lock.queue.some((e) => e.operationId === request.operationId);
      if (!holds && !queued) return undefined;
      if (holds) {
        lock.holder = undefined;
        released = true;
      }
      lock.queue = lock.queue.filter((e) => e.operationId !== request.operationId);
      return { ...cluster, lock: dropUndefined(lock) };
    });
    return { released };
  };
}

async function withoutStaleEntries(deps: ClusterLockDeps, cluster: ClusterRecord, request: LockRequest): Promise<ClusterLock> {
  const lock: ClusterLock = cluster.lock ? structuredClone(cluster.lock) : { queue: [] };
  const isStale = async (entry: ClusterLockEntry): Promise<boolean> => {
    if (entry.operationId === request.operationId) return false;
    const op = await deps.store.operations.get(cluster.id, entry.operationId);
    if (!op || terminalOperationStatuses.includes(op.doc.status)) return true;
    if (!deps.instanceStatus) return false;
    const status = await deps.instanceStatus(entry.instanceId);
    return isInstanceEnded(status);
  };
  if (lock.holder && (await isStale(lock.holder))) delete lock.holder;
  const keep: ClusterLockEntry[] = [];
  for (const entry of lock.queue) if (!(await isStale(entry))) keep.push(entry);
  lock.queue = keep;
  return lock;
}

function dropUndefined(lock: ClusterLock): ClusterLock {
  return lock.holder ? lock : { queue: lock.queue };
}
