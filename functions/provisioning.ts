import * as df from "durable-functions";
import { OrchestratorNames } from "../orchestrations/names";
import { provisioningOrchestrator } from "../orchestrations/provisioning/provisioningOrchestrator";
import { guarded } from "../orchestrations/engine/call";
import { createProvisioningActivities, provisioningActivityNames } from "./runtime/provisioningActivities";
import { platform } from "./runtime/platform";

df.app.orchestration(OrchestratorNames.provisioning, provisioningOrchestrator);

const activities = createProvisioningActivities(platform());
for (const name of provisioningActivityNames) {
  const handler = guarded((input: unknown) => activities[name](input as never));
  df.app.activity(name, { handler });
}
