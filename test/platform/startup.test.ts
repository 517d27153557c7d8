import { advance, api, operation, startHarness, type Harness } from "./support";
import type { OperationRecord } from "../../shared/store";

describe("local platform", () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h.stop(); });

  it("adopts the demo fleet on first start: auto-upgrade off through ARM, Event Grid subscribed", async () => {
    expect(h.platform.adoptions.map((a) => a.clusterId).sort()).toEqual(["aks-dev", "aks-prod", "aks-staging"]);
    await advance(h, 10 * 60_000);
    for (const a of h.platform.adoptions) {
      const op: OperationRecord = await operation(h, a.operationId);
      expect({ id: a.clusterId, status: op.status, steps: op.steps.map((s) => s.status) }).toEqual({ id: a.clusterId, status: "Succeeded", steps: ["Succeeded", "Succeeded", "Succeeded", "Succeeded"] });
    }
    const cluster = await h.aks.managedClusters.get("rg-aks-prod", "aks-prod");
    expect(cluster.autoUpgradeProfile).toMatchObject({ upgradeChannel: "none", nodeOSUpgradeChannel: "None" });
    const listed = await api<{ value: { id: string }[] }>(h, "GET", "/clusters");
    expect(listed.body.value.map((c) => c.id)).toEqual(["aks-dev", "aks-prod", "aks-staging"]);
  });
});
