import type { CancelTimer } from "../../clock";
import { isVersion, minorOf, normalizeOsSku, OutOfOrderReleaseError, UnknownOsSkuError, type ReleaseCatalog } from "../catalog";
import type { ArmResource, SimKernel } from "../kernel";

interface ClusterLike extends ArmResource { properties: { currentKubernetesVersion: string } }

function clusters(kernel: SimKernel): ClusterLike[] {
  return kernel.store.list<ClusterLike>({ type: "Microsoft.ContainerService/managedClusters" });
}

function badRequest(code: string, message: string): { status: number; body: unknown } {
  return { status: 400, body: { error: { code, message } } };
}

/**
 * `NewKubernetesVersionAvailable` data, as in the AKS event schema example
 * (https://learn.microsoft.com/azure/event-grid/event-schema-aks): the newest GA patch, the newest
 * patch of the stable (default) minor, the newest patch of the lowest supported minor, the newest preview.
 */
export function newVersionData(catalog: ReleaseCatalog): Record<string, string> {
  const k = catalog.kubernetes;
  const supported = k.supportedMinors();
  const lowest = supported[0];
  return {
    latestSupportedKubernetesVersion: k.latestStable() ?? "",
    latestStableKubernetesVersion: k.defaultVersion() ?? "",
    lowestMinorKubernetesVersion: lowest ? k.latestPatch(lowest, false) ?? "" : "",
    latestPreviewKubernetesVersion: k.latestPreview() ?? ""
  };
}

/**
 * `POST /_sim/kubernetes-releases {version, preview?, deprecationDays?}`: makes a version available
 * and emits NewKubernetesVersionAvailable to every cluster (also when a preview minor goes GA).
 * When a new GA minor pushes the oldest minor out of the three newest, that minor is deprecated:
 * its clusters get ClusterSupportEnding now and ClusterSupportEnded when the window (default 30
 * days on the simulator's clock) closes. A release out of order (a minor that skips one, or a new
 * minor while the newest is still in preview) is refused with 400. `GET` lists the catalog.
 * `POST /_sim/node-images {osSku?}` publishes the next weekly node image (no event, as in AKS).
 */
export function registerReleaseControl(kernel: SimKernel, catalog: ReleaseCatalog): void {
  kernel.router.control("GET", "/_sim/kubernetes-releases", () => ({
    status: 200,
    body: { releases: catalog.kubernetes.all(), supportedMinors: catalog.kubernetes.supportedMinors(), versions: catalog.kubernetes.versionsList() }
  }));

  // Support ends when a deprecated minor's window closes, on the simulator's clock (re-armed after a restart).
  const timers = new Map<string, CancelTimer>();
  const endSupport = (minor: string): void => {
    timers.delete(minor);
    for (const c of clusters(kernel)) {
      const cm = minorOf(c.properties.currentKubernetesVersion);
      if (cm === minor || olderThanEnded(cm, [minor])) {
        kernel.events.publish(c.id, [{ eventType: "Microsoft.ContainerService.ClusterSupportEnded", subject: c.name, data: { kubernetesVersion: c.properties.currentKubernetesVersion }, dataVersion: "1" }]);
      }
    }
    catalog.kubernetes.markEnded(minor);
  };
  const armRetirements = (): void => {
    for (const r of catalog.kubernetes.retiring()) {
      if (r.ended || timers.has(r.minor)) continue;
      timers.set(r.minor, kernel.clock.setTimer(r.endsAt, () => endSupport(r.minor)));
    }
  };
  kernel.registerState("releaseControl", { save: () => ({}), load: () => armRetirements() });
  kernel.onDispose(() => {
    for (const cancel of timers.values()) cancel();
    timers.clear();
  });

  kernel.router.control("POST", "/_sim/kubernetes-releases", (req) => {
    const body = (req.body ?? {}) as { version?: unknown; preview?: unknown; deprecationDays?: unknown };
    if (!isVersion(body.version)) return badRequest("InvalidVersion", "Body must be {\"version\": \"1.xx.y\", \"preview\"?: boolean, \"deprecationDays\"?: number}");
    const version = /^\d+\.\d+$/.test(body.version.trim()) ? `${body.version.trim()}.0` : body.version.trim().replace(/^v/, "");
    const isNew = !catalog.kubernetes.has(version);
    try {
      catalog.kubernetes.checkOrder(version);
    } catch (err) {
      if (err instanceof OutOfOrderReleaseError) return badRequest("OutOfOrderRelease", err.message);
      throw err;
    }
    const before = JSON.stringify(newVersionData(catalog));
    const windowMs = typeof body.deprecationDays === "number" && body.deprecationDays >= 0 ? body.deprecationDays * 24 * 3600 * 1000 : undefined;
    const change = catalog.kubernetes.add({ version, preview: body.preview === true, availableAt: kernel.clock.now() }, windowMs);
    const events = { newVersionAvailable: 0, supportEnding: 0, supportEnded: 0 };
    const data = newVersionData(catalog);
    // A new version, or a preview minor going GA, changes what the region offers: every cluster hears it.
    if (isNew || JSON.stringify(data) !== before) {
      for (const c of clusters(kernel)) {
        kernel.events.publish(c.id, [{ eventType: "Microsoft.ContainerService.NewKubernetesVersionAvailable", subject: c.name, data, dataVersion: "1" }]);
        events.newVersionAvailable++;
      }
    }
    if (change.ending) {
      for (const c of clusters(kernel)) {
        const minor = minorOf(c.properties.currentKubernetesVersion);
        if (minor === change.ending || olderThanEnded(minor, [change.ending])) {
          kernel.events.publish(c.id, [{ eventType: "Microsoft.ContainerService.ClusterSupportEnding", subject: c.name, data: { kubernetesVersion: c.properties.currentKubernetesVersion }, dataVersion: "1" }]);
          events.supportEnding++;
        }
      }
      armRetirements();
    }
    return {
      status: isNew ? 201 : 200,
      body: {
        release: catalog.kubernetes.find(version), supportedMinors: catalog.kubernetes.supportedMinors(), ...change,
        ...(change.endsAt !== undefined ? { supportEndsAt: new Date(change.endsAt).toISOString() } : {}), events
      }
    };
  });

  kernel.router.control("GET", "/_sim/node-images", () => ({ status: 200, body: { images: catalog.nodeImages.history() } }));

  kernel.router.control("POST", "/_sim/node-images", (req) => {
    const body = (req.body ?? {}) as { osSku?: unknown };
    try {
      const sku = typeof body.osSku === "string" ? normalizeOsSku(body.osSku) : undefined;
      return { status: 201, body: { images: catalog.nodeImages.publish(kernel.clock.now(), sku) } };
    } catch (err) {
      if (err instanceof UnknownOsSkuError) return badRequest("InvalidOsSku", err.message);
      throw err;
    }
  });
}

/** Clusters already older than the minors that just ended are out of support too. */
function olderThanEnded(minor: string, ended: string[]): boolean {
  const [maj, min] = minor.split(".").map(Number);
  return ended.some((e) => {
    const [emaj, emin] = e.split(".").map(Number);
    return (maj ?? 0) < (emaj ?? 0) || ((maj ?? 0) === (emaj ?? 0) && (min ?? 0) < (emin ?? 0));
  });
}
