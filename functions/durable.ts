import * as df from "durable-functions";
import { OrchestratorNames } from "../orchestrations/names";
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

const activities = createActivities(platform());
for (const name of upgradeFlowActivityNames) {
  const handler = guarded((input: unknown) => activities[name](input as never));
  df.app.activity(name, { handler });
}
