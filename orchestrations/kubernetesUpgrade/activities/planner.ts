/**
 * The Kubernetes upgrade's planner, the one place its steps are made: from the cluster as ARM has
 * it and the region's release catalog, the control plane first (one minor at a time), then each
 * pool (shared/domain/versions.ts `planKubernetesUpgrade`). The `prepareKubernetesUpgrade` activity
 * plans with it (and stores the plan), the upgrade route checks a requested target with it, and the
 * support-ending alert counts its steps with it: a preview is the plan the operation would run.
 */
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { StepView } from "../../common/contracts";
import { planKubernetesUpgrade, type ClusterVersions, type KubernetesCatalog } from "../../../shared/domain/versions";

/** The versions the cluster runs, as ARM reports them (`current…` when AKS sets it). */
export function clusterVersionsOf(managed: ManagedCluster, fallbackVersion: string): ClusterVersions {
  const controlPlane = managed.currentKubernetesVersion ?? managed.kubernetesVersion ?? fallbackVersion;
  return {
    controlPlane,
    pools: (managed.agentPoolProfiles ?? []).map((p) => ({ name: p.name ?? "", mode: p.mode ?? "User", version: p.currentOrchestratorVersion ?? p.orchestratorVersion ?? "" }))
  };
}

/** The upgrade's plan to `target` (absent: the newest the policy allows); throws when none can be made. */
export function planUpgrade(input: { managed: ManagedCluster; fallbackVersion: string; catalog: KubernetesCatalog; target?: string; allowPreview: boolean }): { target: string; steps: StepView[] } {
  const plan = planKubernetesUpgrade({
    current: clusterVersionsOf(input.managed, input.fallbackVersion),
    ...(input.target ? { target: input.target } : {}),
    catalog: input.catalog,
    policy: { allowPreview: input.allowPreview }
  });
  return { target: plan.target, steps: plan.steps.map(stepViewOfVersionStep) };
}

/** A stored or planned version step in the step vocabulary (only the control plane and pools change versions). */
export function stepViewOfVersionStep(s: { index: number; kind: string; pool?: string; from: string; to: string }): StepView {
  return { index: s.index, kind: s.kind === "nodePool" ? "nodePool" : "controlPlane", ...(s.pool ? { pool: s.pool } : {}), from: s.from, to: s.to };
}
