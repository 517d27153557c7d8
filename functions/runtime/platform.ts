import { randomUUID } from "node:crypto";
import { createDefaultHttpClient } from "@azure/core-rest-pipeline";
import { ConfigError, loadConfig, type AppConfig, type SettingProblem } from "../../shared/config";
import {
  armFor, createArmClients, createCosmosClient, createManagedSubscriptions, createManagementGroupsClient, createMetricsClient, trustedAgent,
  type ArmClients, type ManagedSubscriptions, type MetricsQueryPort
} from "../../shared/azure";
import { createStore, type NowSource, type Store } from "../../shared/store";
import { postOnce, type PostOutcome } from "../../shared/teams/webhook";
import type { TeamsMessage } from "../../shared/teams/cards";
import { readArmOperationStatus, type ArmOperationStatus } from "../../shared/azure/arm-resources";
import { appClock } from "./clock";
import { fetchWithAgent } from "./httpsFetch";

/** Settings of the app beyond the shared contract (shared/config). */
export const PlatformSettingNames = {
  /** Optional: Teams webhook of the escalation channel, for policies that escalate without naming one. */
  escalationWebhookUrl: "TEAMS_ESCALATION_WEBHOOK_URL",
  /**
   * Optional (Azure): the Functions host's `eventgrid_extension` system key, appended as `code=` to the
   * webhook URL the adoption subscribes, as the Azure host requires for Event Grid deliveries.
   */
  eventGridSystemKey: "EVENTGRID_SYSTEM_KEY"
} as const;

/** Everything the functions need, built once per app load from the settings. */
export interface Platform {
  readonly config: AppConfig;
  readonly clock: NowSource;
  readonly escalationWebhookUrl?: string;
  /** Where Event Grid delivers to this app (with the system key in Azure). */
  readonly eventGridEndpoint: string;
  readonly store: Store;
  readonly arm: ArmClients;
  /**
   * The same clients without the SDK's own retries, for activities: a 429 or 5xx goes back to the
   * orchestration, whose activity proxy waits on a durable timer instead of sleeping in the worker.
   */
  readonly activityArm: ArmClients;
  /** The client set of one subscription (a cluster's: parse it from its resource id), built once (shared/azure/arm-clients.ts). */
  armFor(subscriptionId: string): ArmClients;
  /** The same without SDK retries, for activities. */
  activityArmFor(subscriptionId: string): ArmClients;
  /** The subscriptions the platform manages (AZURE_SUBSCRIPTION_IDS, or a management group's descendants). */
  readonly managedSubscriptions: ManagedSubscriptions;
  /** The metrics data plane of a region (not ARM; no SDK retries: activities use it). */
  metrics(region: string): MetricsQueryPort;
  postTeams(url: string, message: TeamsMessage): Promise<PostOutcome>;
  readAsyncOperation(operationPath: string): Promise<ArmOperationStatus>;
  nonce(): string;
}

let cached: Platform | undefined;

/**
 * Loads and checks the settings (a missing or malformed one throws a `ConfigError` naming it, so
 * the app fails at start) and builds the clients; ARM clients are created on first use.
 */
export function platform(env: Readonly<Record<string, string | undefined>> = process.env): Platform {
  if (cached) return cached;
  const config = loadConfig(env);
  const problems: SettingProblem[] = [];
  const escalationWebhookUrl = optionalUrl(env, PlatformSettingNames.escalationWebhookUrl, problems);
  const eventGridKey = env[PlatformSettingNames.eventGridSystemKey]?.trim() || undefined;
  if (problems.length > 0) throw new ConfigError(problems);

  const clock = appClock(config.mode);
  const store = createStore(createCosmosClient(config), config.cosmos.database, clock);
  const agent = trustedAgent(config);
  const teamsFetch = agent ? fetchWithAgent(agent) : fetch;
  const http = createDefaultHttpClient();
  const arm = createArmClients(config);
  const activityArm = createArmClients(config, { sdkRetries: false });
  const eventGridEndpoint = `${config.publicBaseUrl}/runtime/webhooks/eventgrid?functionName=aksEvents${eventGridKey ? `&code=${encodeURIComponent(eventGridKey)}` : ""}`;

  let groups: ReturnType<typeof createManagementGroupsClient> | undefined;
  const managedSubscriptions = createManagedSubscriptions(config.managedSubscriptions, config.subscriptionId, () => (groups ??= createManagementGroupsClient(config)), clock);

  cached = {
    config, clock, store, arm, activityArm, eventGridEndpoint, managedSubscriptions,
    armFor: (subscriptionId) => armFor(config, subscriptionId),
    activityArmFor: (subscriptionId) => armFor(config, subscriptionId, { sdkRetries: false }),
    metrics: (region) => createMetricsClient(config, region),
    ...(escalationWebhookUrl ? { escalationWebhookUrl } : {}),
    postTeams: (url, message) => postOnce(url, message, { fetch: teamsFetch }),
    // Through the container service client's pipeline: its credential, retry and (locally) trust policies.
    readAsyncOperation: (operationPath) => readArmOperationStatus(activityArm.containerService.pipeline, config.armEndpoint, operationPath, http),
    nonce: () => randomUUID()
  };
  return cached;
}

function optionalUrl(env: Readonly<Record<string, string | undefined>>, name: string, problems: SettingProblem[]): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") problems.push({ setting: name, problem: "must be an http(s) URL" });
  } catch {
    problems.push({ setting: name, problem: "must be an absolute URL" });
  }
  return value;
}
