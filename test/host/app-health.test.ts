import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { VirtualClock } from "../../local/clock";
import { startHost } from "../../local/host/index";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

/** Well-formed Azure-mode settings: the app validates them at start but contacts nothing to answer /api/health. */
const settings = {
  AKSOPS_MODE: "azure",
  AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001",
  COSMOS_ENDPOINT: "https://aksops.documents.azure.com",
  TEAMS_WEBHOOK_URL: "https://example.webhook.office.com/webhookb2/x",
  APPROVAL_SIGNING_KEY: "k".repeat(48),
  PUBLIC_BASE_URL: "https://aksops.azurewebsites.net"
};

describe("this app on the local host", () => {
  it("answers GET /api/health, registered from functions/index.ts", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aksops-app-"));
    const host = await startHost({ appDir: repoRoot, clock: new VirtualClock(), dataDir, settings, extensions: [], logger: () => undefined });
    try {
      expect(host.functions.get("health")?.trigger).toMatchObject({ type: "httpTrigger", route: "health", methods: ["GET"], authLevel: "anonymous" });
      const res = await fetch(`${host.baseUrl}/api/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ok" });
    } finally {
      await host.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses to start with missing settings, naming each one", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aksops-app-"));
    try {
      await expect(startHost({ appDir: repoRoot, clock: new VirtualClock(), dataDir, settings: { AKSOPS_MODE: "azure" }, extensions: [], logger: () => undefined }))
        .rejects.toThrow(/AZURE_SUBSCRIPTION_ID[\s\S]*COSMOS_ENDPOINT[\s\S]*TEAMS_WEBHOOK_URL[\s\S]*APPROVAL_SIGNING_KEY[\s\S]*PUBLIC_BASE_URL/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
