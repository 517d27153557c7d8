import { ContainerServiceClient, type ManagedCluster } from "@azure/arm-containerservice";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { SimFixture } from "../core/sim-fixture";
import { SUBSCRIPTION } from "../core/sim-fixture";

export function aksClient(f: SimFixture): ContainerServiceClient {
  return new ContainerServiceClient(f.credential, SUBSCRIPTION, f.clientOptions);
}

export async function createResourceGroup(f: SimFixture, name: string): Promise<void> {
  const rm = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
  await rm.resourceGroups.createOrUpdate(name, { location: "westeurope" });
}

export function clusterSpec(version: string, pools: { name: string; count: number; mode?: "System" | "User"; maxSurge?: string }[] = [
  { name: "system", count: 3, mode: "System" },
  { name: "user", count: 2, mode: "User" }
]): ManagedCluster {
  return {
    location: "westeurope",
    kubernetesVersion: version,
    dnsPrefix: "test",
    agentPoolProfiles: pools.map((p) => ({
      name: p.name, count: p.count, mode: p.mode ?? "User", vmSize: "Standard_D4ds_v5", osType: "Linux",
      ...(p.maxSurge ? { upgradeSettings: { maxSurge: p.maxSurge } } : {})
    }))
  };
}

/** Creates a cluster and completes its creation on the virtual clock (polling by hand: the SDK sleeps on wall time). */
export async function createCluster(f: SimFixture, rg: string, name: string, spec: ManagedCluster): Promise<ManagedCluster> {
  const client = aksClient(f);
  const poller = await client.managedClusters.beginCreateOrUpdate(rg, name, spec, { updateIntervalInMs: 0 });
  await f.clock.advance(60 * 60_000);
  return poller.pollUntilDone();
}
