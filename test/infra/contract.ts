/**
 * The contract between infra/ and the app, as checker functions over evaluated templates: each
 * returns the list of problems (empty when the contract holds), so a test can also show that a
 * broken template is caught. The app's side is read from the app's own code, not restated here:
 * which settings shared/config requires in Azure mode is found by running `loadConfig`, which it
 * accepts from the setting-name tables of shared/config and functions/.
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig, SettingNames } from "../../shared/config";
import { BuiltInRoles, RequiredPermissions, roleGrants } from "../../shared/azure/required-permissions";
import type { Deployment, Json } from "./arm-evaluator";

export const repoRoot = path.resolve(__dirname, "../../..");

/**
 * Settings the Functions platform reads (host, storage, telemetry, Easy Auth), not the app: set by
 * infra, never read by shared/config or functions/.
 */
export const HostSettings: Readonly<Record<string, string>> = {
  AzureWebJobsStorage__accountName: "identity-based host storage (and the task hub on Azure Storage)",
  AzureWebJobsStorage__credential: "identity-based host storage",
  AzureWebJobsStorage__clientId: "identity-based host storage: the user-assigned identity",
  APPLICATIONINSIGHTS_CONNECTION_STRING: "host and worker telemetry",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "telemetry sent with the identity (local auth is off on the component)",
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: "the host's request body limit in bytes (1 MB: Event Grid's delivery limit; the API routes read 64 KB of it)",
  OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID: "Easy Auth proves the app registration with the identity instead of a secret",
  FUNCTIONS_EXTENSION_VERSION: "Elastic Premium: the host version (Flex takes it from functionAppConfig)",
  FUNCTIONS_WORKER_RUNTIME: "Elastic Premium: the worker (Flex takes it from functionAppConfig)",
  WEBSITE_RUN_FROM_PACKAGE: "Elastic Premium: the package blob",
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: "Elastic Premium: the identity reading the package blob",
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: "Durable Task Scheduler: endpoint and identity of the task hub's scheduler",
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: "host.json override: the Durable Functions storage provider",
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: "host.json override: the setting naming the scheduler"
};

/** Settings the app accepts that a deployment must not set, and why. */
export const NotInAzure: Readonly<Record<string, string>> = {
  [SettingNames.cosmosKey]: "an account key: Cosmos DB is reached with the managed identity (local auth is off on the account)"
};

/** Settings whose value is a credential: in Azure they must be Key Vault references, never values in the site config. */
export const SecretSettings: readonly string[] = [
  SettingNames.approvalSigningKey,
  SettingNames.teamsWebhookUrl,
  "TEAMS_ESCALATION_WEBHOOK_URL",
  "EVENTGRID_SYSTEM_KEY",
  SettingNames.cosmosKey
];

const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\((SecretUri=[^)]+|VaultName=[^;)]+;SecretName=[^;)]+(;SecretVersion=[^)]*)?)\)$/;

/** A complete, valid Azure-mode environment for `loadConfig`: the base the required settings are probed from. */
function validAzureEnv(): Record<string, string> {
  return {
    [SettingNames.mode]: "azure",
    [SettingNames.subscriptionId]: "11111111-1111-1111-1111-111111111111",
    [SettingNames.armEndpoint]: "https://management.azure.com",
    [SettingNames.cosmosEndpoint]: "https://cosmos.example.invalid",
    [SettingNames.cosmosDatabase]: "aksops",
    [SettingNames.teamsWebhookUrl]: "https://teams.example.invalid/hook",
    [SettingNames.approvalSigningKey]: "k".repeat(48),
    [SettingNames.publicBaseUrl]: "https://func.example.invalid",
    [SettingNames.managedIdentityClientId]: "33333333-3333-3333-3333-333333333333",
    [SettingNames.monitorLogsEndpoint]: "https://api.loganalytics.io"
  };
}

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.setting);
    throw err;
  }
}

export interface AppSettingsContract {
  /** Settings without which the app does not start in Azure mode. */
  required: string[];
  /** Every setting the app reads (shared/config and functions/). */
  accepted: string[];
  /** Settings the app refuses in Azure mode. */
  refused: string[];
}

/**
 * The app's side, from its code: `required` are the settings whose removal from a valid Azure
 * environment makes `loadConfig` fail naming them; `refused` those whose presence does.
 */
export function appSettingsContract(acceptedElsewhere: readonly string[]): AppSettingsContract {
  const base = validAzureEnv();
  if (configProblems(base).length > 0) throw new Error(`the base environment is not valid: ${configProblems(base).join(", ")}`);
  const names = Object.values(SettingNames) as string[];
  const required = names.filter((n) => {
    const env = { ...base };
    delete env[n];
    return configProblems(env).includes(n);
  });
  // Refused: every well-formed value of any kind (a number, an id, a path, a key, a URL, a GUID, a mode, a flag) fails (e.g. AKSOPS_LOCAL_CA_PATH outside local mode).
  const candidates = ["30", "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/ag", path.join(repoRoot, "package.json"), Buffer.alloc(64, 7).toString("base64"), "https://x.example.invalid", "https://{region}.x.example.invalid", "33333333-3333-3333-3333-333333333333", "azure", "true"];
  const refused = names.filter((n) => !(n in base) && candidates.every((v) => configProblems({ ...base, [n]: v }).includes(n)));
  return { required, accepted: [...new Set([...names, ...acceptedElsewhere])], refused };
}

/** Problems with the app settings a template gives the Function App. */
export function checkAppSettings(settings: Record<string, Json>, app: AppSettingsContract): string[] {
  const problems: string[] = [];
  const set = Object.keys(settings);
  for (const name of app.required) if (!set.includes(name)) problems.push(`${name}: required by the app in Azure mode but not set`);
  for (const name of set) {
    if (app.refused.includes(name)) problems.push(`${name}: refused by the app in Azure mode`);
    else if (name in NotInAzure) problems.push(`${name}: must not be set in Azure (${NotInAzure[name]})`);
    else if (!app.accepted.includes(name) && !(name in HostSettings)) problems.push(`${name}: neither read by the app nor by the Functions host`);
    const value = settings[name];
    if (typeof value !== "string") problems.push(`${name}: app settings are strings, got ${JSON.stringify(value)}`);
    else if (SecretSettings.includes(name) && !KEY_VAULT_REFERENCE.test(value)) problems.push(`${name}: a secret, must be a Key Vault reference (got a plain value)`);
    else if (!SecretSettings.includes(name) && value.startsWith("@Microsoft.KeyVault(")) problems.push(`${name}: not a secret, yet a Key Vault reference`);
  }
  return problems;
}

/** The Event Grid triggers the app registers (`app.eventGrid("<name>", ...)` in functions/). */
export function eventGridFunctionNames(): string[] {
  const dir = path.join(repoRoot, "functions");
  return fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))
    .flatMap((f) => [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/app\.eventGrid\(\s*"([^"]+)"/g)].map((m) => m[1]!));
}

/**
 * Problems with a webhook URL Event Grid is given: the host serves Event Grid at
 * `/runtime/webhooks/eventgrid?functionName=<an Event Grid trigger>&code=<eventgrid_extension system key>`
 * on the app's public base URL (local/host/http/http-server.ts does as Azure does).
 */
export function checkEventGridWebhook(url: string, expected: { publicBaseUrl: string; systemKey: string; functions: readonly string[] }): string[] {
  const problems: string[] = [];
  const base = expected.publicBaseUrl.replace(/\/+$/, "");
  if (!url.startsWith(`${base}/`)) return [`${url}: not on the app's base URL ${base}`];
  const rest = new URL(`https://host${url.slice(base.length)}`);
  if (rest.pathname !== "/runtime/webhooks/eventgrid") problems.push(`${url}: path ${rest.pathname}, the host serves Event Grid at /runtime/webhooks/eventgrid`);
  const fn = rest.searchParams.get("functionName");
  if (!fn || !expected.functions.includes(fn)) problems.push(`${url}: functionName=${fn ?? ""} is not an Event Grid trigger of the app (${expected.functions.join(", ")})`);
  const code = rest.searchParams.get("code"); // decoded, so an escaped key compares equal
  if (code !== expected.systemKey) problems.push(`${url}: code is not the eventgrid_extension system key`);
  return problems;
}

export interface RoleGrants {
  /** Built-in role definition ids assigned. */
  builtInRoleIds: string[];
  /** Actions of the custom roles assigned. */
  customActions: string[];
}

/** The role assignments and custom role of an evaluated subscription-roles template. */
export function grantsOf(assignments: { roleDefinitionId: string }[], customRoles: { id: string; actions: string[] }[]): RoleGrants {
  const ids = assignments.map((a) => a.roleDefinitionId.split("/").pop()!.toLowerCase());
  const custom = customRoles.filter((r) => ids.includes(r.id.toLowerCase()));
  return { builtInRoleIds: ids.filter((id) => !custom.some((c) => c.id.toLowerCase() === id)), customActions: custom.flatMap((c) => c.actions) };
}

/** Problems with the roles granted: an action the code needs that no role grants, or a custom-role action nothing needs. */
export function checkRoles(grants: RoleGrants): string[] {
  const problems: string[] = [];
  const builtIns = Object.entries(BuiltInRoles).filter(([, r]) => grants.builtInRoleIds.includes(r.id));
  for (const id of grants.builtInRoleIds) if (!builtIns.some(([, r]) => r.id === id)) problems.push(`role ${id}: assigned, but its definition is not in shared/azure/required-permissions.ts`);
  const custom = { actions: grants.customActions };
  const needed = [...new Set(RequiredPermissions.flatMap((p) => p.actions))];
  for (const action of needed) {
    if (!builtIns.some(([, r]) => roleGrants(r, action)) && !roleGrants(custom, action)) {
      const calls = RequiredPermissions.filter((p) => p.actions.includes(action)).map((p) => p.call).join(", ");
      problems.push(`${action}: needed by ${calls}, granted by no assigned role`);
    }
  }
  for (const action of grants.customActions) {
    if (!needed.some((n) => roleGrants({ actions: [action] }, n))) problems.push(`${action}: in the custom role, but no call in shared/azure/required-permissions.ts needs it`);
    else if (needed.filter((n) => roleGrants({ actions: [action] }, n)).every((n) => builtIns.some(([, r]) => roleGrants(r, n)))) {
      problems.push(`${action}: in the custom role, but an assigned built-in role already grants it`);
    }
  }
  return problems;
}

/**
 * The ARM calls in the code: `.<operation group>.<method>(` of the generated clients, found in
 * functions/, orchestrations/ and shared/ (tests and local/ excluded), and the ports that send their
 * own ARM requests. `groups` are the clients' operation groups.
 */
export function armCallsInCode(groups: readonly string[], ports: readonly string[]): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  const pattern = new RegExp(`\\.(${groups.join("|")})\\s*\\.\\s*([A-Za-z]+)\\(`, "g");
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
  for (const file of ["functions", "orchestrations", "shared"].flatMap((d) => walk(path.join(repoRoot, d)))) {
    const text = fs.readFileSync(file, "utf8").replace(/\s*\n\s*\./g, ".");
    const where = path.relative(repoRoot, file);
    for (const m of text.matchAll(pattern)) calls.set(`${m[1]}.${m[2]}`, [...(calls.get(`${m[1]}.${m[2]}`) ?? []), where]);
    for (const port of ports) if (new RegExp(`\\b${port}\\(`).test(text)) calls.set(port, [...(calls.get(port) ?? []), where]);
  }
  return calls;
}

/**
 * Issue 31: every subscription the app manages gets, from managed-subscriptions.bicep, the roles its
 * calls need (subscription-roles.bicep deployed into it, checked as `checkRoles` does), assigned to the
 * platform's identity in that subscription. Problems name the subscription.
 */
export function checkManagedSubscriptionRoles(managed: readonly string[], roles: Deployment, principalId: string): string[] {
  const problems: string[] = [];
  const modules = roles.resources("Microsoft.Resources/deployments").filter((m) => m.deployed);
  for (const subscription of managed) {
    const module = modules.find((m) => m.subscriptionId?.toLowerCase() === subscription.toLowerCase());
    if (!module) { problems.push(`subscription ${subscription}: managed by the app, but managed-subscriptions.bicep assigns no roles there`); continue; }
    const inside = roles.module(module.name);
    const assignments = inside.resources("Microsoft.Authorization/roleAssignments").filter((r) => r.deployed).map((r) => r.properties as { roleDefinitionId: string; principalId: string });
    for (const a of assignments) {
      if (a.principalId !== principalId) problems.push(`subscription ${subscription}: a role assigned to ${a.principalId}, not the platform's identity`);
      if (a.roleDefinitionId.startsWith("/subscriptions/") && !a.roleDefinitionId.toLowerCase().startsWith(`/subscriptions/${subscription.toLowerCase()}/`)) {
        problems.push(`subscription ${subscription}: role ${a.roleDefinitionId} is another subscription's`);
      }
    }
    const custom = inside.resources("Microsoft.Authorization/roleDefinitions").filter((r) => r.deployed)
      .map((r) => ({ id: r.name, actions: (r.properties as { permissions: { actions: string[] }[] }).permissions.flatMap((p) => p.actions) }));
    problems.push(...checkRoles(grantsOf(assignments, custom)).map((p) => `subscription ${subscription}: ${p}`));
  }
  return problems;
}
