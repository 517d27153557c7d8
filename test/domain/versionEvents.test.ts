import type { ContainerServiceNewKubernetesVersionAvailableEventData } from "@azure/eventgrid";
import { chooseTargetVersion, kubernetesUpgradeInstanceId } from "../../shared/domain/versions";
import { standardCatalog } from "./fixtures/catalog";

const data: ContainerServiceNewKubernetesVersionAvailableEventData = {
  latestSupportedKubernetesVersion: "1.32.3",
  latestStableKubernetesVersion: "1.31.2",
  lowestMinorKubernetesVersion: "1.29.9",
  latestPreviewKubernetesVersion: "1.33.0"
};

describe("chooseTargetVersion", () => {
  it("supported → the newest GA patch", () => {
    expect(chooseTargetVersion({ data, policy: { targetChannel: "supported", allowPreview: false }, currentControlPlane: "1.30.3" }))
      .toEqual({ kind: "upgrade", target: "1.32.3", source: "latestSupportedKubernetesVersion" });
  });

  it("supported with previews allowed → the preview when it is newer", () => {
    expect(chooseTargetVersion({ data, policy: { targetChannel: "supported", allowPreview: true }, currentControlPlane: "1.30.3" }))
      .toEqual({ kind: "upgrade", target: "1.33.0", source: "latestPreviewKubernetesVersion" });
  });

  it("stable → N-1, never a preview", () => {
    expect(chooseTargetVersion({ data, policy: { targetChannel: "stable", allowPreview: true }, currentControlPlane: "1.30.3" }))
      .toEqual({ kind: "upgrade", target: "1.31.2", source: "latestStableKubernetesVersion" });
  });

  it("patch → the newest patch of the current line, from the catalog", () => {
    expect(chooseTargetVersion({ data, policy: { targetChannel: "patch", allowPreview: false }, currentControlPlane: "1.30.3", catalog: standardCatalog }))
      .toEqual({ kind: "upgrade", target: "1.30.10", source: "catalog" });
  });

  it("patch without a catalog uses an event version on the same line, if any", () => {
    expect(chooseTargetVersion({ data, policy: { targetChannel: "patch", allowPreview: false }, currentControlPlane: "1.31.1" }))
      .toEqual({ kind: "upgrade", target: "1.31.2", source: "latestStableKubernetesVersion" });
    const none = chooseTargetVersion({ data, policy: { targetChannel: "patch", allowPreview: false }, currentControlPlane: "1.30.3" });
    expect(none).toMatchObject({ kind: "none" });
  });

  it("none when the channel's version is not newer than the control plane", () => {
    const choice = chooseTargetVersion({ data, policy: { targetChannel: "stable", allowPreview: false }, currentControlPlane: "1.31.2" });
    expect(choice).toEqual({ kind: "none", reason: "the stable channel's version 1.31.2 is not newer than the control plane's 1.31.2" });
    expect(chooseTargetVersion({ data, policy: { targetChannel: "supported", allowPreview: false }, currentControlPlane: "1.33.0" }).kind).toBe("none");
  });

  it("none when the event carries no usable version (empty preview, garbage)", () => {
    const empty = { ...data, latestSupportedKubernetesVersion: "", latestPreviewKubernetesVersion: "" };
    expect(chooseTargetVersion({ data: empty, policy: { targetChannel: "supported", allowPreview: true }, currentControlPlane: "1.30.3" }))
      .toEqual({ kind: "none", reason: "the event names no valid version for the supported channel" });
    expect(chooseTargetVersion({ data: { latestStableKubernetesVersion: "1.31" }, policy: { targetChannel: "stable", allowPreview: false }, currentControlPlane: "1.30.3" }).kind).toBe("none");
  });

  it("an empty preview field does not block the GA choice", () => {
    const noPreview = { ...data, latestPreviewKubernetesVersion: "" };
    expect(chooseTargetVersion({ data: noPreview, policy: { targetChannel: "supported", allowPreview: true }, currentControlPlane: "1.30.3" }))
      .toMatchObject({ kind: "upgrade", target: "1.32.3" });
  });
});

describe("kubernetesUpgradeInstanceId", () => {
  it("is deterministic per cluster and version", () => {
    expect(kubernetesUpgradeInstanceId("aks-prod", "1.32.3")).toBe("k8s-upgrade:aks-prod:1.32.3");
    expect(() => kubernetesUpgradeInstanceId("a/b", "1.32.3")).toThrow(TypeError);
    expect(() => kubernetesUpgradeInstanceId("", "1.32.3")).toThrow(TypeError);
  });
});
