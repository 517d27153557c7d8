import type { OrchestrationContext, Task } from "durable-functions";
import { runOperation } from "../engine/runOperation";
import { defaultPollingPolicy, type OperationPlanData, type PlanStep } from "../engine/plan";
import type { PollIntervals } from "../common/armStep";

export interface AdoptionInput {
  operationId: string;
  clusterId: string;
  resourceId: string;
  /** The cluster's Azure region (where its Event Grid system topic lives). */
  location: string;
  /** Poll intervals from the app settings (absent in instances started before they existed: defaults). */
  polling?: PollIntervals;
  environment?: string;
  /**
   * The governance review ends the plan (budget and log categories in place when adoption ends).
   * Absent in instances started before it existed: their plan stays as it was recorded.
   */
  governanceReview?: boolean;
}

/** The adoption's recorded steps (the API writes them as the plan when it creates the operation). */
export const AdoptionSteps = {
  autoUpgradeProfile: 0,
  eventSubscription: 1,
  conformance: 2,
  governance: 3
} as const;

/** What the auto-upgrade activities receive: which cluster, and the step the result is recorded on. */
export interface AutoUpgradeDisableRequest {
  operationId: string;
  clusterId: string;
  resourceId: string;
  step: { index: number };
}

/**
 * Adopts a registered cluster, as a plan of two steps over the operation engine: turn AKS
 * auto-upgrade off (`upgradeChannel: none`, `nodeOSUpgradeChannel: None`, so AKS cannot race the
 * platform; an ARM long-running operation), then make sure the cluster's Event Grid system topic
 * delivers to the platform, then judge it against the baseline's conformance rules (the first
 * report, kept as findings; a read of ARM, no change). Holds the cluster's lock like every operation that writes to it.
 */
export function* adoptionOrchestrator(context: OrchestrationContext): Generator<Task, { status: string; message: string }, unknown> {
  const input = context.df.getInput<AdoptionInput>();
  const end = yield* runOperation(context, {
    clusterId: input.clusterId,
    operationId: input.operationId,
    // eslint-disable-next-line require-yield
    plan: function* () {
      return { plan: adoptionPlan(input), done: [] };
    },
    describe: (end) => {
      if (end.status === "Succeeded") return `Adopted: AKS auto-upgrade is off, the cluster's events reach the platform and its baseline conformance is recorded${input.governanceReview ? "; its budget and log categories are governed" : ""}`;
      const what = end.failedStep?.index === AdoptionSteps.governance ? "Reviewing governance (budget, log categories)"
        : end.failedStep?.index === AdoptionSteps.conformance ? "Evaluating baseline conformance"
        : end.failedStep?.index === AdoptionSteps.eventSubscription ? "Subscribing the platform to the cluster's events" : "Turning AKS auto-upgrade off";
      return `${what} failed: ${end.error?.code ?? "Error"}: ${end.error?.message ?? ""}`;
    },
    notify: (end) => end.status === "Failed" ? {
      kind: "operationFailed", channel: "default",
      payload: { operationId: input.operationId, clusterId: input.clusterId, environment: input.environment, target: "adopted", status: end.status, message: end.message, ...(end.error ? { error: end.error } : {}) }
    } : undefined
  });
  return { status: end.status, message: end.message };
}

export function adoptionPlan(input: AdoptionInput): OperationPlanData {
  return {
    resourceId: input.resourceId, environment: input.environment ?? "", target: "adopted",
    steps: [
      { index: AdoptionSteps.autoUpgradeProfile, title: "AKS auto-upgrade off (upgradeChannel none, nodeOSUpgradeChannel None)", action: { type: "clusterPatch", patch: "platformOwnsUpgrades" }, health: false, settleMs: 0 },
      { index: AdoptionSteps.eventSubscription, title: "Event Grid system topic subscription", action: { type: "eventSubscription", location: input.location }, health: false, settleMs: 0 },
      { index: AdoptionSteps.conformance, title: "Baseline conformance", action: { type: "conformanceEvaluation" }, health: false, settleMs: 0 },
      ...(input.governanceReview ? [{ index: AdoptionSteps.governance, title: "Governance review (budget, log categories)", action: { type: "governanceReview" as const }, health: false, settleMs: 0 }] : [])
    ],
    approval: { mode: "none", timeoutMinutes: 0, onTimeout: "reject" },
    polling: { ...defaultPollingPolicy, ...(input.polling ? { firstIntervalMs: input.polling.firstIntervalMs, maxIntervalMs: input.polling.maxIntervalMs } : {}) }
  };
}

/**
 * The adoption's record as it is created (its plan and Pending steps), from the same plan the
 * orchestration runs: `autoUpgradeFrom` is what AKS's auto-upgrade profile says now, read by the
 * adopting request.
 */
export function adoptionRecordPlan(input: AdoptionInput, autoUpgradeFrom: string): { plan: { target: string; steps: { index: number; kind: "configuration"; from: string; to: string }[] }; steps: { index: number; name: string; kind: "configuration"; from: string; to: string; status: "Pending" }[] } {
  const to = (step: PlanStep): { from: string; to: string } => {
    switch (step.index) {
      case AdoptionSteps.autoUpgradeProfile: return { from: autoUpgradeFrom, to: "none / None" };
      case AdoptionSteps.eventSubscription: return { from: "", to: "Event Grid subscription to the platform" };
      case AdoptionSteps.conformance: return { from: "", to: "baseline conformance report" };
      default: return { from: "", to: "budget and log categories governed" };
    }
  };
  const planned = adoptionPlan(input).steps;
  return {
    plan: { target: "adopted", steps: planned.map((s) => ({ index: s.index, kind: "configuration", ...to(s) })) },
    steps: planned.map((s) => ({ index: s.index, name: s.title, kind: "configuration", ...to(s), status: "Pending" }))
  };
}
