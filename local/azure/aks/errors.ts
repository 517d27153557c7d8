import { ArmError } from "../kernel";

/**
 * An error in the AKS resource provider's own envelope: flat `{code, details, message, subcode,
 * target}` rather than ARM's `{error:{...}}` (seen verbatim in Terraform logs of
 * ExistingRouteTableNotAssociatedWithSubnet and in kubernetes-sigs/cloud-provider-azure#4158).
 * The SDKs read `code`/`message` from either shape.
 */
export class AksError extends ArmError {
  constructor(status: number, code: string, message: string, readonly target?: string, readonly subcode = "") {
    super(status, code, message);
  }

  override toBody(): Record<string, unknown> {
    return { code: this.code, details: null, message: this.message, subcode: this.subcode, target: this.target ?? null };
  }
}

/** 400 in AKS's flat envelope. */
export function aksBadRequest(code: string, message: string, target?: string): AksError {
  return new AksError(400, code, message, target);
}

/**
 * AKS's errors, worded as AKS words them (wording taken from errors reported by AKS users, e.g.
 * github.com/Azure/azure-cli-extensions/pull/9855, github.com/rancher/dashboard/issues/11884,
 * github.com/rancher/rancher/issues/33426, and the AKS troubleshooting article for UpgradeFailed
 * drain failures).
 */
export const aksErrors = {
  /** 409: one operation at a time per cluster. */
  operationInProgress(operation: string, operationId: string, startedAt: string): ArmError {
    return new ArmError(409, "OperationNotAllowed",
      `Operation is not allowed because there's an in progress ${operation} operation (operation ID: ${operationId}) on the managed cluster started on UTC ${startedAt}. ` +
      "Please wait for it to finish before starting a new operation. You can also use 'az aks operation-abort ...' to abort the ongoing operation.");
  },
  /** 409 for a pool-level operation racing another pool operation. */
  agentPoolOperationInProgress(pool: string, state: string): ArmError {
    return new ArmError(409, "OperationNotAllowed",
      `Operation is not allowed: Another agentpool operation (${pool} - ${state}) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details`);
  },
  upgradeNotAllowed(from: string, to: string, available: string[]): ArmError {
    return new ArmError(400, "OperationNotAllowed",
      `Upgrading Kubernetes version ${from} to ${to} is not allowed. Available upgrades: [${available.join(" ")}]. Please see https://aka.ms/aks-supported-k8s-ver for version details.`);
  },
  downgradeNotAllowed(from: string, to: string): ArmError {
    return new ArmError(400, "OperationNotAllowed",
      `Downgrading Kubernetes version ${from} to ${to} is not allowed. Please see https://aka.ms/aks-supported-k8s-ver for version details.`);
  },
  versionNotSupported(version: string): ArmError {
    return new ArmError(400, "AgentPoolK8sVersionNotSupported",
      `Version ${version} is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region. For more information, please check https://aka.ms/supported-version-list`);
  },
  poolNewerThanControlPlane(poolVersion: string, controlPlaneVersion: string, poolMinor: number, cpMinor: number): ArmError {
    return new ArmError(400, "NodePoolMcVersionIncompatible",
      `Node pool version ${poolVersion} and control plane version ${controlPlaneVersion} are incompatible. Minor version of node pool version ${poolMinor} is bigger than control plane version ${cpMinor}. For more information, please check https://aka.ms/version-skew-policy`);
  },
  poolTooOld(poolVersion: string, controlPlaneVersion: string, poolMinor: number, cpMinor: number): ArmError {
    return new ArmError(400, "NodePoolMcVersionIncompatible",
      `Node pool version ${poolVersion} and control plane version ${controlPlaneVersion} are incompatible. Minor version of node pool version ${poolMinor} is smaller than control plane version ${cpMinor} by more than 3. For more information, please check https://aka.ms/version-skew-policy`);
  },
  clusterStopped(name: string): ArmError {
    return new ArmError(400, "OperationNotAllowed",
      `Managed cluster ${name} is in stopped state. Upgrading a stopped cluster is not allowed; start the cluster first. See https://aka.ms/aks/stop-cluster for more details.`);
  },
  /** The upgrade failed because a node could not be drained (PDB) before the drain timeout. */
  drainTimeout(pool: string, node: string, pod: string): ArmError {
    return new ArmError(400, "UpgradeFailed",
      `Drain node ${node} failed when evicting pod ${pod} failed with Too Many Requests error. This is often caused by a restrictive Pod Disruption Budget (PDB) policy. ` +
      `See http://aka.ms/aks/debugdrainfailures. Original error: Cannot evict pod as it would violate the pod's disruption budget.. PDB debug info: ${pod} blocked by pdb ${pod.replace(/-[^-]+$/, "")}-pdb with 0 unready pods. (agent pool ${pool})`);
  },
  /** Cordon: the roll finished past the blocked nodes, left cordoned (undrainable.ts). */
  upgradeCompletedWithQuarantinedNodes(pool: string, nodes: string[], drainTimeoutMinutes: number): ArmError {
    return new ArmError(400, "UpgradeFailed",
      `Upgrade of agent pool ${pool} completed with ${nodes.length} blocked node(s) that could not be drained within the drain timeout (${drainTimeoutMinutes} minutes): ${nodes.join(", ")}. ` +
      "The blocked nodes are cordoned and labelled kubernetes.azure.com/upgrade-status=Quarantined (undrainableNodeBehavior Cordon); a surge node was retained for each. See http://aka.ms/aks/debugdrainfailures");
  },
  /** Cordon with more blocked nodes than maxBlockedNodes: the upgrade is canceled (undrainable.ts). */
  upgradeCanceledBlockedNodes(pool: string, nodes: string[], maxBlocked: number): ArmError {
    return new ArmError(400, "UpgradeCanceled",
      `Upgrade of agent pool ${pool} was canceled: ${nodes.length} node(s) could not be drained (${nodes.join(", ")}), more than maxBlockedNodes (${maxBlocked}). See http://aka.ms/aks/debugdrainfailures`);
  },
  upgradeFailed(pool: string, detail: string): ArmError {
    return new ArmError(400, "UpgradeFailed", `Upgrade of agent pool ${pool} failed: ${detail}`);
  },
  clusterNotFound(resourceGroup: string, name: string): ArmError {
    return new ArmError(404, "ResourceNotFound",
      `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  },
  poolNotFound(pool: string): ArmError {
    return new ArmError(404, "NotFound", `Agent Pool '${pool}' not found.`);
  },
  invalidParameter(parameter: string, message: string): ArmError {
    return new ArmError(400, "InvalidParameter", `The value of parameter ${parameter} is invalid. ${message}`);
  }
};
