/**
 * The one step vocabulary from plan to record to card (issue 25): what a step changes, in the
 * record's kinds, and how every surface (the record's step names, the Teams cards, the approval
 * page, the dashboard) says it.
 */

/** What a step changes: a control-plane version, a pool's version, a pool's node image, or a configuration. */
export type StepKind = "controlPlane" | "nodePool" | "nodeImage" | "configuration";

/** A step in the operator's words: `control plane`, `pool user`, `node image, pool user`, or the configuration's own words. */
export function stepLabel(step: { kind: string; pool?: string; to?: string }): string {
  switch (step.kind) {
    case "controlPlane": return "control plane";
    case "nodePool": return `pool ${step.pool ?? "?"}`;
    case "nodeImage": return `node image, pool ${step.pool ?? "?"}`;
    default: return step.to ?? String(step.kind);
  }
}
