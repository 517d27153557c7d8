import { operationPathOfState } from "../../../shared/azure/arm-operations";
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

/** The status path of a started operation (shared/azure/arm-operations.ts), for the record and the check. */
export async function armOperationIdOf(poller: { serialize(): Promise<string> }): Promise<string | undefined> {
  return operationPathOfState(await poller.serialize());
}
