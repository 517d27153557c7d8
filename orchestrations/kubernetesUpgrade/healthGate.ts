import type { HealthSample } from "../common/contracts";
import type { HealthGateThresholds } from "./contracts";

export type GateVerdict = { pass: true } | { pass: false; reason: string };

/** After a step: enough nodes Ready, and pod readiness not worse than the baseline by more than allowed. */
export function evaluateHealthGate(before: HealthSample, after: HealthSample, thresholds: HealthGateThresholds): GateVerdict {
  const readyRatio = after.nodesTotal === 0 ? 0 : after.nodesReady / after.nodesTotal;
  if (readyRatio < thresholds.minNodesReadyRatio) {
    return { pass: false, reason: `${after.nodesReady}/${after.nodesTotal} nodes Ready${after.pool ? ` in pool ${after.pool}` : ""} (need ${Math.round(thresholds.minNodesReadyRatio * 100)}%)` };
  }
  const drop = before.podsReadyRatio - after.podsReadyRatio;
  if (drop > thresholds.maxPodsReadyDrop) {
    return { pass: false, reason: `pods ready fell from ${pct(before.podsReadyRatio)} to ${pct(after.podsReadyRatio)}` };
  }
  return { pass: true };
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
