import { parseArmResourceId, parseManagedClusterId } from "../../shared/domain/armResourceId";

const SUB = "00000000-0000-0000-0000-000000000001";
const cluster = (rg: string, name: string): string => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;

describe("strict ARM resource ids", () => {
  it("parses managed cluster ids in any case, as ARM does", () => {
    expect(parseManagedClusterId(cluster("rg-aks-dev", "aks-dev"))).toEqual({ subscriptionId: SUB, resourceGroup: "rg-aks-dev", name: "aks-dev" });
    expect(parseManagedClusterId(cluster("RG.(x)_1", "A_b-9").toLowerCase())).toEqual({ subscriptionId: SUB, resourceGroup: "rg.(x)_1", name: "a_b-9" });
  });

  it.each([
    ["a `..` resource group and name", `/subscriptions/${SUB}/resourceGroups/../providers/Microsoft.ContainerService/managedClusters/..`],
    ["a `.` segment", cluster(".", "aks")],
    ["a `..` name", cluster("rg", "..")],
    ["an empty segment", `/subscriptions/${SUB}/resourceGroups//providers/Microsoft.ContainerService/managedClusters/aks`],
    ["a trailing slash", `${cluster("rg", "aks")}/`],
    ["a double slash", cluster("rg", "aks").replace("/providers", "//providers")],
    ["a percent-escape", cluster("rg", "..%2F..%2Fetc")],
    ["a backslash", cluster("rg", "a\\b")],
    ["a non-GUID subscription", cluster("rg", "aks").replace(SUB, "not-a-guid")],
    ["the wrong provider", cluster("rg", "aks").replace("ContainerService", "Compute")],
    ["the wrong type", cluster("rg", "aks").replace("managedClusters", "virtualMachines")],
    ["a child resource", `${cluster("rg", "aks")}/agentPools/user`],
    ["a name AKS refuses", cluster("rg", "-aks")],
    ["a group ending in a dot", cluster("rg.", "aks")],
    ["surrounding spaces", ` ${cluster("rg", "aks")}`],
    ["no leading slash", cluster("rg", "aks").slice(1)]
  ])("refuses %s", (_what, id) => {
    expect(parseManagedClusterId(id)).toBeUndefined();
  });

  it("parses nested resources and refuses non-strings and odd segment counts", () => {
    expect(parseArmResourceId(`${cluster("rg", "aks")}/agentPools/user`)?.resources).toEqual([{ type: "managedClusters", name: "aks" }, { type: "agentPools", name: "user" }]);
    expect(parseArmResourceId(`${cluster("rg", "aks")}/agentPools`)).toBeUndefined();
    expect(parseArmResourceId(42)).toBeUndefined();
    expect(parseArmResourceId(`/${"x/".repeat(600)}`)).toBeUndefined();
  });
});
