import { mkdtempSync, existsSync, readFileSync, rmSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { RealClock } from "../../../local/clock";
import { startAzureSimulator, STATE_FILE } from "../../../local/azure";
import { staticCredential, SUBSCRIPTION } from "./sim-fixture";

describe("simulator on the real clock (as npm start runs it)", () => {
  it("serves the demo fleet, completes a compressed node-image upgrade on wall time and saves its state on stop", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "aksops-real-"));
    // 1/10,000 of AKS's durations: a 3-node pool rolls in a few tens of milliseconds.
    const sim = await startAzureSimulator({ clock: new RealClock(), dataDir, seed: "demo", durationScale: 0.0001 });
    const agent = new Agent({ ca: readFileSync(sim.caPath, "utf8") });
    try {
      const client = new ContainerServiceClient(staticCredential, SUBSCRIPTION, {
        endpoint: sim.baseUrl, additionalPolicies: [{ policy: agentPolicy(agent), position: "perCall" }]
      });
      await client.agentPools.beginUpgradeNodeImageVersionAndWait("rg-aks-prod", "aks-prod", "system", { updateIntervalInMs: 20 });
      const pool = await client.agentPools.get("rg-aks-prod", "aks-prod", "system");
      expect(pool.provisioningState).toBe("Succeeded");
      expect(sim.kernel.events.ofType("Microsoft.ContainerService.NodePoolRollingSucceeded").map((e) => e.subject)).toEqual(["aks-prod"]);
    } finally {
      await sim.stop();
      agent.destroy();
    }
    expect(existsSync(join(dataDir, STATE_FILE))).toBe(true);
    const saved = JSON.parse(readFileSync(join(dataDir, STATE_FILE), "utf8")) as { resources: { id: string }[] };
    expect(saved.resources.filter((r) => /managedClusters\/[^/]+$/.test(r.id))).toHaveLength(3);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
