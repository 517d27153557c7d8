import * as df from "durable-functions";
import { OrchestratorNames } from "../orchestrations/names";
import { provisioningOrchestrator } from "../orchestrations/provisioning/provisioningOrchestrator";
import { createProvisioningActivities } from "./runtime/provisioningActivities";
import { registerActivities } from "./runtime/register";
import { platform } from "./runtime/platform";

df.app.orchestration(OrchestratorNames.provisioning, provisioningOrchestrator);

registerActivities(createProvisioningActivities(platform()));
