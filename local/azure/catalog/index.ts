import type { SimKernel } from "../kernel";
import { KubernetesCatalog, type KubernetesRelease, type Retirement } from "./kubernetes-releases";
import { NodeImageCatalog, type NodeImage } from "./node-images";

export * from "./kubernetes-releases";
export * from "./node-images";
export * from "./versions";

/** The simulator's release catalog (Kubernetes versions and node images), shared by AKS and the control API. */
export interface ReleaseCatalog {
  kubernetes: KubernetesCatalog;
  nodeImages: NodeImageCatalog;
}

/**
 * The catalog a fresh simulator starts with, as of late 2026: three supported GA minors with a
 * few patches each and one preview minor. Dated by the clock so node images look current.
 */
export function defaultCatalog(now: number): ReleaseCatalog {
  const at = now - 30 * 24 * 3600 * 1000;
  const release = (version: string, preview = false): KubernetesRelease => ({ version, preview, availableAt: at });
  const kubernetes = new KubernetesCatalog([
    release("1.34.6"), release("1.34.7"),
    release("1.35.3"), release("1.35.4"),
    release("1.36.1"), release("1.36.2"),
    release("1.37.0", true)
  ]);
  const nodeImages = new NodeImageCatalog();
  nodeImages.seed(now - 7 * 24 * 3600 * 1000);
  return { kubernetes, nodeImages };
}

/** Registers the catalog with the kernel (persisted, and reachable as `kernel.service("catalog")`). */
export function registerCatalog(kernel: SimKernel): ReleaseCatalog {
  const catalog = defaultCatalog(kernel.clock.now());
  catalog.kubernetes.now = () => kernel.clock.now();
  kernel.provide("catalog", catalog);
  kernel.registerState("catalog", {
    save: () => ({ kubernetes: catalog.kubernetes.snapshot(), retirements: catalog.kubernetes.retiring(), nodeImages: catalog.nodeImages.snapshot() }),
    load: (data) => {
      const d = data as { kubernetes?: KubernetesRelease[]; retirements?: Retirement[]; nodeImages?: NodeImage[] };
      if (d.kubernetes) catalog.kubernetes.restore(d.kubernetes, d.retirements ?? []);
      if (d.nodeImages) catalog.nodeImages.restore(d.nodeImages);
    }
  });
  return catalog;
}
