/**
 * Governance (issue 13): the remediation orchestrator and its activities, the governance sweep
 * (GOVERNANCE_SWEEP_SCHEDULE, hourly by default: the timer starts a durable sweep, whose pages
 * review the registry's clusters through `sweepCluster`) and the budget alert webhook
 * (`POST /api/alerts/budget`, function key: the action group's receiver carries `code=`), and the
 * release links of upgrade holds (`GET`/`POST /api/holds/{token}`, anonymous: the signed token is
 * the authorisation, as for approvals).
 */
import { app, type HttpRequest, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";
import { OrchestratorNames } from "../orchestrations/names";
import { governanceOrchestrator } from "../orchestrations/governance/governanceOrchestrator";
import { SettingDefaults, SettingNames } from "../shared/config";
import { createGovernanceActivities } from "./runtime/activities";
import { registerActivities, registerActivity, registerClientActivity } from "./runtime/register";
import { createListSweepClustersActivity, createReviewGovernanceSubjectActivity, createSweepClusterActivity, retryless, startGovernanceSweep, sweepSkipReason } from "./handlers/governanceSweep";
import { createCheckGovernanceReviewActivity, createStartGovernanceReviewActivity } from "./handlers/governance";
import { governanceReviewOrchestrator } from "../orchestrations/governance/reviewOrchestrator";
import { governanceSweepOrchestrator, governanceSweepPageOrchestrator } from "../orchestrations/governance/sweepOrchestrator";
import { ActivityNames } from "../orchestrations/names";
import { createBudgetAlertHandler } from "./handlers/budgetAlerts";
import { createHoldPageHandler, createHoldReleaseHandler } from "./handlers/budgetHolds";
import { platform } from "./runtime/platform";

const p = platform();

df.app.orchestration(OrchestratorNames.governance, governanceOrchestrator);
registerActivities(createGovernanceActivities(p));

df.app.orchestration(OrchestratorNames.governanceSweep, governanceSweepOrchestrator);
df.app.orchestration(OrchestratorNames.governanceSweepPage, governanceSweepPageOrchestrator);
const listSweepClusters = createListSweepClustersActivity(p);
registerActivity(ActivityNames.listSweepClusters, () => listSweepClusters());
const sweepCluster = createSweepClusterActivity(p);
registerClientActivity(ActivityNames.sweepCluster, (client, i) => sweepCluster(client, i));

// Resource events coalesced per cluster and subject (issue 24 item 9).
df.app.orchestration(OrchestratorNames.governanceReview, governanceReviewOrchestrator);
const reviewSubject = createReviewGovernanceSubjectActivity(p);
registerClientActivity(ActivityNames.reviewGovernanceSubject, (client, i) => reviewSubject(client, i));
const startGovernanceReview = createStartGovernanceReviewActivity(p, retryless);
registerClientActivity(ActivityNames.startGovernanceReview, (client, i) => startGovernanceReview(client, i));
registerActivity(ActivityNames.checkGovernanceReview, createCheckGovernanceReviewActivity(p));

const sweepSchedule = process.env[SettingNames.governanceSweepSchedule] || SettingDefaults.governanceSweepSchedule;
app.timer("governanceSweep", {
  schedule: sweepSchedule,
  // Also at app start, when the last sweep is older than its interval (guarded below: every
  // instance start fires it, which is why Microsoft advises against runOnStartup unguarded).
  runOnStartup: true,
  extraInputs: [df.input.durableClient()],
  handler: async (timer: Timer, context: InvocationContext): Promise<void> => {
    const now = p.clock.now();
    const client = df.getClient(context);
    const skip = await sweepSkipReason(timer, now, { onStartup: p.config.governanceSweepOnStartup, schedule: sweepSchedule }, client);
    if (skip !== undefined) {
      context.log(skip);
      return;
    }
    const result = await startGovernanceSweep(client, new Date(now));
    context.log(result.started ? `Started governance sweep ${result.instanceId}` : `Governance sweep ${result.instanceId} already exists`);
  }
});

app.http("budgetAlert", {
  route: "alerts/budget", methods: ["POST"], authLevel: "function", extraInputs: [df.input.durableClient()],
  handler: (request: HttpRequest, context: InvocationContext) => createBudgetAlertHandler(p, () => df.getClient(context))(request)
});

app.http("holdPage", { route: "holds/{token}", methods: ["GET"], authLevel: "anonymous", handler: createHoldPageHandler(p) });
app.http("holdRelease", {
  route: "holds/{token}", methods: ["POST"], authLevel: "anonymous", extraInputs: [df.input.durableClient()],
  handler: (request: HttpRequest, context: InvocationContext) => createHoldReleaseHandler(p, () => df.getClient(context))(request)
});
