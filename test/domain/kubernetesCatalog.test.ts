import type { KubernetesVersionListResult, ManagedClusterUpgradeProfile } from "@azure/arm-containerservice";
import {
  type CatalogMinorVersion, UnsupportedKubernetesVersionError, catalogFrom, isPreviewVersion, lineRejection, newestSupportedVersion, planKubernetesUpgrade,
  supportedLines, supportedPatches
} from "../../shared/domain/versions";
import { catalogOf, standardCatalog } from "./fixtures/catalog";

describe("KubernetesCatalog", () => {
  it("accepts the SDK's list and upgrade-profile objects as they are", () => {
    const list: KubernetesVersionListResult = {
      values: [{ version: "1.31", isPreview: false, capabilities: { supportPlan: ["KubernetesOfficial"] }, patchVersions: { "1.31.2": { upgrades: ["1.32.0"] } } }]
    };
    const profile: ManagedClusterUpgradeProfile = {
      controlPlaneProfile: { kubernetesVersion: "1.30.3", osType: "Linux", upgrades: [{ kubernetesVersion: "1.31.2", isPreview: false }] },
      agentPoolProfiles: []
    };
    const catalog = catalogFrom(list, profile);
    expect(catalog.controlPlaneUpgrades).toEqual([{ kubernetesVersion: "1.31.2", isPreview: false }]);
    expect(supportedPatches(catalog, "1.31", { allowPreview: false })).toEqual(["1.31.2"]);
  });

  it("reads the wire form of the upgrade profile (properties.controlPlaneProfile)", () => {
    const catalog = catalogFrom({ values: [] }, { properties: { controlPlaneProfile: { upgrades: [{ kubernetesVersion: "1.33.0", isPreview: true }] } } });
    expect(isPreviewVersion(catalog, "1.33.0")).toBe(true);
    expect(catalogFrom({}).controlPlaneUpgrades).toBeUndefined();
  });

  it("sorts patches numerically and hides preview lines unless allowed", () => {
    expect(supportedPatches(standardCatalog, "1.30", { allowPreview: false })).toEqual(["1.30.1", "1.30.3", "1.30.9", "1.30.10"]);
    expect(supportedPatches(standardCatalog, "1.33", { allowPreview: false })).toEqual([]);
    expect(supportedPatches(standardCatalog, "1.33", { allowPreview: true })).toEqual(["1.33.0"]);
  });

  it("filters lines by support plan", () => {
    expect(supportedLines(standardCatalog, { allowPreview: false })).toEqual(["1.29", "1.30", "1.31", "1.32"]);
    expect(supportedLines(standardCatalog, { allowPreview: true, supportPlan: "AKSLongTermSupport" })).toEqual(["1.27", "1.29", "1.30", "1.31", "1.32", "1.33"]);
    expect(lineRejection(standardCatalog, "1.27", { allowPreview: false })).toMatch(/KubernetesOfficial support plan/);
    expect(lineRejection(standardCatalog, "1.28", { allowPreview: false })).toMatch(/does not list the 1.28/);
  });

  it("treats a line without capabilities as community-supported", () => {
    const catalog = { values: [{ version: "1.30", patchVersions: { "1.30.2": {} } }] };
    expect(supportedLines(catalog, { allowPreview: false })).toEqual(["1.30"]);
    expect(supportedLines(catalog, { allowPreview: false, supportPlan: "AKSLongTermSupport" })).toEqual([]);
  });

  it("ignores malformed entries instead of planning with them", () => {
    const catalog = catalogOf({ "1.30": { patches: ["1.30.2", "junk", "1.29.1"] }, "bogus": { patches: ["1.40.0"] } });
    expect(supportedPatches(catalog, "1.30", { allowPreview: false })).toEqual(["1.30.2"]);
    expect(supportedLines(catalog, { allowPreview: false })).toEqual(["1.30"]);
  });

  it("newestSupportedVersion is the newest patch of the newest allowed line", () => {
    expect(newestSupportedVersion(standardCatalog, { allowPreview: false })).toBe("1.32.3");
    expect(newestSupportedVersion(standardCatalog, { allowPreview: true })).toBe("1.33.0");
    expect(newestSupportedVersion({ values: [] }, { allowPreview: true })).toBeUndefined();
  });
});

describe("KubernetesCatalog with the REST API's documented response shapes", () => {
  // The shapes of ManagedClusters_ListKubernetesVersions and ManagedClusters_GetUpgradeProfile as the
  // API reference examples (2025-07-01) show them, in wire form (`properties`, `upgrades[]`).
  const listResponse: { values: CatalogMinorVersion[] } = {
    values: [
      { version: "1.23", capabilities: { supportPlan: ["KubernetesOfficial"] }, patchVersions: { "1.23.12": { upgrades: ["1.23.15", "1.24.6", "1.24.9"] }, "1.23.15": { upgrades: ["1.24.6", "1.24.9"] } } },
      { version: "1.24", isDefault: true, capabilities: { supportPlan: ["KubernetesOfficial"] }, patchVersions: { "1.24.6": { upgrades: ["1.24.9", "1.25.4", "1.25.5"] }, "1.24.9": { upgrades: ["1.25.4", "1.25.5"] } } },
      { version: "1.25", capabilities: { supportPlan: ["KubernetesOfficial"] }, patchVersions: { "1.25.4": { upgrades: ["1.25.5", "1.26.0"] }, "1.25.5": { upgrades: ["1.26.0"] } } },
      { version: "1.26", isPreview: true, capabilities: { supportPlan: ["KubernetesOfficial"] }, patchVersions: { "1.26.0": { upgrades: [] } } }
    ]
  };
  const profileResponse = {
    name: "default",
    properties: {
      agentPoolProfiles: [{ kubernetesVersion: "1.24.6", name: "agent", osType: "Linux", upgrades: [{ kubernetesVersion: "1.24.9" }] }],
      controlPlaneProfile: { kubernetesVersion: "1.24.6", name: "master", osType: "Linux", upgrades: [{ kubernetesVersion: "1.24.9", isPreview: true }, { kubernetesVersion: "1.25.5" }] }
    }
  };

  it("plans through each line's newest GA patch and leaves the preview line alone unless asked", () => {
    const catalog = catalogFrom(listResponse);
    const start = { controlPlane: "1.23.12", pools: [{ name: "agent", version: "1.23.12", mode: "System" }] };
    expect(planKubernetesUpgrade({ current: start, catalog, policy: { allowPreview: false } }).steps.map((s) => `${s.kind}:${s.to}`))
      .toEqual(["controlPlane:1.24.9", "controlPlane:1.25.5", "nodePool:1.25.5"]);
    expect(planKubernetesUpgrade({ current: start, target: "1.26.0", catalog, policy: { allowPreview: true } }).target).toBe("1.26.0");
  });

  it("honours a preview flag the upgrade profile puts on a single patch", () => {
    const catalog = catalogFrom(listResponse, profileResponse);
    expect(isPreviewVersion(catalog, "1.24.9")).toBe(true);
    expect(supportedPatches(catalog, "1.24", { allowPreview: false })).toEqual(["1.24.6"]);
    const start = { controlPlane: "1.24.6", pools: [] };
    expect(planKubernetesUpgrade({ current: start, target: "1.25.5", catalog, policy: { allowPreview: false } }).steps).toEqual([
      { index: 0, kind: "controlPlane", from: "1.24.6", to: "1.25.5" }
    ]);
    expect(() => planKubernetesUpgrade({ current: start, target: "1.24.9", catalog, policy: { allowPreview: false } })).toThrow(UnsupportedKubernetesVersionError);
  });
});
