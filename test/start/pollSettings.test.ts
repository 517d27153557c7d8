/**
 * `npm start` shrinks the upgrade poll intervals with the simulator's duration scale (so a step
 * that takes seconds is noticed within seconds), unless the environment sets them; whatever it
 * produces must pass the app's own settings validation.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { VirtualClock } from "../../local/clock";
import { startHost } from "../../local/host";
import { loadConfig } from "../../shared/config";
import { scaledPollSettings } from "../../local/start";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

const appSettings = {
  AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001",
  COSMOS_ENDPOINT: "https://aksops.documents.azure.com",
  TEAMS_WEBHOOK_URL: "https://contoso.webhook.office.com/webhookb2/abc",
  APPROVAL_SIGNING_KEY: "k".repeat(32),
  PUBLIC_BASE_URL: "https://aksops.azurewebsites.net"
};

describe("scaledPollSettings", () => {
  it("scales 30 s and 300 s by the duration scale, at least 1 s and 5 s", () => {
    expect(scaledPollSettings(0.02, {})).toEqual({ OPERATION_POLL_INTERVAL_SECONDS: "1", OPERATION_POLL_MAX_INTERVAL_SECONDS: "6", HEALTH_SETTLE_SECONDS: "6" });
    expect(scaledPollSettings(0.001, {})).toEqual({ OPERATION_POLL_INTERVAL_SECONDS: "1", OPERATION_POLL_MAX_INTERVAL_SECONDS: "5", HEALTH_SETTLE_SECONDS: "0" });
    expect(scaledPollSettings(1, {})).toEqual({ OPERATION_POLL_INTERVAL_SECONDS: "30", OPERATION_POLL_MAX_INTERVAL_SECONDS: "300", HEALTH_SETTLE_SECONDS: "300" });
  });

  it("leaves what the environment sets to it, and keeps the cap at or above a first interval set by hand", () => {
    expect(scaledPollSettings(0.02, { OPERATION_POLL_INTERVAL_SECONDS: "10", HEALTH_SETTLE_SECONDS: "0" })).toEqual({ OPERATION_POLL_MAX_INTERVAL_SECONDS: "10" });
    expect(scaledPollSettings(0.02, { OPERATION_POLL_MAX_INTERVAL_SECONDS: "60", HEALTH_SETTLE_SECONDS: "0" })).toEqual({ OPERATION_POLL_INTERVAL_SECONDS: "1" });
    expect(scaledPollSettings(0.02, { OPERATION_POLL_INTERVAL_SECONDS: "2", OPERATION_POLL_MAX_INTERVAL_SECONDS: "4", HEALTH_SETTLE_SECONDS: "3" })).toEqual({});
    // Set under the deprecated names (UPGRADE_POLL_*), they count as set.
    expect(scaledPollSettings(0.02, { UPGRADE_POLL_INTERVAL_SECONDS: "2", UPGRADE_POLL_MAX_INTERVAL_SECONDS: "4", HEALTH_SETTLE_SECONDS: "3" })).toEqual({});
  });

  it("produces settings the app accepts", () => {
    for (const scale of [0.001, 0.02, 0.5, 1, 20, 1000]) {
      const polling = loadConfig({ ...appSettings, ...scaledPollSettings(scale, {}) }).operationPolling;
      expect(polling.maxIntervalMs).toBeGreaterThanOrEqual(polling.firstIntervalMs);
    }
  });
});

describe("the app with poll settings", () => {
  // Under the deprecated names (UPGRADE_POLL_*, still read): the problem names what the operator wrote.
  it("refuses to start with a malformed poll interval or a cap below it, naming each", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aksops-poll-"));
    try {
      const settings = { AKSOPS_MODE: "azure", ...appSettings, UPGRADE_POLL_INTERVAL_SECONDS: "30s" };
      await expect(startHost({ appDir: repoRoot, clock: new VirtualClock(), dataDir, settings, extensions: [], logger: () => undefined }))
        .rejects.toThrow(/UPGRADE_POLL_INTERVAL_SECONDS: must be a whole number from 1 to 3600 \(got "30s"\)/);
      const below = { AKSOPS_MODE: "azure", ...appSettings, UPGRADE_POLL_INTERVAL_SECONDS: "60", UPGRADE_POLL_MAX_INTERVAL_SECONDS: "10" };
      await expect(startHost({ appDir: repoRoot, clock: new VirtualClock(), dataDir, settings: below, extensions: [], logger: () => undefined }))
        .rejects.toThrow(/UPGRADE_POLL_MAX_INTERVAL_SECONDS: must not be below UPGRADE_POLL_INTERVAL_SECONDS \(10 < 60\)/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
