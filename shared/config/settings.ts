/**
 * App settings: the platform's only way in for configuration. The same names are used in Azure
 * (App Service app settings, secrets as Key Vault references) and locally (written by `npm start`).
 *
 * Contract settings (DESIGN.md, "App settings"):
 *   AZURE_SUBSCRIPTION_ID   required  GUID of the subscription the platform manages (the one-subscription form);
 *                                     with AZURE_SUBSCRIPTION_IDS optional, with AZURE_MANAGEMENT_GROUP_ID required:
 *                                     the home subscription (provisioning's default). See ./subscriptions.ts.
 *   AZURE_SUBSCRIPTION_IDS  optional  Comma-separated subscription GUIDs the platform manages (docs/subscriptions.md).
 *   AZURE_MANAGEMENT_GROUP_ID
 *                           optional  A management group whose descendant subscriptions the platform manages.
 *   ARM_ENDPOINT            optional  https URL of Azure Resource Manager; default https://management.azure.com.
 *                                     Token scope is `${ARM_ENDPOINT}/.default`. Locally: the Azure simulator.
 *   COSMOS_ENDPOINT         required  https URL of the Cosmos DB account. Locally: the embedded Cosmos.
 *   COSMOS_DATABASE         optional  Cosmos database id; default `aksops`.
 *   TEAMS_WEBHOOK_URL       required  Teams incoming/Workflows webhook for approval cards and alerts
 *                                     (https in Azure; locally the simulator's /_sim/teams/<channel>).
 *   APPROVAL_SIGNING_KEY    required  HMAC key for approval tokens, at least 32 characters (RFC 2104:
 *                                     no shorter than the SHA-256 output). Secret: a Key Vault reference in Azure.
 *   PUBLIC_BASE_URL         required  http(s) base of links in Teams cards, e.g. https://<app>.azurewebsites.net.
 *
 * Platform settings added here:
 *   AKSOPS_MODE             optional  `azure` (default) or `local`. Decides how credentials and TLS trust
 *                                     are built (shared/azure); nothing else branches on it.
 *   COSMOS_KEY              local: required; azure: optional. Base64 account key. In Azure, leave it unset
 *                                     to use managed identity (Cosmos data-plane RBAC).
 *   AKSOPS_LOCAL_CA_PATH    local: required; azure: not allowed. PEM file of the local CA
 *                                     (`<data-dir>/certs/local-ca.pem`) trusted by the ARM, Monitor and Cosmos
 *                                     clients only; never a process-wide trust change.
 *   AZURE_CLIENT_ID         optional  GUID of a user-assigned managed identity (the name @azure/identity
 *                                     itself reads); unset = the system-assigned identity.
 *   MONITOR_LOGS_ENDPOINT   optional  https URL of the Log Analytics query API; default https://api.loganalytics.io.
 *   MONITOR_METRICS_ENDPOINT
 *                           azure: optional; local: required. The Azure Monitor metrics data plane
 *                                     (`metrics:getBatch`), a template whose `{region}` is the cluster's location;
 *                                     default https://{region}.metrics.monitor.azure.com. Its reads are not ARM
 *                                     requests, so health gates do not spend the subscription's ARM read bucket.
 *                                     Token scope: the host without its `{region}.` label, `/.default`.
 *                                     Locally: the simulator's `/_metrics/{region}`.
 *   OPERATION_POLL_INTERVAL_SECONDS (deprecated name, still read: UPGRADE_POLL_INTERVAL_SECONDS)
 *                           optional  Whole seconds (1-3600) before the first poll of an operation step's ARM
 *                                     operation; each later poll waits twice as long. Default 30 (an AKS
 *                                     control-plane hop takes minutes, a pool roll longer). `npm start` lowers
 *                                     it with the simulator's duration scale.
 *   OPERATION_POLL_MAX_INTERVAL_SECONDS (deprecated name, still read: UPGRADE_POLL_MAX_INTERVAL_SECONDS)
 *                           optional  Whole seconds (1-3600), the cap of that doubling; default 300, or the
 *                                     first interval when that is longer. Must not be below the first interval.
 *   HEALTH_SETTLE_SECONDS   optional  Whole seconds (0-3600) between a pool step's change finishing and its
 *                                     health sample (Azure Monitor's platform metrics lag a few minutes).
 *                                     Default 300. These three are the one polling set of every flow
 *                                     (Kubernetes upgrade, node-image upgrade, adoption); `npm start` scales them.
 *   GOVERNANCE_SWEEP_SCHEDULE
 *                           optional  NCRONTAB (6 fields) of the governance sweep (every registered cluster's
 *                                     diagnostic settings, budget and Kubernetes version against the desired
 *                                     state); default `0 0 * * * *`, hourly. Read by the timer's registration.
 *   GOVERNANCE_SWEEP_ON_STARTUP
 *                           optional  `true` (default) or `false`: whether app start runs a sweep when none ran
 *                                     within the schedule's interval. `false` leaves sweeps to the schedule (a
 *                                     large fleet whose starts should not each read every cluster; bench:fleet).
 *   BUDGET_ACTION_GROUP_ID  optional  ARM id of the action group budgets notify (infra output `budgetActionGroupId`;
 *                                     its webhook is `POST /api/alerts/budget`). Unset: budgets are not governed
 *                                     (a finding says so). `npm start` creates one in the simulator.
 */
import { ConfigError } from "./config-error";
import { DEFAULT_OPERATION_POLLING } from "../domain/polling";
import { SettingReader } from "./setting-reader";
import { readSubscriptionSettings, type ManagedSubscriptionsSetting } from "./subscriptions";

export type RuntimeMode = "local" | "azure";

export interface CosmosSettings {
  readonly endpoint: string;
  readonly database: string;
  /** Set: key auth (always locally). Unset: managed identity. */
  readonly key?: string;
}

export interface AppConfig {
  readonly mode: RuntimeMode;
  /** The home subscription (lower case): AZURE_SUBSCRIPTION_ID, else the first of AZURE_SUBSCRIPTION_IDS. */
  readonly subscriptionId: string;
  /** Every subscription the platform manages: a list, or a management group read at run time. */
  readonly managedSubscriptions: ManagedSubscriptionsSetting;
  /** Without a trailing slash. */
  readonly armEndpoint: string;
  readonly cosmos: CosmosSettings;
  readonly teamsWebhookUrl: string;
  readonly approvalSigningKey: string;
  /** Without a trailing slash. */
  readonly publicBaseUrl: string;
  readonly monitorLogsEndpoint: string;
  /** The metrics data plane, with `{region}` where the cluster's location goes; without a trailing slash. */
  readonly monitorMetricsEndpoint: string;
  /** Local mode only: the CA the SDK clients trust. */
  readonly localCaPath?: string;
  /** Azure mode: a user-assigned managed identity; unset means system-assigned. */
  readonly managedIdentityClientId?: string;
  /** How often every operation's steps poll their ARM operation (first wait, doubling up to the cap), and the settle before a health sample. */
  readonly operationPolling: OperationPollingSettings;
  /** The action group the platform's budgets notify (governance); unset: budgets are not governed. */
  readonly budgetActionGroupId?: string;
  /** Whether app start sweeps when no sweep ran within the schedule's interval (GOVERNANCE_SWEEP_ON_STARTUP, default true). */
  readonly governanceSweepOnStartup: boolean;
  /** Event routing: the lease a delivery takes on an event, and the window resource events of one subject are coalesced in. */
  readonly events: EventRoutingSettings;
}

export interface EventRoutingSettings {
  /** How long a delivery holds an event it routes; a redelivery retakes it after that (the routing crashed). */
  readonly leaseMs: number;
  /** Resource events about one cluster's governance subject within this window make one ARM review. */
  readonly reviewWindowMs: number;
}

export interface OperationPollingSettings {
  readonly firstIntervalMs: number;
  readonly maxIntervalMs: number;
  /** Wait before a pool step's health sample. */
  readonly healthSettleMs: number;
}

export const SettingNames = {
  subscriptionId: "AZURE_SUBSCRIPTION_ID",
  subscriptionIds: "AZURE_SUBSCRIPTION_IDS",
  managementGroupId: "AZURE_MANAGEMENT_GROUP_ID",
  armEndpoint: "ARM_ENDPOINT",
  cosmosEndpoint: "COSMOS_ENDPOINT",
  cosmosDatabase: "COSMOS_DATABASE",
  teamsWebhookUrl: "TEAMS_WEBHOOK_URL",
  approvalSigningKey: "APPROVAL_SIGNING_KEY",
  publicBaseUrl: "PUBLIC_BASE_URL",
  mode: "AKSOPS_MODE",
  cosmosKey: "COSMOS_KEY",
  localCaPath: "AKSOPS_LOCAL_CA_PATH",
  managedIdentityClientId: "AZURE_CLIENT_ID",
  monitorLogsEndpoint: "MONITOR_LOGS_ENDPOINT",
  monitorMetricsEndpoint: "MONITOR_METRICS_ENDPOINT",
  operationPollIntervalSeconds: "OPERATION_POLL_INTERVAL_SECONDS",
  operationPollMaxIntervalSeconds: "OPERATION_POLL_MAX_INTERVAL_SECONDS",
  healthSettleSeconds: "HEALTH_SETTLE_SECONDS",
  governanceSweepSchedule: "GOVERNANCE_SWEEP_SCHEDULE",
  governanceSweepOnStartup: "GOVERNANCE_SWEEP_ON_STARTUP",
  budgetActionGroupId: "BUDGET_ACTION_GROUP_ID",
  eventLeaseSeconds: "EVENT_LEASE_SECONDS",
  governanceReviewWindowSeconds: "GOVERNANCE_REVIEW_WINDOW_SECONDS"
} as const;

export const SettingDefaults = {
  armEndpoint: "https://management.azure.com",
  cosmosDatabase: "aksops",
  monitorLogsEndpoint: "https://api.loganalytics.io",
  monitorMetricsEndpoint: "https://{region}.metrics.monitor.azure.com",
  operationPollIntervalSeconds: DEFAULT_OPERATION_POLLING.firstIntervalMs / 1000,
  operationPollMaxIntervalSeconds: DEFAULT_OPERATION_POLLING.maxIntervalMs / 1000,
  healthSettleSeconds: DEFAULT_OPERATION_POLLING.healthSettleMs / 1000,
  /** Hourly, on the hour. */
  governanceSweepSchedule: "0 0 * * * *",
  governanceSweepOnStartup: true,
  /** Longer than a routing takes (a few ARM reads, a start), shorter than Event Grid's third retry (1 min after the 30 s one). */
  eventLeaseSeconds: 60,
  governanceReviewWindowSeconds: 30
} as const;

const ACTION_GROUP_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Insights\/actionGroups\/[^/]+$/i;

/**
 * Poll intervals longer than an hour would leave a finished upgrade step unnoticed for that long;
 * the orchestration's step timeout (hours) is the real bound, polling is only how often it looks.
 */
export const MAX_POLL_INTERVAL_SECONDS = 3600;

/** HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104 section 3). */
const MIN_SIGNING_KEY_LENGTH = 32;

/**
 * Reads and validates every setting at once. Throws a `ConfigError` that names each missing or
 * malformed setting; returns a frozen config otherwise. Call it once at start (functions/) and
 * pass the result down: nothing below functions/ reads `process.env`.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const s = new SettingReader(env);
  const N = SettingNames;
  const mode = s.oneOf<RuntimeMode>(N.mode, ["local", "azure"], "azure");
  const local = mode === "local";

  const subscriptions = readSubscriptionSettings(s);
  const armEndpoint = s.url(N.armEndpoint, { required: true, fallback: SettingDefaults.armEndpoint, httpsOnly: true });
  const cosmosEndpoint = s.url(N.cosmosEndpoint, { required: true, httpsOnly: true });
  const database = s.cosmosName(N.cosmosDatabase, SettingDefaults.cosmosDatabase);
  const cosmosKey = s.base64Key(N.cosmosKey, { required: local, minBytes: 32 });
  // Teams only accepts https; the local sink lives on the simulator, which may be addressed either way.
  const teamsWebhookUrl = s.url(N.teamsWebhookUrl, { required: true, httpsOnly: !local });
  const approvalSigningKey = s.secret(N.approvalSigningKey, { required: true, minLength: MIN_SIGNING_KEY_LENGTH });
  const publicBaseUrl = s.url(N.publicBaseUrl, { required: true });
  const monitorLogsEndpoint = s.url(N.monitorLogsEndpoint, {
    required: true,
    fallback: SettingDefaults.monitorLogsEndpoint,
    httpsOnly: true
  });
  const monitorMetricsEndpoint = readMetricsEndpoint(s, local);

  let localCaPath: string | undefined;
  if (local) {
    localCaPath = s.existingFile(N.localCaPath, { required: true });
  } else if (s.raw(N.localCaPath) !== undefined) {
    // Trusting an extra CA in Azure would let anyone holding its key impersonate ARM or Cosmos.
    s.fail(N.localCaPath, `is only allowed when ${N.mode}=local`);
  }
  const managedIdentityClientId = s.raw(N.managedIdentityClientId) === undefined ? undefined : s.guid(N.managedIdentityClientId);
  const operationPolling = readOperationPolling(s, env);
  const budgetActionGroupId = s.raw(N.budgetActionGroupId)?.trim() || undefined;
  if (budgetActionGroupId !== undefined && !ACTION_GROUP_ID.test(budgetActionGroupId)) {
    s.fail(N.budgetActionGroupId, "must be an action group resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Insights/actionGroups/…)");
  }

  const governanceSweepOnStartup = s.flag(N.governanceSweepOnStartup, SettingDefaults.governanceSweepOnStartup);

  const events: EventRoutingSettings = {
    leaseMs: 1000 * (s.wholeNumber(N.eventLeaseSeconds, { min: 1, max: 3600 }) ?? SettingDefaults.eventLeaseSeconds),
    reviewWindowMs: 1000 * (s.wholeNumber(N.governanceReviewWindowSeconds, { min: 0, max: 3600 }) ?? SettingDefaults.governanceReviewWindowSeconds)
  };

  if (s.problems.length > 0) throw new ConfigError(s.problems);

  // Every required value was checked above; an undefined here would have produced a problem.
  const config: AppConfig = {
    mode,
    subscriptionId: subscriptions!.subscriptionId,
    managedSubscriptions: subscriptions!.managed,
    armEndpoint: armEndpoint!,
    cosmos: { endpoint: cosmosEndpoint!, database, ...(cosmosKey ? { key: cosmosKey } : {}) },
    teamsWebhookUrl: teamsWebhookUrl!,
    approvalSigningKey: approvalSigningKey!,
    publicBaseUrl: publicBaseUrl!,
    monitorLogsEndpoint: monitorLogsEndpoint!,
    monitorMetricsEndpoint: monitorMetricsEndpoint!,
    operationPolling,
    governanceSweepOnStartup,
    events,
    ...(localCaPath ? { localCaPath } : {}),
    ...(managedIdentityClientId ? { managedIdentityClientId } : {}),
    ...(budgetActionGroupId ? { budgetActionGroupId } : {})
  };
  return Object.freeze({ ...config, managedSubscriptions: Object.freeze(config.managedSubscriptions), cosmos: Object.freeze(config.cosmos), operationPolling: Object.freeze(config.operationPolling), events: Object.freeze(config.events) });
}

/**
 * The metrics data plane is regional (`https://{region}.metrics.monitor.azure.com`: a batch must
 * name resources of the endpoint's region), so the setting is a template. It is checked as a URL
 * with a region put in. Locally it must be set: the default would leave the machine.
 */
function readMetricsEndpoint(s: SettingReader, local: boolean): string | undefined {
  const name = SettingNames.monitorMetricsEndpoint;
  const raw = s.raw(name)?.trim();
  if (raw === undefined && local) {
    s.fail(name, "is required when AKSOPS_MODE=local (the simulator's /_metrics/{region})");
    return undefined;
  }
  const value = (raw ?? SettingDefaults.monitorMetricsEndpoint).replace(/\/+$/, "");
  if (!value.includes("{region}")) {
    s.fail(name, "must contain {region}, where the cluster's location goes (https://{region}.metrics.monitor.azure.com)");
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value.replaceAll("{region}", "eastus"));
  } catch {
    s.fail(name, "must be an absolute https URL once {region} is filled in");
    return undefined;
  }
  if (parsed.protocol !== "https:") s.fail(name, `must use https, not ${parsed.protocol.replace(":", "")}`);
  else if (parsed.search || parsed.hash) s.fail(name, "must not carry a query string or fragment");
  return value;
}

/**
 * Deprecated setting names still read, each for the name that replaced it (docs/settings.md):
 * the polling set was named after upgrades before every operation used it.
 */
export const DeprecatedSettingNames: Readonly<Record<string, string>> = {
  [SettingNames.operationPollIntervalSeconds]: "UPGRADE_POLL_INTERVAL_SECONDS",
  [SettingNames.operationPollMaxIntervalSeconds]: "UPGRADE_POLL_MAX_INTERVAL_SECONDS"
};

/**
 * The name a setting is read under: its own when set, else its deprecated alias when that is set
 * (so a problem names what the operator wrote). Both set to different values is a problem.
 */
export function settingNameIn(env: Readonly<Record<string, string | undefined>>, name: string, s?: SettingReader): string {
  const alias = DeprecatedSettingNames[name];
  const own = env[name]?.trim();
  const old = alias ? env[alias]?.trim() : undefined;
  if (!alias || own) {
    if (alias && own && old && old !== own) s?.fail(alias, `is the deprecated name of ${name}, which is set to another value: remove it`);
    return name;
  }
  return old ? alias : name;
}

/** The first poll interval and its cap; an unset cap follows a first interval set above the default cap. */
function readOperationPolling(s: SettingReader, env: Readonly<Record<string, string | undefined>>): OperationPollingSettings {
  const N = SettingNames;
  const bounds = { min: 1, max: MAX_POLL_INTERVAL_SECONDS };
  const firstName = settingNameIn(env, N.operationPollIntervalSeconds, s);
  const capName = settingNameIn(env, N.operationPollMaxIntervalSeconds, s);
  const first = s.wholeNumber(firstName, bounds) ?? SettingDefaults.operationPollIntervalSeconds;
  const cap = s.wholeNumber(capName, bounds);
  if (cap !== undefined && cap < first) {
    s.fail(capName, `must not be below ${firstName} (${cap} < ${first})`);
  }
  const max = cap ?? Math.max(SettingDefaults.operationPollMaxIntervalSeconds, first);
  const settle = s.wholeNumber(N.healthSettleSeconds, { min: 0, max: MAX_POLL_INTERVAL_SECONDS }) ?? SettingDefaults.healthSettleSeconds;
  return { firstIntervalMs: first * 1000, maxIntervalMs: max * 1000, healthSettleMs: settle * 1000 };
}

/** The polling set alone, from an environment (the node-image timers read it beside their own settings). */
export function pollingSettingsFrom(env: Readonly<Record<string, string | undefined>>): OperationPollingSettings {
  const s = new SettingReader(env);
  const polling = readOperationPolling(s, env);
  if (s.problems.length > 0) throw new ConfigError(s.problems);
  return polling;
}
