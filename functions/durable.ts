import * as df from "durable-functions";
import { OrchestratorNames } from "../orchestrations/names";
import { kubernetesUpgradeOrchestrator } from "../orchestrations/kubernetesUpgrade/kubernetesUpgradeOrchestrator";
import { approvalOrchestrator } from "../orchestrations/approval/approvalOrchestrator";
import { adoptionOrchestrator } from "../orchestrations/adoption/adoptionOrchestrator";
import { createActivities, upgradeFlowActivityNames } from "./runtime/activities";
import { platform } from "./runtime/platform";

df.app.orchestration(OrchestratorNames.kubernetesUpgrade, kubernetesUpgradeOrchestrator);
df.app.orchestration(OrchestratorNames.approval, approvalOrchestrator);
df.app.orchestration(OrchestratorNames.adoption, adoptionOrchestrator);

const activities = createActivities(platform());
for (const name of upgradeFlowActivityNames) {
  const handler = activities[name];
  df.app.activity(name, { handler: (input: unknown) => handler(input as never) });
}
