/**
 * infra/ and the app agree: the compiled templates (dist/infra, written by `npm run build:infra`,
 * which `npm test` runs before jest) are evaluated for real deployment parameters and checked
 * against what the app's code requires, accepts and calls.
 */
import fs from "node:fs";
import path from "node:path";
import { SettingNames } from "../../shared/config";
import { RequiredPermissions } from "../../shared/azure/required-permissions";
import { platform, PlatformSettingNames } from "../../functions/runtime/platform";
import { evaluateDeployment, type ArmTemplate, type Deployment, type Json } from "./arm-evaluator";
import {
  appSettingsContract, armCallsInCode, checkAppSettings, checkEventGridWebhook, checkRoles, eventGridFunctionNames,
  grantsOf, repoRoot, type AppSettingsContract
} from "./contract";

const distInfra = path.join(repoRoot, "dist", "infra");
const template = (name: string): ArmTemplate => {
  const file = path.join(distInfra, `${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:infra\` first (npm test does)`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as ArmTemplate;
};

/** The node-image settings (functions/nodeImageRollout.ts), read from the source: importing it registers its triggers. */
function nodeImageSettingNames(): string[] {
  const text = fs.readFileSync(path.join(repoRoot, "functions", "nodeImageRollout.ts"), "utf8");
  const table = /export const NodeImageSettings = \{([^}]*)\}/.exec(text)?.[1] ?? "";
  return [...table.matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]!);
}

// Keys as Azure generates them may hold base64 characters that must be escaped in a query string.
const secrets = { approvalSigningKey: "s".repeat(48), teamsWebhookUrl: "https://teams.example.invalid/webhook", eventGridSystemKey: "eg+system/key==", functionKey: "fn+key/=" };

/** Deployments as infra/README.md describes them: the first (before the app is published), and a later one with every option. */
const deployments: Record<string, Record<string, Json>> = {
  first: { approvalSigningKey: secrets.approvalSigningKey, teamsWebhookUrl: secrets.teamsWebhookUrl, authClientId: "55555555-5555-5555-5555-555555555555" },
  "later, every option, Elastic Premium": {
    approvalSigningKey: secrets.approvalSigningKey, teamsWebhookUrl: secrets.teamsWebhookUrl, authClientId: "55555555-5555-5555-5555-555555555555",
    teamsEscalationWebhookUrl: "https://teams.example.invalid/escalation", eventGridSystemKey: secrets.eventGridSystemKey,
    nodeImageRolloutSchedule: "0 0 2 * * Tue", nodeImageCatchUpSchedule: "0 0 3 * * *", hostingPlan: "ElasticPremium",
    additionalAppSettings: { NODE_IMAGE_SOAK_HOURS: "12", MONITOR_LOGS_ENDPOINT: "https://api.loganalytics.io" },
    budgetAlertFunctionKey: secrets.functionKey
  },
  "later, task hub on the Durable Task Scheduler": {
    approvalSigningKey: secrets.approvalSigningKey, teamsWebhookUrl: secrets.teamsWebhookUrl, authClientId: "55555555-5555-5555-5555-555555555555",
    eventGridSystemKey: secrets.eventGridSystemKey, durableStorageProvider: "DurableTaskScheduler"
  }
};

/** A template value that must be a string. */
function text(value: Json | undefined): string {
  if (typeof value !== "string") throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

const moduleDeployed = (d: Deployment, name: string): boolean =>
  d.resources("Microsoft.Resources/deployments").find((r) => r.name === name)?.deployed ?? false;

function appSettingsOf(main: Deployment): Record<string, Json> {
  const config = main.module("functionApp").resources("Microsoft.Web/sites/config").filter((r) => r.name.endsWith("/appsettings"));
  expect(config).toHaveLength(1);
  return config[0]!.properties as Record<string, Json>;
}

describe("infra contract: app settings", () => {
  let app: AppSettingsContract;
  beforeAll(() => { app = appSettingsContract([...Object.values(PlatformSettingNames), ...nodeImageSettingNames()]); });

  it("the app's side is read from its code: what loadConfig requires and refuses in Azure mode", () => {
    expect(app.required.sort()).toEqual([SettingNames.approvalSigningKey, SettingNames.subscriptionId, SettingNames.cosmosEndpoint, SettingNames.publicBaseUrl, SettingNames.teamsWebhookUrl].sort());
    expect(app.refused).toEqual([SettingNames.localCaPath]);
    expect(app.accepted).toEqual(expect.arrayContaining(["TEAMS_ESCALATION_WEBHOOK_URL", "EVENTGRID_SYSTEM_KEY", "NODE_IMAGE_ROLLOUT_SCHEDULE", "NODE_IMAGE_SOAK_HOURS", "HEALTH_SETTLE_SECONDS"]));
  });

  for (const [name, params] of Object.entries(deployments)) {
    it(`the ${name} deployment sets exactly settings the app or the host reads, secrets as Key Vault references`, () => {
      const settings = appSettingsOf(evaluateDeployment(template("main"), params));
      expect(checkAppSettings(settings, app)).toEqual([]);
      expect(settings[SettingNames.mode]).toBe("azure");
      expect(settings[SettingNames.armEndpoint]).toBe("https://management.azure.com");
    });
  }

  it("a setting name the app does not read, a missing required one, and a secret as a plain value are each caught", () => {
    const main = template("main");
    const settings = appSettingsOf(evaluateDeployment(main, deployments.first!));
    const { [SettingNames.cosmosEndpoint]: endpoint, ...rest } = settings;
    expect(endpoint).toBeDefined();
    expect(checkAppSettings({ ...rest, COSMOS_ENDPONT: endpoint! }, app)).toEqual([
      "COSMOS_ENDPOINT: required by the app in Azure mode but not set",
      "COSMOS_ENDPONT: neither read by the app nor by the Functions host"
    ]);
    expect(checkAppSettings({ ...settings, APPROVAL_SIGNING_KEY: secrets.approvalSigningKey }, app)).toEqual(["APPROVAL_SIGNING_KEY: a secret, must be a Key Vault reference (got a plain value)"]);
    expect(checkAppSettings({ ...settings, AKSOPS_LOCAL_CA_PATH: "/ca.pem" }, app)).toEqual(["AKSOPS_LOCAL_CA_PATH: refused by the app in Azure mode"]);
  });

  it("a wrong setting name in a copy of the compiled template fails the check", () => {
    const copy = JSON.parse(JSON.stringify(template("main"))) as ArmTemplate;
    const fa = (copy.resources as unknown as { name: string; properties: { parameters: Record<string, { value: string }> } }[]).find((r) => r.name === "functionApp")!;
    const platformSettings = fa.properties.parameters.platformSettings!;
    expect(platformSettings.value).toContain("'TEAMS_WEBHOOK_URL'");
    platformSettings.value = platformSettings.value.replace("'TEAMS_WEBHOOK_URL'", "'TEAMS_WEBHOOK'");
    expect(checkAppSettings(appSettingsOf(evaluateDeployment(copy, deployments.first!)), app)).toEqual([
      "TEAMS_WEBHOOK_URL: required by the app in Azure mode but not set",
      "TEAMS_WEBHOOK: neither read by the app nor by the Functions host",
      "TEAMS_WEBHOOK: not a secret, yet a Key Vault reference"
    ]);
  });

  it("the Function App runs the Node major version package.json's engines and the `node` dev dependency name, which runs these tests", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { engines: { node: string }; devDependencies: Record<string, string> };
    const major = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];
    expect(pkg.devDependencies.node?.split(".")[0]).toBe(major);
    expect(process.versions.node.split(".")[0]).toBe(major);
    for (const hostingPlan of ["FlexConsumption", "ElasticPremium"]) {
      const site = evaluateDeployment(template("main"), { ...deployments.first!, hostingPlan }).module("functionApp").resources("Microsoft.Web/sites")[0]!;
      const props = site.properties as { siteConfig: { linuxFxVersion?: string }; functionAppConfig?: { runtime: { name: string; version: string } } };
      const runtime = props.functionAppConfig ? `${props.functionAppConfig.runtime.name}|${props.functionAppConfig.runtime.version}` : props.siteConfig.linuxFxVersion;
      expect(runtime?.toLowerCase()).toBe(`node|${major}`);
    }
  });
});

describe("infra contract: Durable Functions task hub", () => {
  const hostJson = JSON.parse(fs.readFileSync(path.join(repoRoot, "host.json"), "utf8")) as { extensions: { durableTask: { hubName: string; storageProvider: { type: string } } } };

  it("Azure Storage by default: host.json's provider and the host's storage settings, no scheduler", () => {
    const main = evaluateDeployment(template("main"), deployments.first!);
    expect(hostJson.extensions.durableTask.storageProvider.type).toBe("AzureStorage");
    expect(moduleDeployed(main, "durableTaskScheduler")).toBe(false);
    expect(Object.keys(appSettingsOf(main)).filter((k) => /durable/i.test(k))).toEqual([]);
  });

  it("the Durable Task Scheduler option overrides host.json's provider with app settings and reaches the task hub of host.json's name with the identity", () => {
    const main = evaluateDeployment(template("main"), deployments["later, task hub on the Durable Task Scheduler"]!);
    expect(moduleDeployed(main, "durableTaskScheduler")).toBe(true);
    const settings = appSettingsOf(main);
    const prefix = "AzureFunctionsJobHost__extensions__durableTask__storageProvider__";
    // Each override names a host.json path that exists (the host would otherwise add, not replace, a value).
    for (const key of Object.keys(settings).filter((k) => k.startsWith("AzureFunctionsJobHost__"))) {
      const parent = key.split("__").slice(1, -1).reduce<unknown>((o, part) => (o as Record<string, unknown> | undefined)?.[part], hostJson);
      expect([key, typeof parent]).toEqual([key, "object"]);
    }
    expect(settings[`${prefix}type`]).toBe("azureManaged");
    expect(settings[`${prefix}connectionStringName`]).toBe("DURABLE_TASK_SCHEDULER_CONNECTION_STRING");
    const dts = main.module("durableTaskScheduler");
    expect(settings.DURABLE_TASK_SCHEDULER_CONNECTION_STRING).toBe(`Endpoint=${text(dts.output("endpoint"))};Authentication=ManagedIdentity;ClientID=${text(settings.AZURE_CLIENT_ID)}`);
    expect(dts.output("taskHubName")).toBe(hostJson.extensions.durableTask.hubName);
    const role = dts.resources("Microsoft.Authorization/roleAssignments")[0]!.properties as { roleDefinitionId: string; principalId: string };
    expect(role.roleDefinitionId.endsWith("/0ad04412-c4d5-4796-b79c-f76d14c8d402")).toBe(true); // Durable Task Data Contributor
    expect(role.principalId).toBe(main.module("identity").output("principalId"));
  });
});

describe("infra contract: telemetry and budgets", () => {
  it("the host and the app send telemetry to the platform's Application Insights with the identity", () => {
    const main = evaluateDeployment(template("main"), deployments.first!);
    const settings = appSettingsOf(main);
    expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(main.module("monitoring").output("appInsightsConnectionString"));
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(`ClientId=${text(settings.AZURE_CLIENT_ID)};Authorization=AAD`);
    const publisher = main.module("monitoring").resources("Microsoft.Authorization/roleAssignments")[0]!.properties as { roleDefinitionId: string; principalId: string };
    expect(publisher.roleDefinitionId.endsWith("/3913510d-42f4-4e42-8a64-420c390055eb")).toBe(true); // Monitoring Metrics Publisher
    expect(publisher.principalId).toBe(main.module("identity").output("principalId"));
  });

  it("the budgets' action group posts the common alert schema to /api/alerts/budget with the function key, once the key is known", () => {
    const first = evaluateDeployment(template("main"), deployments.first!).module("budgetActionGroup").resources("Microsoft.Insights/actionGroups")[0]!;
    expect((first.properties as { webhookReceivers: unknown[] }).webhookReceivers).toEqual([]);
    const main = evaluateDeployment(template("main"), deployments["later, every option, Elastic Premium"]!);
    const group = main.module("budgetActionGroup").resources("Microsoft.Insights/actionGroups")[0]!;
    const receivers = (group.properties as { webhookReceivers: { serviceUri: string; useCommonAlertSchema: boolean }[] }).webhookReceivers;
    expect(receivers).toEqual([expect.objectContaining({
      serviceUri: `${text(appSettingsOf(main).PUBLIC_BASE_URL)}/api/alerts/budget?code=${encodeURIComponent(secrets.functionKey)}`,
      useCommonAlertSchema: true, useAadAuth: false
    })]);
    // A plain webhook cannot sign in: the path must be outside App Service authentication, or Azure
    // Monitor is stopped before the function (401/302) and the alert is lost.
    expect(main.module("appAuth").parameter("excludedPaths") as string[]).toContain("/api/alerts/budget");
  });
});

describe("infra contract: Event Grid", () => {
  it("EVENTGRID_SYSTEM_KEY is the Key Vault secret holding the eventgrid_extension key the deployment is given; the webhook path is outside App Service authentication", () => {
    const main = evaluateDeployment(template("main"), deployments["later, every option, Elastic Premium"]!);
    const settings = appSettingsOf(main);
    const kv = main.module("keyVault");
    const secret = kv.resources("Microsoft.KeyVault/vaults/secrets").find((s) => s.name.endsWith("/eventgrid-system-key"))!;
    expect(secret.deployed).toBe(true);
    expect((secret.properties as { value: string }).value).toBe(secrets.eventGridSystemKey);
    expect(settings.EVENTGRID_SYSTEM_KEY).toContain("secrets/eventgrid-system-key");
    const excluded = (main.module("appAuth").parameter("excludedPaths") as string[]);
    expect(excluded).toContain("/runtime/webhooks/eventgrid");
    // The first deployment has no key yet: no secret, no setting (adoption then subscribes without code=, which the host refuses).
    const first = evaluateDeployment(template("main"), deployments.first!);
    expect(first.module("keyVault").resources("Microsoft.KeyVault/vaults/secrets").find((s) => s.name.endsWith("/eventgrid-system-key"))?.deployed).toBe(false);
    expect(appSettingsOf(first).EVENTGRID_SYSTEM_KEY).toBeUndefined();
  });

  it("the managed subscription's resource events go to the webhook the app itself subscribes clusters with", () => {
    const main = evaluateDeployment(template("main"), deployments["later, every option, Elastic Premium"]!);
    expect(moduleDeployed(main, "subscriptionEvents")).toBe(true);
    const events = main.module("subscriptionEvents");
    const topic = events.resources("Microsoft.EventGrid/systemTopics")[0]!.properties as { source: string; topicType: string };
    expect(topic).toEqual({ source: `/subscriptions/${text(main.parameter("managedSubscriptionId"))}`, topicType: "Microsoft.Resources.Subscriptions" });
    const sub = events.resources("Microsoft.EventGrid/systemTopics/eventSubscriptions")[0]!.properties as {
      destination: { endpointType: string; properties: { endpointUrl: string } }; filter: { includedEventTypes: string[] }
    };
    expect(sub.filter.includedEventTypes).toEqual(expect.arrayContaining(["Microsoft.Resources.ResourceWriteSuccess"]));
    // The site's host name is known once deployed: resolve the placeholder as Azure would.
    const deployed = (value: Json | undefined): string => text(value).replace(/\{ref Microsoft\.Web\/sites\/([^.}]+)\.defaultHostName\}/g, "$1.azurewebsites.net");
    const settings = { ...appSettingsOf(main), PUBLIC_BASE_URL: deployed(appSettingsOf(main).PUBLIC_BASE_URL) };
    expect(settings.PUBLIC_BASE_URL).toMatch(/^https:\/\/func-aksops-[a-z0-9]+\.azurewebsites\.net$/);
    const url = deployed(sub.destination.properties.endpointUrl);
    expect(checkEventGridWebhook(url, { publicBaseUrl: text(settings.PUBLIC_BASE_URL), systemKey: secrets.eventGridSystemKey, functions: eventGridFunctionNames() })).toEqual([]);
    // The app's own endpoint (adoption subscribes each cluster's system topic to it), from the settings this deployment gives it.
    const app = platform({
      AKSOPS_MODE: "azure", AZURE_SUBSCRIPTION_ID: "11111111-1111-1111-1111-111111111111", COSMOS_ENDPOINT: "https://cosmos.example.invalid",
      TEAMS_WEBHOOK_URL: secrets.teamsWebhookUrl, APPROVAL_SIGNING_KEY: secrets.approvalSigningKey,
      PUBLIC_BASE_URL: text(settings.PUBLIC_BASE_URL), EVENTGRID_SYSTEM_KEY: secrets.eventGridSystemKey
    });
    expect(url).toBe(app.eventGridEndpoint);
    // Without the key (first deployment) the handshake could not succeed: no subscription; nor for another subscription than the deployment's.
    expect(moduleDeployed(evaluateDeployment(template("main"), deployments.first!), "subscriptionEvents")).toBe(false);
    expect(moduleDeployed(evaluateDeployment(template("main"), { ...deployments["later, every option, Elastic Premium"]!, managedSubscriptionId: "77777777-7777-7777-7777-777777777777" }), "subscriptionEvents")).toBe(false);
  });

  it("a wrong function name in a copy of the compiled template fails the webhook check", () => {
    const copy = JSON.parse(JSON.stringify(template("main"))) as ArmTemplate & { variables: Record<string, Json> };
    expect(copy.variables.eventGridFunctionName).toBe("aksEvents");
    copy.variables.eventGridFunctionName = "aksEvent";
    const main = evaluateDeployment(copy, deployments["later, every option, Elastic Premium"]!);
    const sub = main.module("subscriptionEvents").resources("Microsoft.EventGrid/systemTopics/eventSubscriptions")[0]!.properties as { destination: { properties: { endpointUrl: string } } };
    const base = text(appSettingsOf(main).PUBLIC_BASE_URL);
    const problems = checkEventGridWebhook(sub.destination.properties.endpointUrl, { publicBaseUrl: base, systemKey: secrets.eventGridSystemKey, functions: eventGridFunctionNames() });
    expect(problems).toEqual([expect.stringContaining("functionName=aksEvent is not an Event Grid trigger of the app")]);
  });

  it("the webhook checker accepts the app's own convention and names each deviation", () => {
    const expected = { publicBaseUrl: "https://func.example.invalid", systemKey: "k1", functions: eventGridFunctionNames() };
    expect(expected.functions).toContain("aksEvents");
    expect(checkEventGridWebhook("https://func.example.invalid/runtime/webhooks/eventgrid?functionName=aksEvents&code=k1", expected)).toEqual([]);
    expect(checkEventGridWebhook("https://func.example.invalid/api/eventgrid?functionName=aksEvent&code=master", expected)).toEqual([
      "https://func.example.invalid/api/eventgrid?functionName=aksEvent&code=master: path /api/eventgrid, the host serves Event Grid at /runtime/webhooks/eventgrid",
      "https://func.example.invalid/api/eventgrid?functionName=aksEvent&code=master: functionName=aksEvent is not an Event Grid trigger of the app (aksEvents)",
      "https://func.example.invalid/api/eventgrid?functionName=aksEvent&code=master: code is not the eventgrid_extension system key"
    ]);
  });
});

describe("infra contract: roles", () => {
  const groups = (() => {
    // Operation groups of the generated ARM clients the platform builds (shared/azure/arm-clients.ts).
    // `operations` is left out: it is also the store's container, and no code lists provider operations.
    const pkgs = ["arm-containerservice", "arm-monitor", "arm-resources", "arm-network", "arm-eventgrid", "arm-consumption", "arm-authorization", "arm-managementgroups"];
    const names = new Set<string>();
    for (const pkg of pkgs) {
      const dir = path.join(repoRoot, "node_modules", "@azure", pkg);
      const typings = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { types?: string; typings?: string };
      const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
      // TypeSpec clients declare their groups in <name>Client.d.ts, AutoRest ones in one rolled-up typings file.
      const entry = path.join(dir, typings.types ?? typings.typings ?? "dist/index.d.ts");
      for (const file of [entry, ...walk(path.dirname(entry)).filter((f) => /Client\.d\.ts$/.test(f))]) {
        for (const m of fs.readFileSync(file, "utf8").matchAll(/^\s+(?:readonly )?([a-z][A-Za-z]+): ([A-Z][A-Za-z]+);/gm)) names.add(m[1]!);
      }
    }
    names.delete("operations");
    names.delete("pipeline"); // the clients' HTTP pipeline, not an operation group (readAsyncOperation sends through it)
    return [...names];
  })();

  it("every ARM call in the code is listed once in shared/azure/required-permissions.ts, and every listed call is made", () => {
    expect(groups).toEqual(expect.arrayContaining(["managedClusters", "agentPools", "metrics", "systemTopics", "systemTopicEventSubscriptions"]));
    const ports = RequiredPermissions.map((p) => p.call).filter((c) => !c.includes("."));
    const found = armCallsInCode(groups, ports);
    const listed = RequiredPermissions.map((p) => p.call);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...found.keys()].filter((c) => !listed.includes(c)).map((c) => `${c} (${found.get(c)!.join(", ")})`)).toEqual([]);
    expect(listed.filter((c) => !found.has(c))).toEqual([]);
  });

  it("subscription-roles.bicep grants every action those calls need, and its custom role nothing more", () => {
    const roles = evaluateDeployment(template("subscription-roles"), { principalId: "44444444-4444-4444-4444-444444444444" }, { subscriptionId: "66666666-6666-6666-6666-666666666666" });
    const assignments = roles.resources("Microsoft.Authorization/roleAssignments").filter((r) => r.deployed);
    for (const a of assignments) expect((a.properties as { principalId: string }).principalId).toBe("44444444-4444-4444-4444-444444444444");
    const custom = roles.resources("Microsoft.Authorization/roleDefinitions").filter((r) => r.deployed)
      .map((r) => ({ id: r.name, actions: (r.properties as { permissions: { actions: string[] }[] }).permissions.flatMap((p) => p.actions) }));
    expect(custom).toHaveLength(1);
    expect(checkRoles(grantsOf(assignments.map((a) => a.properties as { roleDefinitionId: string }), custom))).toEqual([]);
  });

  it("a missing action or a surplus one in the custom role is caught", () => {
    const roles = evaluateDeployment(template("subscription-roles"), { principalId: "44444444-4444-4444-4444-444444444444" });
    const assignments = roles.resources("Microsoft.Authorization/roleAssignments").map((a) => a.properties as { roleDefinitionId: string });
    const customId = roles.resources("Microsoft.Authorization/roleDefinitions")[0]!.name;
    const custom = (actions: string[]) => [{ id: customId, actions }];
    const full = (roles.resources("Microsoft.Authorization/roleDefinitions")[0]!.properties as { permissions: { actions: string[] }[] }).permissions[0]!.actions;
    const without = full.filter((a) => a !== "Microsoft.EventGrid/systemTopics/write");
    expect(checkRoles(grantsOf(assignments, custom(without)))).toEqual(["Microsoft.EventGrid/systemTopics/write: needed by systemTopics.beginCreateOrUpdateAndWait, granted by no assigned role"]);
    expect(checkRoles(grantsOf(assignments, custom([...full, "Microsoft.Network/loadBalancers/write"])))).toEqual(["Microsoft.Network/loadBalancers/write: in the custom role, but no call in shared/azure/required-permissions.ts needs it"]);
  });
});
