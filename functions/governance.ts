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
import { guarded } from "../orchestrations/engine/call";
import { OrchestratorNames } from "../orchestrations/names";
import { governanceOrchestrator } from "../orchestrations/governance/governanceOrchestrator";
import { SettingDefaults, SettingNames } from "../shared/config";
import { createGovernanceActivities, governanceActivityNames } from "./runtime/activities";
import { createListSweepClustersActivity, createReviewGovernanceSubjectActivity, createSweepClusterActivity, startGovernanceSweep } from "./handlers/governanceSweep";
import { governanceReviewOrchestrator } from "../orchestrations/governance/reviewOrchestrator";
import type { GovernanceSubject } from "./handlers/governance";
import { governanceSweepOrchestrator, governanceSweepPageOrchestrator } from "../orchestrations/governance/sweepOrchestrator";
import { ActivityNames } from "../orchestrations/names";
import { createBudgetAlertHandler } from "./handlers/budgetAlerts";
import { createHoldPageHandler, createHoldReleaseHandler } from "./handlers/budgetHolds";
import { platform } from "./runtime/platform";

const p = platform();

df.app.orchestration(OrchestratorNames.governance, governanceOrchestrator);
const activities = createGovernanceActivities(p);
for (const name of governanceActivityNames) {
  df.app.activity(name, { handler: guarded((input: unknown) => activities[name](input as never)) });
}

df.app.orchestration(OrchestratorNames.governanceSweep, governanceSweepOrchestrator);
df.app.orchestration(OrchestratorNames.governanceSweepPage, governanceSweepPageOrchestrator);
const listSweepClusters = createListSweepClustersActivity(p);
df.app.activity(ActivityNames.listSweepClusters, { handler: guarded(() => listSweepClusters()) });
const sweepCluster = createSweepClusterActivity(p);
df.app.activity(ActivityNames.sweepCluster, {
  extraInputs: [df.input.durableClient()],
  handler: (input: unknown, context: InvocationContext) => guarded((i: { clusterId: string }) => sweepCluster(df.getClient(context), i))(input as { clusterId: string })
});

// Resource events coalesced per cluster and subject (issue 24 item 9).
df.app.orchestration(OrchestratorNames.governanceReview, governanceReviewOrchestrator);
const reviewSubject = createReviewGovernanceSubjectActivity(p);
type ReviewSubjectInput = { clusterId: string; subject: GovernanceSubject; eventId: string };
df.app.activity(ActivityNames.reviewGovernanceSubject, {
  extraInputs: [df.input.durableClient()],
  handler: (input: unknown, context: InvocationContext) => guarded((i: ReviewSubjectInput) => reviewSubject(df.getClient(context), i))(input as ReviewSubjectInput)
});

app.timer("governanceSweep", {
  schedule: process.env[SettingNames.governanceSweepSchedule] || SettingDefaults.governanceSweepSchedule,
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const result = await startGovernanceSweep(df.getClient(context), new Date(p.clock.now()));
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
