import type { OrchestrationContext, Task } from "durable-functions";
import { ActivityNames } from "../names";
import { asClusterOperation } from "../common/clusterOperation";
import { armStepOptionsWithPolling, runArmStep, type PollIntervals } from "../common/armStep";
import { nowIso } from "../common/time";

export interface AdoptionInput {
  operationId: string;
  clusterId: string;
  resourceId: string;
  /** The cluster's Azure region (where its Event Grid system topic lives). */
  location: string;
  /** Poll intervals from the app settings (absent in instances started before they existed: defaults). */
  polling?: PollIntervals;
}

/** The adoption's recorded steps (the API writes them as the plan when it creates the operation). */
export const AdoptionSteps = {
  autoUpgradeProfile: 0,
  eventSubscription: 1
} as const;

/** What the auto-upgrade activities receive: which cluster, and the step the result is recorded on. */
export interface AutoUpgradeDisableRequest extends AdoptionInput {
  step: { index: number };
}

/**
 * Adopts a registered cluster: turns AKS auto-upgrade off (`upgradeChannel: none`,
 * `nodeOSUpgradeChannel: None`, so AKS cannot race the platform) as an ARM long-running operation
 * started by an activity and polled here with durable timers, then makes sure the cluster's Event
 * Grid system topic delivers to the platform. Holds the cluster's lock like every operation that
 * writes to the cluster.
 */
export function* adoptionOrchestrator(context: OrchestrationContext): Generator<Task, { status: string; message: string }, unknown> {
  const input = context.df.getInput<AdoptionInput>();
  return yield* asClusterOperation(context, input, function* (update) {
    const first = AdoptionSteps.autoUpgradeProfile;
    yield update({ status: "Running", step: { index: first, status: "Running", startedAt: nowIso(context) } });
    const request: AutoUpgradeDisableRequest = { ...input, step: { index: first } };
    const result = yield* runArmStep(context, request, armStepOptionsWithPolling(input.polling), {
      start: ActivityNames.startAutoUpgradeDisable,
      check: ActivityNames.checkAutoUpgradeDisable
    });
    if (result.state === "Failed") {
      const message = `Turning AKS auto-upgrade off failed: ${result.error.code}: ${result.error.message}`;
      yield update({ step: { index: first, status: "Failed", endedAt: nowIso(context), armOperationId: result.armOperationId, polls: result.polls, error: result.error } });
      yield update({ status: "Failed", outcome: { result: "Failed", message, failedStep: first, error: result.error } });
      return { status: "Failed", message };
    }
    yield update({ step: { index: first, status: "Succeeded", endedAt: nowIso(context), armOperationId: result.armOperationId, polls: result.polls } });

    const second = AdoptionSteps.eventSubscription;
    yield update({ step: { index: second, status: "Running", startedAt: nowIso(context) } });
    try {
      yield context.df.callActivity(ActivityNames.ensureEventSubscription, input);
    } catch (err) {
      const error = { code: "EventSubscriptionFailed", message: err instanceof Error ? err.message : String(err) };
      yield update({ step: { index: second, status: "Failed", endedAt: nowIso(context), error } });
      yield update({ status: "Failed", outcome: { result: "Failed", message: `Subscribing the platform to the cluster's events failed: ${error.message}`, failedStep: second, error } });
      return { status: "Failed", message: error.message };
    }
    yield update({ step: { index: second, status: "Succeeded", endedAt: nowIso(context) } });
    const message = "Adopted: AKS auto-upgrade is off and the cluster's events reach the platform";
    yield update({ status: "Succeeded", outcome: { result: "Succeeded", message } });
    return { status: "Succeeded", message };
  });
}
