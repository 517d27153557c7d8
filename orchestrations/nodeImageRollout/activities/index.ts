/**
 * The node-image rollout's activities, built over their ports. functions/nodeImageRollout.ts
 * registers each under its `ActivityNames` entry; tests call the handlers directly.
 */
import { ActivityNames } from "../../names";
import { createPrepareNodeImageUpgrade, createReadNodeImageState, createReadOperationCancellation } from "./clusterActivities";
import type { NodeImageActivityDeps } from "./deps";
import { createListNodeImageCatchUpPage, createListNodeImageRingPage, createPlanNodeImageRollout } from "./fleetActivities";
import { createRecordNodeImageRollout } from "./recordActivities";
import { createCheckNodeImageUpgrade, createStartNodeImageUpgrade } from "./stepActivities";
import { createPostNodeImageSummary } from "./summaryActivity";

export type { NodeImageActivityDeps } from "./deps";
export { failureOf, coordinatesOf, ArmCallError } from "./deps";
export { rolloutRecordId } from "./recordActivities";
export type { NodeImageOperationRecord, NodeImageRolloutRecord } from "./records";
export { isNodeImageRecord } from "./records";

export function createNodeImageActivities(deps: NodeImageActivityDeps) {
  return {
    [ActivityNames.planNodeImageRollout]: createPlanNodeImageRollout(deps),
    [ActivityNames.listNodeImageRingPage]: createListNodeImageRingPage(deps),
    [ActivityNames.listNodeImageCatchUpPage]: createListNodeImageCatchUpPage(deps),
    [ActivityNames.prepareNodeImageUpgrade]: createPrepareNodeImageUpgrade(deps),
    [ActivityNames.readNodeImageState]: createReadNodeImageState(deps),
    [ActivityNames.startNodeImageUpgrade]: createStartNodeImageUpgrade(deps),
    [ActivityNames.checkNodeImageUpgrade]: createCheckNodeImageUpgrade(deps),
    [ActivityNames.recordNodeImageRollout]: createRecordNodeImageRollout(deps),
    [ActivityNames.postNodeImageSummary]: createPostNodeImageSummary(deps),
    [ActivityNames.readOperationCancellation]: createReadOperationCancellation(deps)
  } as const;
}

export type NodeImageActivities = ReturnType<typeof createNodeImageActivities>;
