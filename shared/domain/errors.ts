/**
 * Named errors of the pure domain rules. Each carries the context a reader needs to act on it, and
 * `permanent: true`: the same input always fails the same way, so nothing should retry it.
 */
export abstract class DomainError extends Error {
  readonly permanent = true as const;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A string that is not a `major.minor.patch` Kubernetes version. */
export class InvalidKubernetesVersionError extends DomainError {
  constructor(readonly input: unknown, readonly detail: string) {
    super(`Invalid Kubernetes version ${JSON.stringify(input)}: ${detail}`);
  }
}

/** The requested target is lower than what the cluster runs: AKS never downgrades. */
export class KubernetesDowngradeError extends DomainError {
  constructor(readonly current: string, readonly target: string, readonly component = "control plane") {
    super(`Refusing to downgrade the ${component} from ${current} to ${target}: AKS does not support Kubernetes downgrades`);
  }
}

/** The target (or a version the path must go through) is not offered by AKS for this cluster. */
export class UnsupportedKubernetesVersionError extends DomainError {
  constructor(readonly version: string, readonly reason: string) {
    super(`Kubernetes version ${version} is not a supported upgrade target: ${reason}`);
  }
}

/** The cluster's observed versions break AKS's own invariants (a pool ahead of the control plane). */
export class InvalidClusterVersionsError extends DomainError {
  constructor(readonly detail: string) {
    super(`Cluster versions are inconsistent: ${detail}`);
  }
}

/** A maintenance configuration AKS would not accept (bad schedule, offset, time, duration). */
export class InvalidMaintenanceWindowError extends DomainError {
  constructor(readonly field: string, readonly detail: string) {
    super(`Invalid maintenance window: ${field} ${detail}`);
  }
}
