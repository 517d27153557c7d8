import * as df from "durable-functions";
import { ActivityNames, OrchestratorNames } from "../orchestrations/names";
import { createTryAcquireClusterLockActivity } from "../orchestrations/common/activities/clusterLock";
import { operationNoticeOrchestrator } from "../orchestrations/common/noticeOrchestrator";
import { instanceRuntimeStatus } from "./handlers/durableClient";
import { kubernetesUpgradeOrchestrator } from "../orchestrations/kubernetesUpgrade/kubernetesUpgradeOrchestrator";
import { approvalOrchestrator } from "../orchestrations/approval/approvalOrchestrator";
import { adoptionOrchestrator } from "../orchestrations/adoption/adoptionOrchestrator";
import { stepOrchestrator } from "../orchestrations/engine/stepOrchestrator";
import { createActivities } from "./runtime/activities";
import { registerActivities, registerClientActivity } from "./runtime/register";
import { platform } from "./runtime/platform";

df.app.orchestration(OrchestratorNames.kubernetesUpgrade, kubernetesUpgradeOrchestrator);
df.app.orchestration(OrchestratorNames.approval, approvalOrchestrator);
df.app.orchestration(OrchestratorNames.adoption, adoptionOrchestrator);
df.app.orchestration(OrchestratorNames.operationStep, stepOrchestrator);

const p = platform();
registerActivities(createActivities(p));

/*
 * The lock judges a holder by its durable instance as well as its record, so it reads instance
 * statuses through the durable client binding (any function may be a client function, activities
 * included: https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-types-features-overview#client-functions).
 */
registerClientActivity(ActivityNames.tryAcquireClusterLock, (client, request) =>
  createTryAcquireClusterLockActivity({ store: p.store, clock: p.clock, instanceStatus: (id) => instanceRuntimeStatus(client, id) })(request));

df.app.orchestration(OrchestratorNames.operationNotice, operationNoticeOrchestrator);
