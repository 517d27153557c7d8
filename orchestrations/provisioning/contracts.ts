import type { ProvisionRequest } from "../../shared/domain/baseline/request";
import type { PlannedResource } from "../../shared/domain/baseline/plan";
import type { PollIntervals } from "../common/armStep";
import type { GeneratedValue } from "../../shared/domain/baseline/profile";

export interface ProvisioningInput {
  operationId: string;
  clusterId: string;
  request: ProvisionRequest;
  polling?: PollIntervals;
}

/** What the operation record carries beside the engine's steps: the whole plan, no-change resources included. */
export interface ProvisioningSection {
  clusterResourceId: string;
  /** Fingerprint of the request body (same body again → the same operation). */
  requestHash: string;
  request: ProvisionRequest;
  plannedAt?: string;
  /**
   * The first plan found no managed cluster, so this provisioning creates it: later runs may plan
   * it as an update. Without it, an existing managed cluster refuses the plan (it is an adoption).
   */
  createsCluster?: boolean;
  resources?: PlannedResource[];
  summary?: { create: number; update: number; noChange: number; waves: number };
  omitted?: { what: string; why: string }[];
}

/** `armResourcePut` steps' request (engine/actions.ts `requestOf`). */
export interface ArmResourcePutRequest {
  clusterId: string;
  operationId: string;
  step: { index: number };
  resource: { id: string; apiVersion: string; body: Record<string, unknown>; refs: { path: string; fromId: string; fromApiVersion: string; fromPath: string; format?: "cidr32" }[]; generate?: GeneratedValue };
  armOperationId?: string;
}
