/**
 * What the node-image activities need, as narrow ports: a test passes the simulator-backed SDK
 * client and the embedded Cosmos store, or typed fakes.
 */
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import type { NowSource, Store } from "../../../shared/store";
import { parseManagedClusterId } from "../../../shared/domain/armResourceId";
import type { ArmErrorInfo } from "../../common/contracts";
import type { ReadinessDeps } from "../../kubernetesUpgrade/activities/readiness";
export { failureOf } from "../../../shared/domain/failures";
import type { TeamsMessage } from "../../../shared/teams/adaptiveCard";
import type { PostOutcome } from "../../../shared/teams/webhook";

export interface NodeImageActivityDeps {
  /**
   * ARM through @azure/arm-containerservice. Build it with `retryOptions.maxRetries: 0`: a 429 must
   * come back to the orchestration (which waits on a durable timer) rather than sleep in the activity.
   */
  aks: ContainerServiceClient;
  store: Pick<Store, "clusters" | "operations">;
  clock: NowSource;
  /** Readiness reads (Compute and VNet usages, issue 30); absent: node-image plans carry no readiness report. */
  readiness?: Omit<ReadinessDeps, "aks" | "store">;
  teams: {
    webhookUrl: string;
    /** Links in cards (`PUBLIC_BASE_URL`). */
    publicBaseUrl: string;
    /** One attempt (shared/teams/webhook `postOnce`, with the local CA trusted locally). */
    post(url: string, message: TeamsMessage): Promise<PostOutcome>;
  };
}

export interface ArmCoordinates {
  subscriptionId: string;
  resourceGroup: string;
  cluster: string;
}

export class InvalidClusterResourceIdError extends Error {
  readonly permanent = true as const;
  constructor(readonly resourceId: string) {
    super(`Not a managed cluster resource id: ${resourceId}`);
    this.name = "InvalidClusterResourceIdError";
  }
}

export function coordinatesOf(resourceId: string): ArmCoordinates {
  const ref = parseManagedClusterId(resourceId);
  if (!ref) throw new InvalidClusterResourceIdError(resourceId);
  return { subscriptionId: ref.subscriptionId, resourceGroup: ref.resourceGroup, cluster: ref.name };
}

/** An ARM failure the activity does not handle: thrown with its context so the record names it. */
export class ArmCallError extends Error {
  constructor(readonly operation: string, readonly target: string, readonly armError: ArmErrorInfo, readonly status?: number) {
    super(`${operation} on ${target} failed${status ? ` (HTTP ${status})` : ""}: ${armError.code}: ${armError.message}`);
    this.name = "ArmCallError";
  }
}
