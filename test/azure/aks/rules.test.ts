import { KubernetesCatalog, type KubernetesRelease } from "../../../local/azure/catalog";
import { checkControlPlaneUpgrade, checkPoolUpgrade, checkPoolVersion, resolveUpdateTarget } from "../../../local/azure/aks/rules";

const release = (version: string, preview = false): KubernetesRelease => ({ version, preview, availableAt: 0 });

describe("AKS version rules", () => {
  const catalog = new KubernetesCatalog(["1.31.9", "1.32.5", "1.33.2", "1.34.1", "1.34.3", "1.35.0"].map((v) => release(v)).concat(release("1.36.0", true)));

  it("allows a pool up to three minors behind the control plane, never newer", () => {
    expect(() => checkPoolVersion("1.31.9", "1.34.3")).not.toThrow();
    expect(() => checkPoolVersion("1.31.9", "1.35.0")).toThrow(/Minor version of node pool version 31 is smaller than control plane version 35 by more than 3/);
    expect(() => checkPoolVersion("1.35.0", "1.34.3")).toThrow(/Minor version of node pool version 35 is bigger than control plane version 34/);
    expect(() => checkPoolUpgrade("1.34.3", "1.34.1", "1.35.0")).toThrow(/Downgrading Kubernetes version 1\.34\.3 to 1\.34\.1 is not allowed/);
  });

  it("moves the control plane one minor at a time, to versions the catalog offers", () => {
    expect(() => checkControlPlaneUpgrade(catalog, "1.34.1", "1.34.3")).not.toThrow();
    expect(() => checkControlPlaneUpgrade(catalog, "1.34.3", "1.35.0")).not.toThrow();
    expect(() => checkControlPlaneUpgrade(catalog, "1.33.2", "1.35.0")).toThrow(/Available upgrades: \[1\.34\.3 1\.34\.1\]/);
    // 1.32 left the N-2 window (1.33, 1.34, 1.35); its clusters may still move to the next minor.
    expect(catalog.supportedMinors()).toEqual(["1.33", "1.34", "1.35"]);
    expect(() => checkControlPlaneUpgrade(catalog, "1.32.5", "1.33.2")).not.toThrow();
    expect(catalog.upgradesFrom("1.35.0").map((r) => [r.version, r.preview])).toEqual([["1.36.0", true]]);
  });

  it("keeps the current patch when an update names only the current minor", () => {
    expect(resolveUpdateTarget(catalog, "1.34", "1.34.1")).toBe("1.34.1");
    expect(resolveUpdateTarget(catalog, "1.35", "1.34.1")).toBe("1.35.0");
    expect(resolveUpdateTarget(catalog, "1.34.3", "1.34.1")).toBe("1.34.3");
  });
});
