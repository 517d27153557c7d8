import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { ActivityNames, OrchestratorNames } from "../orchestrations/names";
import { createTryAcquireClusterLockActivity } from "../orchestrations/common/activities/clusterLock";
import type { LockRequest } from "../orchestrations/common/clusterLock";
import { operationNoticeOrchestrator } from "../orchestrations/common/noticeOrchestrator";
import { instanceRuntimeStatus } from "./handlers/durableClient";
import { kubernetesUpgradeOrchestrator } from "../orchestrations/kubernetesUpgrade/kubernetesUpgradeOrchestrator";
import { approvalOrchestrator } from "../orchestrations/approval/approvalOrchestrator";
import { adoptionOrchestrator } from "../orchestrations/adoption/adoptionOrchestrator";
import { stepOrchestrator } from "../orchestrations/engine/stepOrchestrator";
import { guarded } from "../orchestrations/engine/call";
import { createActivities, upgradeFlowActivityNames } from "./runtime/activities";
import { platform } from "./runtime/platform";

df.app.orchestration(OrchestratorNames.kubernetesUpgrade, kubernetesUpgradeOrchestrator);
df.app.orchestration(OrchestratorNames.approval, approvalOrchestrator);
df.app.orchestration(OrchestratorNames.adoption, adoptionOrchestrator);
df.app.orchestration(OrchestratorNames.operationStep, stepOrchestrator);

const p = platform();
const activities = createActivities(p);
for (const name of upgradeFlowActivityNames) {
  if (name === ActivityNames.tryAcquireClusterLock) continue;
  const handler = guarded((input: unknown) => activities[name](input as never));
  df.app.activity(name, { handler });
}

/*
 * The lock judges a holder by its durable instance as well as its record, so it reads instance
 * statuses through the durable client binding (any function may be a client function, activities
 * included: https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-types-features-overview#client-functions).
 */
df.app.activity(ActivityNames.tryAcquireClusterLock, {
  extraInputs: [df.input.durableClient()],
  handler: (input: unknown, context: InvocationContext) => {
    const client = df.getClient(context);
    const acquire = createTryAcquireClusterLockActivity({ store: p.store, clock: p.clock, instanceStatus: (id) => instanceRuntimeStatus(client, id) });
    return guarded((request: LockRequest) => acquire(request))(input as LockRequest);
  }
});

df.app.orchestration(OrchestratorNames.operationNotice, operationNoticeOrchestrator);
