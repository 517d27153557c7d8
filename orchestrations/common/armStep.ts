import type { StepView } from "./contracts";

/** What an upgrade step's start and check activities take (the engine builds it: engine/actions.ts). */
export interface ArmStepRequest {
  clusterId: string;
  resourceId: string;
  operationId: string;
  step: StepView;
}

/** How often a step's ARM operation is polled: the first wait, doubling up to the cap (app settings, passed as data). */
export interface PollIntervals {
  firstIntervalMs: number;
  maxIntervalMs: number;
}
