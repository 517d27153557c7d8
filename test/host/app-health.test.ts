import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { VirtualClock } from "../../local/clock";
import { startHost } from "../../local/host/index";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

describe("this app on the local host", () => {
  it("answers GET /api/health, registered from functions/index.ts", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aksops-app-"));
    const host = await startHost({ appDir: repoRoot, clock: new VirtualClock(), dataDir, extensions: [], logger: () => undefined });
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
});
