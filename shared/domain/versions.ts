/**
 * Kubernetes version rules: parsing and ordering, the AKS release catalog, the upgrade planner and
 * the choice of a target when AKS announces new versions. Pure: no I/O, no clock.
 */
export * from "./kubernetesVersion";
export * from "./kubernetesCatalog";
export * from "./upgradePlan";
export * from "./versionEvents";
export {
  DomainError, InvalidKubernetesVersionError, KubernetesDowngradeError, UnsupportedKubernetesVersionError, InvalidClusterVersionsError
} from "./errors";
