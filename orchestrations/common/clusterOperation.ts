import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import type { OperationUpdate } from "../kubernetesUpgrade/contracts";
import { acquireClusterLock, releaseClusterLock } from "./clusterLock";
import { nowIso } from "./time";

export type OperationPatch = Omit<OperationUpdate, "clusterId" | "operationId" | "at">;
/** Writes a patch into the operation's Cosmos record, stamped with the orchestration's (replay-safe) time. */
export type RecordOperation = (patch: OperationPatch) => Task;

export interface OperationIds {
  clusterId: string;
  operationId: string;
}

export function operationRecorder(context: OrchestrationContext, ids: OperationIds): RecordOperation {
  const { clusterId, operationId } = ids;
  return (patch) => context.df.callActivity(ActivityNames.updateOperation, { clusterId, operationId, at: nowIso(context), ...patch });
}

/**
 * Runs `body` as the cluster's one platform operation: queued (and shown as `Queued` with its
 * place in line) until the cluster's lock is free, released whatever the body's outcome.
 */
export function* asClusterOperation<T>(
  context: OrchestrationContext,
  ids: OperationIds,
  body: (record: RecordOperation) => Generator<Task, T, unknown>
): Generator<Task, T, unknown> {
  const record = operationRecorder(context, ids);
  const lock = { clusterId: ids.clusterId, operationId: ids.operationId, instanceId: context.df.instanceId };
  yield* acquireClusterLock(context, lock, function* (attempt) {
    yield record({ status: "Queued", queuePosition: attempt.position });
  });
  try {
    return yield* body(record);
  } finally {
    yield releaseClusterLock(context, lock);
  }
}
