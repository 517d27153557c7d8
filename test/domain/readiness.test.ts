import {
  addressesPerNode, blockedReason, evaluateNodeImageReadiness, evaluateReadiness, failingChecks, isDeprecatedApiBlock, nodeImageReleaseDate, quarantinedNodesOf, surgeNodes, vmSizeQuota,
  type ReadinessCluster, type ReadinessInput
} from "../../shared/domain/readiness";
import { standardCatalog } from "./fixtures/catalog";

const SUBNET = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/snet-nodes";

function cluster(over: Partial<ReadinessCluster> = {}): ReadinessCluster {
  return {
    provisioningState: "Succeeded", powerState: { code: "Running" }, currentKubernetesVersion: "1.31.2",
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
    agentPoolProfiles: [
      { name: "system", mode: "System", count: 3, vmSize: "Standard_D4ds_v5", vnetSubnetID: SUBNET, currentOrchestratorVersion: "1.31.2" },
      { name: "user", mode: "User", count: 10, vmSize: "Standard_D8ds_v5", vnetSubnetID: SUBNET, upgradeSettings: { maxSurge: "33%" }, currentOrchestratorVersion: "1.31.2" },
      { name: "batch", mode: "User", count: 4, vmSize: "Standard_E16-4as_v5", vnetSubnetID: SUBNET, upgradeSettings: { maxSurge: "2" }, currentOrchestratorVersion: "1.31.2" }
    ],
    ...over
  };
}

function input(over: Partial<ReadinessInput> = {}): ReadinessInput {
  return {
    clusterId: "c1", target: "1.32.3", cluster: cluster(), catalog: standardCatalog, allowPreview: false,
    computeUsages: [
      { name: { value: "cores" }, currentValue: 200, limit: 1000 },
      { name: { value: "standardDDSv5Family" }, currentValue: 92, limit: 200 },
      { name: { value: "standardEASv5Family" }, currentValue: 64, limit: 100 }
    ],
    subnetUsages: new Map([[SUBNET.toLowerCase(), { id: SUBNET, currentValue: 17, limit: 251 }]]),
    apiBlocks: [],
    ...over
  };
}

const byId = (r: ReturnType<typeof evaluateReadiness>) => Object.fromEntries(r.checks.map((c) => [c.id, c]));

describe("upgrade readiness (domain)", () => {
  it("reads VM sizes' quota family and vCPUs from their names, constrained sizes at their full count", () => {
    expect(vmSizeQuota("Standard_D4ds_v5")).toEqual({ family: "standardDDSv5Family", vcpus: 4 });
    expect(vmSizeQuota("Standard_DS2_v2")).toEqual({ family: "standardDSv2Family", vcpus: 2 });
    expect(vmSizeQuota("Standard_E16-4as_v5")).toEqual({ family: "standardEASv5Family", vcpus: 16 });
    expect(vmSizeQuota("Standard_B2s")).toEqual({ family: "standardBSFamily", vcpus: 2 });
    expect(vmSizeQuota("big-one")).toBeUndefined();
  });

  it("surge: a count, a percentage rounded up, 10% when unset; at least one, at most the pool", () => {
    expect(surgeNodes({ count: 10, upgradeSettings: { maxSurge: "33%" } })).toBe(4);
    expect(surgeNodes({ count: 3 })).toBe(1);
    expect(surgeNodes({ count: 4, upgradeSettings: { maxSurge: "2" } })).toBe(2);
    expect(surgeNodes({ count: 2, upgradeSettings: { maxSurge: "200%" } })).toBe(2);
  });

  it("a node takes maxPods more addresses with Azure CNI without overlay or pod subnet", () => {
    const pool = { name: "p", maxPods: 50 };
    expect(addressesPerNode({ networkProfile: { networkPlugin: "azure" } }, pool)).toBe(51);
    expect(addressesPerNode({ networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" } }, pool)).toBe(1);
    expect(addressesPerNode({ networkProfile: { networkPlugin: "azure" } }, { ...pool, podSubnetID: `${SUBNET}-pods` })).toBe(1);
    expect(addressesPerNode({ networkProfile: { networkPlugin: "kubenet" } }, pool)).toBe(1);
  });

  it("a healthy 3-pool cluster passes, the largest surge per family counted (pools upgrade one at a time)", () => {
    const r = byId(evaluateReadiness(input()));
    expect(Object.values(r).map((c) => c.status)).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(r["vcpu-quota"]?.evidence).toBe(
      "surge needs 32 vCPU of standardDDSv5Family (pool user: 4 node(s) × 8 vCPU), 108 free (limit 200, used 92); " +
      "surge needs 32 vCPU of standardEASv5Family (pool batch: 2 node(s) × 16 vCPU), 36 free (limit 100, used 64); " +
      "regional vCPUs: surge needs up to 32, 800 free (limit 1000, used 200)");
    expect(r["subnet-addresses"]?.evidence).toBe("subnet vnet-a/snet-nodes: surge needs 4 address(es) (pool user: 4 node(s) × 1), 234 free (251 usable, 17 used)");
  });

  it("fails quota naming the family and numbers, and a small subnet naming it", () => {
    const r = byId(evaluateReadiness(input({
      computeUsages: [{ name: { value: "cores" }, currentValue: 200, limit: 1000 }, { name: { value: "standardDDSv5Family" }, currentValue: 196, limit: 200 }, { name: { value: "standardEASv5Family" }, currentValue: 0, limit: 100 }],
      subnetUsages: new Map([[SUBNET.toLowerCase(), { id: SUBNET, currentValue: 249, limit: 251 }]])
    })));
    expect(r["vcpu-quota"]).toMatchObject({ status: "fail" });
    expect(r["vcpu-quota"]?.evidence.startsWith("surge needs 32 vCPU of standardDDSv5Family (pool user: 4 node(s) × 8 vCPU), 4 free (limit 200, used 196)")).toBe(true);
    expect(r["subnet-addresses"]).toEqual({ id: "subnet-addresses", status: "fail", evidence: "subnet vnet-a/snet-nodes: surge needs 4 address(es) (pool user: 4 node(s) × 1), 2 free (251 usable, 249 used)" });
  });

  it("a stopped or failed cluster fails; a family the usages do not list warns", () => {
    const r = byId(evaluateReadiness(input({ cluster: cluster({ powerState: { code: "Stopped" }, provisioningState: "Failed" }), computeUsages: [] })));
    expect(r["cluster-state"]).toEqual({ id: "cluster-state", status: "fail", evidence: "provisioningState Failed, powerState Stopped (an upgrade needs Succeeded and Running)" });
    expect(r["vcpu-quota"]?.status).toBe("warn");
  });

  it("a deprecated-API block recorded for a minor the target reaches warns with the APIs AKS named; one for another minor does not", () => {
    const message = "Control Plane upgrade is blocked due to recent usage of a Kubernetes API deprecated in the specified version. ... Usage details: 1 error occurred:\n\t* usage has been detected on API flowcontrol.apiserver.k8s.io.prioritylevelconfigurations.v1beta1, and was recently seen at: 2023-03-23 20:57:18 +0000 UTC, which will be removed in 1.32\n\n";
    const block = { operationId: "op1", target: "1.32.0", at: "2026-11-02T08:00:00.000Z", message };
    expect(byId(evaluateReadiness(input({ apiBlocks: [block] })))["deprecated-apis"]).toEqual({
      id: "deprecated-apis", status: "warn",
      evidence: "AKS blocked the upgrade to 1.32.0 at 2026-11-02T08:00:00.000Z (operation op1, UpgradeBlockedOnDeprecatedAPIUsage): flowcontrol.apiserver.k8s.io.prioritylevelconfigurations.v1beta1 (removed in 1.32, last seen 2023-03-23 20:57:18 +0000 UTC)"
    });
    expect(byId(evaluateReadiness(input({ target: "1.31.2", apiBlocks: [block] })))["deprecated-apis"]?.status).toBe("pass");
  });

  it("a target the region does not offer, or cannot be planned to, fails", () => {
    expect(byId(evaluateReadiness(input({ target: "1.32.9" })))["target-version"]).toEqual({ id: "target-version", status: "fail", evidence: "1.32.9 is not offered in the region (1.32 patches listed: 1.32.0, 1.32.3)" });
    expect(byId(evaluateReadiness(input({ target: "1.33.0" })))["target-version"]?.status).toBe("fail");
  });

  it("a running cluster with an operation in progress warns (the step waits for it) rather than failing", () => {
    const r = byId(evaluateReadiness(input({ cluster: cluster({ provisioningState: "Updating" }) })));
    expect(r["cluster-state"]).toEqual({ id: "cluster-state", status: "warn", evidence: "provisioningState Updating, powerState Running (an operation is in progress: the upgrade's first step waits for it)" });
  });

  it("node images: the release date from Linux and Windows versions; past 90 days warns, never fails; the check needs the activity's time", () => {
    expect(nodeImageReleaseDate("AKSUbuntu-2204gen2containerd-202610.26.0")?.toISOString()).toBe("2026-10-26T00:00:00.000Z");
    expect(nodeImageReleaseDate("AKSWindows-2022-containerd-20348.2113.231115")?.toISOString()).toBe("2023-11-15T00:00:00.000Z");
    expect(nodeImageReleaseDate("custom")).toBeUndefined();
    const pools = (version: string) => cluster().agentPoolProfiles!.map((p) => ({ ...p, nodeImageVersion: version }));
    expect(byId(evaluateReadiness(input({ cluster: cluster({ agentPoolProfiles: pools("AKSUbuntu-2204gen2containerd-202610.26.0") }), now: "2026-11-02T08:00:00Z" })))["node-image-age"])
      .toEqual({ id: "node-image-age", status: "pass", evidence: "oldest node image AKSUbuntu-2204gen2containerd-202610.26.0 (pool system) is 7 days old, within the 90-day window" });
    const old = byId(evaluateReadiness(input({ cluster: cluster({ agentPoolProfiles: pools("AKSUbuntu-2204gen2containerd-202607.01.0") }), now: "2026-11-02T08:00:00Z" })))["node-image-age"];
    expect(old?.status).toBe("warn");
    expect(old?.evidence).toContain("pool system: AKSUbuntu-2204gen2containerd-202607.01.0 is 124 days old");
    expect(evaluateReadiness(input()).checks.map((c) => c.id)).not.toContain("node-image-age");
  });

  it("a node-image report judges state, surge vCPUs and addresses, and image age", () => {
    const report = evaluateNodeImageReadiness({ clusterId: "c1", target: "AKSUbuntu-2204gen2containerd-202611.02.0", cluster: cluster(), computeUsages: input().computeUsages, subnetUsages: input().subnetUsages, now: "2026-11-02T08:00:00Z" });
    expect(report.checks.map((c) => c.id)).toEqual(["cluster-state", "vcpu-quota", "subnet-addresses", "node-image-age"]);
    expect(failingChecks(report)).toEqual([]);
  });

  it("what blocks: the failing checks, named with their evidence", () => {
    const report = evaluateReadiness(input({ subnetUsages: new Map([[SUBNET.toLowerCase(), { id: SUBNET, currentValue: 250, limit: 251 }]]) }));
    expect(failingChecks(report).map((c) => c.id)).toEqual(["subnet-addresses"]);
    expect(blockedReason(failingChecks(report))).toBe("subnet-addresses: subnet vnet-a/snet-nodes: surge needs 4 address(es) (pool user: 4 node(s) × 1), 1 free (251 usable, 250 used)");
  });

  it("AKS's answers: its deprecated-API block, and the nodes a Cordon upgrade left quarantined", () => {
    expect(isDeprecatedApiBlock({ code: "ValidationError", message: "Control Plane upgrade is blocked due to recent usage of a Kubernetes API deprecated in the specified version." })).toBe(true);
    expect(isDeprecatedApiBlock({ code: "UpgradeFailed", message: "Drain node failed" })).toBe(false);
    const cordon = { code: "UpgradeFailed", message: "Upgrade of agent pool user completed with 2 blocked node(s) ...: aks-user-12345678-vmss000000, aks-user-12345678-vmss000001. The blocked nodes are cordoned and labelled kubernetes.azure.com/upgrade-status=Quarantined" };
    expect(quarantinedNodesOf(cordon)).toEqual(["aks-user-12345678-vmss000000", "aks-user-12345678-vmss000001"]);
    expect(quarantinedNodesOf({ code: "UpgradeCanceled", message: cordon.message })).toEqual([]);
    expect(quarantinedNodesOf({ code: "UpgradeFailed", message: "Drain node aks-user-12345678-vmss000000 failed when evicting pod" })).toEqual([]);
  });
});
