import { stringParam, type Fault, type SimKernel } from "../kernel";
import { aksErrors } from "./errors";
import { poolId } from "./ids";
import { surgeOf, type PoolProperties } from "./model";
import { DURATIONS, type PhaseKind, type PoolPhase } from "./operation-types";
import { UNDRAINABLE_SERVICE, type UndrainableNodes } from "./undrainable";

export type PlannedPhase = Omit<PoolPhase, "started" | "done">;

/** A phase that does not replace nodes (create, scale, delete, start, stop). */
export function simplePhase(kernel: SimKernel, pool: string, kind: PhaseKind, startAt: number, baseMs: number, props: Pick<PoolProperties, "count">): PlannedPhase {
  const ms = kernel.scaled(baseMs);
  return { pool, kind, startAt, endAt: startAt + ms, rolls: false, batchMs: ms, surge: 0, count: props.count, target: {} };
}

/**
 * A rolling phase (Kubernetes upgrade or node image upgrade): nodes are replaced in batches of
 * `maxSurge`, each batch taking `rollBatch` (+ `nodeSoakDurationInMinutes`), so the duration grows
 * with the node count and shrinks with a bigger surge. Faults `upgradeFailure`, `drainTimeout` and
 * `unhealthyPool` aimed at the pool (or its cluster) are consumed here.
 */
export function rollingPhase(
  kernel: SimKernel,
  clusterId: string,
  pool: string,
  kind: "upgrade" | "nodeImage",
  startAt: number,
  props: Pick<PoolProperties, "count" | "upgradeSettings">,
  target: PlannedPhase["target"]
): PlannedPhase {
  const surge = surgeOf(props);
  const batches = Math.max(1, Math.ceil(props.count / surge));
  const soakMs = (props.upgradeSettings?.nodeSoakDurationInMinutes ?? 0) * 60_000;
  const batchMs = kernel.scaled(DURATIONS.rollBatch + soakMs);
  let endAt = startAt + batches * batchMs;
  const id = poolId(clusterId, pool);
  let failure: PlannedPhase["failure"];
  const drain = kernel.faults.take("drainTimeout", id);
  const broken = drain ? undefined : kernel.faults.take("upgradeFailure", id);
  if (drain) {
    // The first batch's drain blocks on a PDB until the drain timeout (default 30 minutes) expires.
    const timeoutMs = kernel.scaled((props.upgradeSettings?.drainTimeoutInMinutes ?? 30) * 60_000);
    const node = `aks-${pool}-${stringParam(drain, "nodeSuffix") ?? "12345678"}-vmss000000`;
    const err = aksErrors.drainTimeout(pool, node, stringParam(drain, "pod") ?? "default/app-7d4b9c6f5-x2x9q");
    failure = { at: startAt + timeoutMs, code: err.code, message: err.message };
    endAt = Math.max(endAt, failure.at);
  } else if (broken) {
    const err = aksErrors.upgradeFailed(pool, stringParam(broken, "message") ?? "the reimage of the first node batch failed (VMExtensionProvisioningError).");
    failure = { at: startAt + batchMs, code: stringParam(broken, "code") ?? err.code, message: err.message };
  }
  // Nodes a PodDisruptionBudget keeps from draining (undrainable.ts): Schedule fails at the drain
  // timeout; Cordon rolls on past them and ends Failed naming them (Canceled beyond maxBlockedNodes).
  const undrainable = drain || broken ? undefined : kernel.service<UndrainableNodes>(UNDRAINABLE_SERVICE)?.outcome(clusterId, pool, props, surge, batchMs);
  let quarantined: PlannedPhase["quarantined"];
  if (undrainable) {
    if (undrainable.quarantined && !undrainable.quarantined.canceled) endAt += undrainable.extraMs;
    const at = undrainable.failure.atOffsetMs < 0 ? endAt : startAt + undrainable.failure.atOffsetMs;
    failure = { at, code: undrainable.failure.code, message: undrainable.failure.message };
    endAt = Math.max(endAt, at);
    quarantined = undrainable.quarantined;
  }
  const sick = kernel.faults.take("unhealthyPool", id);
  return {
    pool, kind, startAt, endAt, rolls: true, batchMs, surge, count: props.count, target, failure, ...(quarantined ? { quarantined } : {}),
    unhealthy: sick ? unhealthyFrom(sick, props.count, endAt) : undefined
  };
}

function unhealthyFrom(fault: Fault, count: number, endAt: number): { notReadyNodes: number; until?: number } {
  const notReadyNodes = typeof fault.notReadyNodes === "number" ? fault.notReadyNodes : count;
  const forMs = typeof fault.unhealthyForMs === "number" ? fault.unhealthyForMs : undefined;
  return { notReadyNodes, until: forMs === undefined ? undefined : endAt + forMs };
}

/** Total duration of phases run one after the other from `from`. */
export function endOf(phases: PlannedPhase[], from: number): number {
  return phases.reduce((end, p) => Math.max(end, p.endAt, p.failure?.at ?? 0), from);
}
