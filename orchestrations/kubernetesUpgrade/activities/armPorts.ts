import type { ContainerServiceClient } from "@azure/arm-containerservice";

/** The AKS operations the upgrade activities use (a real `ContainerServiceClient` or a typed fake). */
export type AksPort = {
  managedClusters: Pick<ContainerServiceClient["managedClusters"], "get" | "beginCreateOrUpdate" | "listKubernetesVersions" | "getUpgradeProfile">;
  agentPools: Pick<ContainerServiceClient["agentPools"], "get" | "beginCreateOrUpdate">;
};

/** The body of an ARM async-operation status resource (`Azure-AsyncOperation`). */
export interface AsyncOperationStatus {
  status: string;
  error?: { code: string; message: string };
}

/** Reads an async operation's status by the path `armOperationIdOf` returned (one GET through the ARM pipeline). */
export type ReadAsyncOperation = (operationPath: string) => Promise<AsyncOperationStatus>;

/**
 * The poller's serialized state names the operation's status URL (core-lro 3: `state.config.operationLocation`,
 * the `Azure-AsyncOperation` header). Kept as a host-relative path so it is valid for whichever ARM
 * endpoint reads it, and small enough for the operation record.
 */
export async function armOperationIdOf(poller: { serialize(): Promise<string> }): Promise<string | undefined> {
  let state: unknown;
  try {
    state = JSON.parse(await poller.serialize());
  } catch {
    return undefined;
  }
  const url = findString(state, "operationLocation");
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return undefined;
  }
}

function findString(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record[key] === "string") return record[key];
  for (const v of Object.values(record)) {
    const found = findString(v, key);
    if (found) return found;
  }
  return undefined;
}
