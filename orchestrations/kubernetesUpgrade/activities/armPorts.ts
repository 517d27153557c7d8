import { operationPathOfState } from "../../../shared/azure/arm-operations";
import type { ArmOperationStatus } from "../../../shared/azure/arm-resources";
import type { ContainerServiceClient } from "@azure/arm-containerservice";

/** The AKS operations the upgrade activities use (a real `ContainerServiceClient` or a typed fake). */
export type AksPort = {
  managedClusters: Pick<ContainerServiceClient["managedClusters"], "get" | "beginCreateOrUpdate" | "listKubernetesVersions" | "getUpgradeProfile">;
  agentPools: Pick<ContainerServiceClient["agentPools"], "get" | "beginCreateOrUpdate">;
};

/** Reads an async operation's status by the path `armOperationIdOf` returned (one GET through the ARM pipeline). */
export type ReadAsyncOperation = (operationPath: string) => Promise<ArmOperationStatus>;

/** The status path of a started operation (shared/azure/arm-operations.ts), for the record and the check. */
export async function armOperationIdOf(poller: { serialize(): Promise<string> }): Promise<string | undefined> {
  return operationPathOfState(await poller.serialize());
}
