import type { DurableClient } from "durable-functions";
import { isNotFound } from "../../shared/domain/failures";

/**
 * An instance's runtime status (`Pending`, `Running`, `Terminated`, ...), or undefined when it does not
 * exist (durable-functions 3 `getStatus` throws on the extension's 404). The one reader of it, for
 * the HTTP starters, the lock's staleness check and the node-image starters.
 */
export async function instanceRuntimeStatus(client: Pick<DurableClient, "getStatus">, instanceId: string): Promise<string | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showHistory: false, showHistoryOutput: false, showInput: false });
    return status.runtimeStatus ?? "Unknown";
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
