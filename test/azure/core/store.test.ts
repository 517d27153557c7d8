/**
 * The simulator's resource store answers `list` from its type and top-level-resource indexes
 * exactly as a scan of every resource would: same resources, same (insertion) order, after
 * updates, deletes, tree deletes and a restore; and it tells listeners where each write happened.
 */
import { VirtualClock } from "../../../local/clock";
import { ResourceStore, type ListFilter } from "../../../local/azure/kernel/store";

const RG = "/subscriptions/s1/resourceGroups/rg-a";
const cluster = (n: number) => `${RG}/providers/Microsoft.ContainerService/managedClusters/aks-${n}`;

function scan(store: ResourceStore, filter: ListFilter): string[] {
  const prefix = filter.prefix ? `${filter.prefix.toLowerCase()}/` : undefined;
  return store.snapshot()
    .filter((r) => (!prefix || r.id.toLowerCase().startsWith(prefix)) && (!filter.type || r.type.toLowerCase() === filter.type.toLowerCase()))
    .map((r) => r.id);
}

describe("simulator resource store indexes", () => {
  const store = new ResourceStore(new VirtualClock("2026-01-01T00:00:00Z"));
  const put = (id: string) => store.put(id, store.envelope(id, { properties: {} }));
  const filters: ListFilter[] = [
    {},
    { type: "Microsoft.ContainerService/managedClusters" },
    { type: "microsoft.containerservice/managedclusters/agentpools" },
    { prefix: cluster(1) },
    { prefix: cluster(1).toUpperCase(), type: "Microsoft.ContainerService/managedClusters/agentPools" },
    { prefix: `${cluster(2)}/agentPools` },
    { prefix: RG },
    { prefix: `${RG}/providers` },
    { prefix: "/subscriptions/s1", type: "Microsoft.Insights/diagnosticSettings" },
    { prefix: cluster(9) }
  ];
  const same = () => { for (const f of filters) expect([f, store.list(f).map((r) => r.id)]).toEqual([f, scan(store, f)]); };

  it("lists what a full scan lists, in the same order, through writes, deletes and a restore", () => {
    put(RG);
    for (const n of [1, 2, 3]) {
      put(cluster(n));
      put(`${cluster(n)}/agentPools/system`);
      put(`${cluster(n)}/agentPools/user`);
      put(`${cluster(n)}/providers/Microsoft.Insights/diagnosticSettings/logs`);
    }
    put(`${RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes`);
    same();
    expect(store.list({ prefix: cluster(1), type: "Microsoft.ContainerService/managedClusters/agentPools" }).map((r) => r.name)).toEqual(["system", "user"]);
    put(`${cluster(1)}/agentPools/system`); // an update keeps its place
    store.delete(`${cluster(2)}/agentPools/system`);
    put(`${cluster(2)}/agentPools/system`); // a re-create goes last
    same();
    expect(store.deleteTree(cluster(3))).toBe(4);
    same();
    const copy = new ResourceStore(new VirtualClock("2026-01-01T00:00:00Z"));
    copy.restore(store.snapshot());
    for (const f of filters) expect(copy.list(f).map((r) => r.id)).toEqual(scan(store, f));
  });

  it("tells its listeners the top-level resource of every write and delete, and that a restore may have changed anything", () => {
    const fresh = new ResourceStore(new VirtualClock("2026-01-01T00:00:00Z"));
    const seen: (string | undefined)[] = [];
    const stop = fresh.onTouch((top) => seen.push(top));
    fresh.put(cluster(4), fresh.envelope(cluster(4), { properties: {} }));
    fresh.put(`${cluster(4)}/agentPools/user/`, fresh.envelope(`${cluster(4)}/agentPools/user`, { properties: {} }));
    fresh.delete(`${cluster(4).toUpperCase()}/agentPools/user`);
    fresh.restore([]);
    stop();
    fresh.put(cluster(5), fresh.envelope(cluster(5), { properties: {} }));
    expect(seen).toEqual([cluster(4).toLowerCase(), cluster(4).toLowerCase(), cluster(4).toLowerCase(), undefined]);
  });
});
