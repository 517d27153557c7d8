import type { DurableClient } from "durable-functions";
import { instanceRuntimeStatus, readInstance } from "../../orchestrations/common/instanceStatus";

export { instanceRuntimeStatus };

/** The durable client operations the functions use (df.getClient(context), or a typed fake). */
export type DurableClientPort = Pick<DurableClient, "startNew" | "getStatus" | "raiseEvent" | "terminate">;

/** The input an instance was started with, or undefined when it does not exist. */
export async function instanceInput<T>(client: DurableClientPort, instanceId: string): Promise<T | undefined> {
  return (await readInstance(client, instanceId, { input: true }))?.input as T | undefined;
}
