import type { DurableClient } from "durable-functions";

/** The durable client operations the functions use (df.getClient(context), or a typed fake). */
export type DurableClientPort = Pick<DurableClient, "startNew" | "getStatus" | "raiseEvent">;

/**
 * Whether an instance exists. durable-functions 3 `getStatus` throws on the extension's 404
 * ("Durable Functions extension replied with HTTP 404"); anything else is rethrown.
 */
export async function instanceExists(client: DurableClientPort, instanceId: string): Promise<boolean> {
  try {
    await client.getStatus(instanceId);
    return true;
  } catch (err) {
    if (err instanceof Error && /\b404\b/.test(err.message)) return false;
    throw err;
  }
}

/** The input an instance was started with, or undefined when it does not exist. */
export async function instanceInput<T>(client: DurableClientPort, instanceId: string): Promise<T | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showInput: true });
    return status.input as T;
  } catch (err) {
    if (err instanceof Error && /\b404\b/.test(err.message)) return undefined;
    throw err;
  }
}
