import type { DurableClient } from "durable-functions";
import { isNotFound } from "../../shared/domain/failures";

/**
 * The one table of durable runtime statuses: an instance in one of these has ended and will never
 * run again (release a lock, take a decision) — it completed, failed, or was terminated from
 * outside, e.g. through the durable management API, which runs none of the orchestration's code
 * (IDurableOrchestrationClient.TerminateAsync:
 * https://learn.microsoft.com/dotnet/api/microsoft.azure.webjobs.extensions.durabletask.idurableorchestrationclient.terminateasync).
 * `Pending`, `Running`, `ContinuedAsNew` and `Suspended` have not ended.
 */
export const ENDED_INSTANCE_STATUSES: readonly string[] = ["Completed", "Failed", "Terminated", "Canceled"];

/** Whether a runtime status (undefined: no such instance) says the instance has ended. */
export function isInstanceEnded(status: string | undefined): boolean {
  return status !== undefined && ENDED_INSTANCE_STATUSES.includes(status);
}

/** What the platform reads of an instance: its runtime status, custom status and (when asked) input. */
export interface InstanceView {
  runtimeStatus: string;
  customStatus?: unknown;
  input?: unknown;
}

/**
 * The instance, or undefined when it does not exist (durable-functions 3 `getStatus` throws on the
 * extension's 404, "Durable Functions extension replied with HTTP 404"). The one reader of
 * instances, for the starters, the lock's staleness check, approvals and reviews.
 */
export async function readInstance(client: Pick<DurableClient, "getStatus">, instanceId: string, options: { input?: boolean } = {}): Promise<InstanceView | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showHistory: false, showHistoryOutput: false, showInput: options.input === true });
    return { runtimeStatus: status.runtimeStatus ?? "Unknown", customStatus: status.customStatus, ...(options.input ? { input: status.input } : {}) };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** An instance's runtime status (`Pending`, `Running`, `Terminated`, ...), or undefined when it does not exist. */
export async function instanceRuntimeStatus(client: Pick<DurableClient, "getStatus">, instanceId: string): Promise<string | undefined> {
  return (await readInstance(client, instanceId))?.runtimeStatus;
}

