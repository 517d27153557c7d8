import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../../shared/config";

const SIGNING_KEY = "k".repeat(32);
const EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

function azureEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001",
    COSMOS_ENDPOINT: "https://aksops.documents.azure.com:443/",
    TEAMS_WEBHOOK_URL: "https://contoso.webhook.office.com/webhookb2/abc",
    APPROVAL_SIGNING_KEY: SIGNING_KEY,
    PUBLIC_BASE_URL: "https://aksops.azurewebsites.net/",
    ...overrides
  };
}

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("loadConfig accepted the settings");
}

describe("loadConfig", () => {
  let dir: string;
  let caPath: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "aksops-config-"));
    caPath = join(dir, "local-ca.pem");
    writeFileSync(caPath, "-----BEGIN CERTIFICATE-----\n");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads Azure settings with the documented defaults, trailing slashes trimmed", () => {
    const config = loadConfig(azureEnv());
    expect(config).toEqual({
      mode: "azure",
      subscriptionId: "00000000-0000-0000-0000-000000000001",
      managedSubscriptions: { kind: "list", subscriptionIds: ["00000000-0000-0000-0000-000000000001"] },
      armEndpoint: "https://management.azure.com",
      cosmos: { endpoint: "https://aksops.documents.azure.com:443", database: "aksops" },
      teamsWebhookUrl: "https://contoso.webhook.office.com/webhookb2/abc",
      approvalSigningKey: SIGNING_KEY,
      publicBaseUrl: "https://aksops.azurewebsites.net",
      monitorLogsEndpoint: "https://api.loganalytics.io",
      monitorMetricsEndpoint: "https://{region}.metrics.monitor.azure.com",
      operationPolling: { firstIntervalMs: 30_000, maxIntervalMs: 300_000, healthSettleMs: 300_000 },
      governanceSweepOnStartup: true,
      events: { leaseMs: 60_000, reviewWindowMs: 30_000 }
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.operationPolling)).toBe(true);
  });

  it("reads local settings: key, CA path, simulator endpoints", () => {
    const config = loadConfig({
      AKSOPS_MODE: "local",
      AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001",
      ARM_ENDPOINT: "https://127.0.0.1:8443",
      MONITOR_METRICS_ENDPOINT: "https://127.0.0.1:8443/_metrics/{region}/",
      COSMOS_ENDPOINT: "https://127.0.0.1:8081/",
      COSMOS_DATABASE: "aksops-test",
      COSMOS_KEY: EMULATOR_KEY,
      AKSOPS_LOCAL_CA_PATH: caPath,
      TEAMS_WEBHOOK_URL: "https://127.0.0.1:8443/_sim/teams/ops",
      APPROVAL_SIGNING_KEY: SIGNING_KEY,
      PUBLIC_BASE_URL: "http://localhost:7071"
    });
    expect(config).toMatchObject({
      mode: "local",
      armEndpoint: "https://127.0.0.1:8443",
      monitorMetricsEndpoint: "https://127.0.0.1:8443/_metrics/{region}",
      cosmos: { endpoint: "https://127.0.0.1:8081", database: "aksops-test", key: EMULATOR_KEY },
      localCaPath: caPath,
      publicBaseUrl: "http://localhost:7071"
    });
  });

  it("names every missing required setting at once", () => {
    const err = configError({});
    expect(err.settings).toEqual(["AZURE_SUBSCRIPTION_ID", "COSMOS_ENDPOINT", "TEAMS_WEBHOOK_URL", "APPROVAL_SIGNING_KEY", "PUBLIC_BASE_URL"]);
    expect(err.message).toContain("AZURE_SUBSCRIPTION_ID: is required but not set");
    expect(err.name).toBe("ConfigError");
  });

  it("treats blank values as missing (App Service turns unset into empty)", () => {
    expect(configError(azureEnv({ COSMOS_ENDPOINT: "  " })).settings).toEqual(["COSMOS_ENDPOINT"]);
  });

  it("names every malformed setting with what is wrong, and never echoes a secret", () => {
    const err = configError(
      azureEnv({
        AZURE_SUBSCRIPTION_ID: "not-a-guid",
        ARM_ENDPOINT: "http://management.azure.com",
        COSMOS_ENDPOINT: "aksops.documents.azure.com",
        TEAMS_WEBHOOK_URL: "http://contoso.webhook.office.com/x",
        APPROVAL_SIGNING_KEY: "short-secret-value",
        PUBLIC_BASE_URL: "ftp://example.com",
        COSMOS_KEY: "not base64!",
        AZURE_CLIENT_ID: "nope",
        AKSOPS_MODE: "cloud",
        MONITOR_LOGS_ENDPOINT: "https://api.loganalytics.io/?x=1"
      })
    );
    expect(new Set(err.settings)).toEqual(
      new Set([
        "AKSOPS_MODE",
        "AZURE_SUBSCRIPTION_ID",
        "ARM_ENDPOINT",
        "COSMOS_ENDPOINT",
        "COSMOS_KEY",
        "TEAMS_WEBHOOK_URL",
        "APPROVAL_SIGNING_KEY",
        "PUBLIC_BASE_URL",
        "MONITOR_LOGS_ENDPOINT",
        "AZURE_CLIENT_ID"
      ])
    );
    const problem = (name: string) => err.problems.find((p) => p.setting === name)?.problem;
    expect(problem("AZURE_SUBSCRIPTION_ID")).toMatch(/GUID/);
    expect(problem("ARM_ENDPOINT")).toMatch(/https/);
    expect(problem("COSMOS_ENDPOINT")).toMatch(/absolute URL/);
    expect(problem("APPROVAL_SIGNING_KEY")).toMatch(/at least 32 characters/);
    expect(problem("AKSOPS_MODE")).toMatch(/local, azure/);
    expect(err.message).not.toContain("short-secret-value");
  });

  it("local mode requires the Cosmos key, the metrics endpoint and an existing CA file", () => {
    const err = configError(azureEnv({ AKSOPS_MODE: "local", AKSOPS_LOCAL_CA_PATH: join(dir, "missing.pem") }));
    expect(err.settings).toEqual(["COSMOS_KEY", "MONITOR_METRICS_ENDPOINT", "AKSOPS_LOCAL_CA_PATH"]);
    expect(err.problems[1]?.problem).toMatch(/required when AKSOPS_MODE=local/);
    expect(err.problems[2]?.problem).toMatch(/existing file/);
  });

  it("reads the metrics data plane as a template with {region}, https only", () => {
    expect(loadConfig(azureEnv({ MONITOR_METRICS_ENDPOINT: "https://{region}.metrics.monitor.azure.cn/" })).monitorMetricsEndpoint)
      .toBe("https://{region}.metrics.monitor.azure.cn");
    const problem = (value: string) => configError(azureEnv({ MONITOR_METRICS_ENDPOINT: value })).problems.map((p) => `${p.setting}: ${p.problem}`);
    expect(problem("https://eastus.metrics.monitor.azure.com")).toEqual([expect.stringMatching(/^MONITOR_METRICS_ENDPOINT: must contain \{region\}/)]);
    expect(problem("http://{region}.metrics.monitor.azure.com")).toEqual(["MONITOR_METRICS_ENDPOINT: must use https, not http"]);
    expect(problem("{region}")).toEqual(["MONITOR_METRICS_ENDPOINT: must be an absolute https URL once {region} is filled in"]);
    expect(problem("https://{region}.metrics.monitor.azure.com/?a=1")).toEqual(["MONITOR_METRICS_ENDPOINT: must not carry a query string or fragment"]);
  });

  it("refuses a local CA in Azure mode, and a Cosmos key that decodes too short", () => {
    const err = configError(azureEnv({ AKSOPS_LOCAL_CA_PATH: caPath, COSMOS_KEY: "c2hvcnQ=" }));
    expect(err.settings).toEqual(["COSMOS_KEY", "AKSOPS_LOCAL_CA_PATH"]);
    expect(err.problems[1]?.problem).toMatch(/only allowed when AKSOPS_MODE=local/);
  });

  it("accepts a user-assigned identity's client id and rejects a bad database name", () => {
    expect(loadConfig(azureEnv({ AZURE_CLIENT_ID: "11111111-2222-3333-4444-555555555555" })).managedIdentityClientId).toBe(
      "11111111-2222-3333-4444-555555555555"
    );
    expect(configError(azureEnv({ COSMOS_DATABASE: "a/b" })).settings).toEqual(["COSMOS_DATABASE"]);
  });

  it("reads the operation poll intervals in whole seconds", () => {
    expect(loadConfig(azureEnv({ OPERATION_POLL_INTERVAL_SECONDS: "1", OPERATION_POLL_MAX_INTERVAL_SECONDS: "6" })).operationPolling)
      .toEqual({ firstIntervalMs: 1000, maxIntervalMs: 6000, healthSettleMs: 300_000 });
    expect(loadConfig(azureEnv({ OPERATION_POLL_INTERVAL_SECONDS: " 45 " })).operationPolling).toEqual({ firstIntervalMs: 45_000, maxIntervalMs: 300_000, healthSettleMs: 300_000 });
    // An unset cap never ends below a first interval set above the default cap.
    expect(loadConfig(azureEnv({ OPERATION_POLL_INTERVAL_SECONDS: "600" })).operationPolling).toEqual({ firstIntervalMs: 600_000, maxIntervalMs: 600_000, healthSettleMs: 300_000 });
  });

  it("names a malformed poll interval, and a cap below the first interval", () => {
    for (const bad of ["0", "-5", "1.5", "30s", "3601"]) {
      const err = configError(azureEnv({ OPERATION_POLL_INTERVAL_SECONDS: bad }));
      expect(err.settings).toEqual(["OPERATION_POLL_INTERVAL_SECONDS"]);
      expect(err.problems[0]?.problem).toBe(`must be a whole number from 1 to 3600 (got "${bad}")`);
    }
    expect(configError(azureEnv({ OPERATION_POLL_MAX_INTERVAL_SECONDS: "never" })).settings).toEqual(["OPERATION_POLL_MAX_INTERVAL_SECONDS"]);
    const below = configError(azureEnv({ OPERATION_POLL_INTERVAL_SECONDS: "60", OPERATION_POLL_MAX_INTERVAL_SECONDS: "10" }));
    expect(below.settings).toEqual(["OPERATION_POLL_MAX_INTERVAL_SECONDS"]);
    expect(below.problems[0]?.problem).toBe("must not be below OPERATION_POLL_INTERVAL_SECONDS (10 < 60)");
  });

  it("still reads the deprecated UPGRADE_POLL_* names, naming them in problems; the new name wins and may not disagree", () => {
    expect(loadConfig(azureEnv({ UPGRADE_POLL_INTERVAL_SECONDS: "1", UPGRADE_POLL_MAX_INTERVAL_SECONDS: "6" })).operationPolling)
      .toEqual({ firstIntervalMs: 1000, maxIntervalMs: 6000, healthSettleMs: 300_000 });
    expect(configError(azureEnv({ UPGRADE_POLL_INTERVAL_SECONDS: "30s" })).settings).toEqual(["UPGRADE_POLL_INTERVAL_SECONDS"]);
    expect(loadConfig(azureEnv({ OPERATION_POLL_INTERVAL_SECONDS: "2", UPGRADE_POLL_INTERVAL_SECONDS: "2" })).operationPolling.firstIntervalMs).toBe(2000);
    const both = configError(azureEnv({ OPERATION_POLL_INTERVAL_SECONDS: "2", UPGRADE_POLL_INTERVAL_SECONDS: "5" }));
    expect(both.settings).toEqual(["UPGRADE_POLL_INTERVAL_SECONDS"]);
    expect(both.problems[0]?.problem).toBe("is the deprecated name of OPERATION_POLL_INTERVAL_SECONDS, which is set to another value: remove it");
  });

  it("reads the event lease and the governance review window in whole seconds, and names a malformed one", () => {
    expect(loadConfig(azureEnv({ EVENT_LEASE_SECONDS: "5", GOVERNANCE_REVIEW_WINDOW_SECONDS: "0" })).events).toEqual({ leaseMs: 5000, reviewWindowMs: 0 });
    for (const bad of ["0", "-1", "1.5", "3601", "soon"]) expect(configError(azureEnv({ EVENT_LEASE_SECONDS: bad })).settings).toEqual(["EVENT_LEASE_SECONDS"]);
    for (const bad of ["-1", "2.5", "3601"]) expect(configError(azureEnv({ GOVERNANCE_REVIEW_WINDOW_SECONDS: bad })).settings).toEqual(["GOVERNANCE_REVIEW_WINDOW_SECONDS"]);
  });

  it("reads GOVERNANCE_SWEEP_ON_STARTUP as true or false (default true), and names anything else", () => {
    expect(loadConfig(azureEnv({})).governanceSweepOnStartup).toBe(true);
    expect(loadConfig(azureEnv({ GOVERNANCE_SWEEP_ON_STARTUP: "False" })).governanceSweepOnStartup).toBe(false);
    expect(loadConfig(azureEnv({ GOVERNANCE_SWEEP_ON_STARTUP: "true" })).governanceSweepOnStartup).toBe(true);
    for (const bad of ["0", "no", "yes please"]) expect(configError(azureEnv({ GOVERNANCE_SWEEP_ON_STARTUP: bad })).settings).toEqual(["GOVERNANCE_SWEEP_ON_STARTUP"]);
  });

  it("reads process.env by default", () => {
    const saved = { ...process.env };
    try {
      delete process.env.AKSOPS_LOCAL_CA_PATH;
      Object.assign(process.env, azureEnv({ AKSOPS_MODE: "azure", COSMOS_DATABASE: "from-process-env" }));
      expect(loadConfig().cosmos.database).toBe("from-process-env");
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
