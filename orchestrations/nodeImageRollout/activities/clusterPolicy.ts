import { defaultPolicy, ringOf, type ClusterPolicy, type Environment } from "../../../shared/domain/policy";
import type { ClusterRecord } from "../../../shared/store";
import { isRecord } from "../../../shared/domain/json";

/**
 * The node-image side of a registered cluster's policy. Cluster records are written by adoption;
 * the policy is read defensively (the domain shape, `approval: "everyStep"`, or the store's older
 * `approval: { mode }`), over the environment's defaults, so a record from either writer works.
 */
export function nodeImagePolicyOf(record: Pick<ClusterRecord, "environment" | "policy">): ClusterPolicy & { ring: number } {
  const environment: Environment = record.environment;
  const defaults = defaultPolicy(environment);
  const raw = (record.policy ?? {}) as unknown as Record<string, unknown>;
  const approvalRaw = raw.approval;
  const approval = typeof approvalRaw === "string" ? approvalRaw : isRecord(approvalRaw) && typeof approvalRaw.mode === "string" ? approvalRaw.mode : undefined;
  const timeout = typeof raw.approvalTimeoutMinutes === "number" ? raw.approvalTimeoutMinutes
    : isRecord(approvalRaw) && typeof approvalRaw.timeoutMinutes === "number" ? approvalRaw.timeoutMinutes : undefined;
  const onTimeout = raw.onApprovalTimeout ?? (isRecord(approvalRaw) ? approvalRaw.onTimeout : undefined);
  const nodeImage = isRecord(raw.nodeImage) ? raw.nodeImage : {};
  const policy: ClusterPolicy = {
    ...defaults,
    approval: approval === "none" || approval === "oncePerUpgrade" || approval === "everyStep" ? approval : defaults.approval,
    approvalTimeoutMinutes: timeout ?? defaults.approvalTimeoutMinutes,
    onApprovalTimeout: onTimeout === "escalate" ? "escalate" : "reject",
    nodeImage: {
      ring: typeof nodeImage.ring === "number" ? nodeImage.ring : defaults.nodeImage.ring,
      window: isRecord(nodeImage.window) ? (nodeImage.window as unknown as ClusterPolicy["nodeImage"]["window"]) : defaults.nodeImage.window
    },
    healthGate: { ...defaults.healthGate, ...(isRecord(raw.healthGate) ? (raw.healthGate as Partial<ClusterPolicy["healthGate"]>) : {}) }
  };
  return { ...policy, ring: ringOf(policy, environment) };
}

