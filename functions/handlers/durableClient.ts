import type { DurableClient } from "durable-functions";
import { instanceRuntimeStatus } from "../../orchestrations/common/instanceStatus";
import { isNotFound } from "../../shared/domain/failures";

export { instanceRuntimeStatus };

/** The durable client operations the functions use (df.getClient(context), or a typed fake). */
export type DurableClientPort = Pick<DurableClient, "startNew" | "getStatus" | "raiseEvent" | "terminate">;

/**
 * Whether an instance exists. durable-functions 3 `getStatus` throws on the extension's 404
 * ("Durable Functions extension replied with HTTP 404"); anything else is rethrown.
 */
export async function instanceExists(client: DurableClientPort, instanceId: string): Promise<boolean> {
  try {
    await client.getStatus(instanceId);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** The input an instance was started with, or undefined when it does not exist. */
export async function instanceInput<T>(client: DurableClientPort, instanceId: string): Promise<T | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showInput: true });
    return status.input as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}


/**
 * Starts `name` under `instanceId` unless it already runs. The extension refuses a second start of
 * an instance id that is not finished (HTTP 409, thrown by the SDK); whoever loses that race sees
 * the instance exist and answers `false`, "already started", instead of failing.
 */
export async function startOnce(client: Pick<DurableClient, "startNew" | "getStatus">, name: string, instanceId: string, input: unknown): Promise<boolean> {
  try {
    await client.startNew(name, { instanceId, input });
    return true;
  } catch (err) {
    if ((await instanceRuntimeStatus(client, instanceId)) !== undefined) return false;
    throw err;
  }
}
