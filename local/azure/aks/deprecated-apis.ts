/**
 * AKS's upgrade block on deprecated Kubernetes API usage (learn.microsoft.com/azure/aks/
 * stop-cluster-upgrade-api-breaking-changes): a control-plane upgrade that changes the minor
 * version to 1.26 or later is refused with 400 `ValidationError`, subcode
 * `UpgradeBlockedOnDeprecatedAPIUsage`, when an API removed in the target version was last seen
 * within the 12 hours before the upgrade; unless the cluster's
 * `upgradeSettings.overrideSettings.forceUpgrade` is true and its `until` is still in the future
 * ("The override settings expire ... after the until time", same article). The message is the
 * article's example, with the usage details filled in.
 *
 * The usage AKS would read from the API server's audit is set through the control API:
 * `POST /_sim/clusters/{name}/deprecated-api-usage` `{api, removedIn, lastSeen}` (201; a later
 * report of the same api replaces it), `GET` lists them, `DELETE` forgets them (usage migrated).
 */
import type { SimKernel } from "../kernel";
import { compareVersions, parseVersion } from "../catalog";
import type { ClusterResource } from "./model";
import { AksError } from "./errors";

export interface DeprecatedApiUsage {
  api: string;
  /** `major.minor` the API is removed in. */
  removedIn: string;
  /** ISO time the API server last served it. */
  lastSeen: string;
}

const WINDOW_MS = 12 * 3600_000;

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `2023-03-23 20:57:18 +0000 UTC`, as Go prints a UTC time (the article's example). */
function goTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

export class DeprecatedApiUsages {
  private readonly byCluster = new Map<string, DeprecatedApiUsage[]>();

  constructor(private readonly kernel: SimKernel) {
    kernel.registerState("aksDeprecatedApiUsage", {
      save: () => [...this.byCluster],
      load: (d) => {
        this.byCluster.clear();
        for (const [k, v] of d as [string, DeprecatedApiUsage[]][]) this.byCluster.set(k, v);
      }
    });
    const path = "/_sim/clusters/{name}/deprecated-api-usage";
    kernel.router.control("POST", path, (req, p) => {
      const cluster = this.clusterNamed(p.name ?? "");
      if (!cluster) return { status: 404, body: { error: { code: "ClusterNotFound", message: `No managed cluster named '${p.name}'.` } } };
      const b = record(req.body);
      const invalid: string[] = [];
      if (typeof b.api !== "string" || !b.api.trim()) invalid.push("api (the API, e.g. flowcontrol.apiserver.k8s.io.prioritylevelconfigurations.v1beta2)");
      if (typeof b.removedIn !== "string" || !/^\d+\.\d+$/.test(b.removedIn)) invalid.push("removedIn (major.minor, e.g. 1.32)");
      if (typeof b.lastSeen !== "string" || Number.isNaN(Date.parse(b.lastSeen))) invalid.push("lastSeen (an ISO time)");
      if (invalid.length > 0) return { status: 400, body: { error: { code: "InvalidUsage", message: `Invalid fields: ${invalid.join("; ")}` } } };
      const usage: DeprecatedApiUsage = { api: String(b.api), removedIn: String(b.removedIn), lastSeen: new Date(Date.parse(String(b.lastSeen))).toISOString() };
      const key = cluster.id.toLowerCase();
      const list = (this.byCluster.get(key) ?? []).filter((u) => u.api !== usage.api);
      this.byCluster.set(key, [...list, usage]);
      return { status: 201, body: usage };
    });
    kernel.router.control("GET", path, (_req, p) => {
      const cluster = this.clusterNamed(p.name ?? "");
      if (!cluster) return { status: 404, body: { error: { code: "ClusterNotFound", message: `No managed cluster named '${p.name}'.` } } };
      return { status: 200, body: { value: this.byCluster.get(cluster.id.toLowerCase()) ?? [] } };
    });
    kernel.router.control("DELETE", path, (_req, p) => {
      const cluster = this.clusterNamed(p.name ?? "");
      if (cluster) this.byCluster.delete(cluster.id.toLowerCase());
      return { status: 204 };
    });
  }

  private clusterNamed(name: string): ClusterResource | undefined {
    return this.kernel.store.list<ClusterResource>({ type: "Microsoft.ContainerService/managedClusters" }).find((c) => c.name.toLowerCase() === name.toLowerCase());
  }

  /** Throws the block when the upgrade current → target meets recent usage and no live override. */
  checkUpgrade(cluster: ClusterResource, current: string, target: string, upgradeSettings: unknown): void {
    const c = parseVersion(current);
    const t = parseVersion(target);
    if (t.major !== c.major || t.minor <= c.minor || compareVersions(`${t.major}.${t.minor}.0`, "1.26.0") < 0) return;
    const now = this.kernel.clock.now();
    const recent = (this.byCluster.get(cluster.id.toLowerCase()) ?? []).filter((u) => {
      const removed = parseVersion(`${u.removedIn}.0`);
      const seen = Date.parse(u.lastSeen);
      return removed.major === t.major && removed.minor > c.minor && removed.minor <= t.minor && seen <= now && now - seen <= WINDOW_MS;
    });
    if (recent.length === 0) return;
    const override = record(record(upgradeSettings).overrideSettings);
    const until = typeof override.until === "string" ? Date.parse(override.until) : NaN;
    if (override.forceUpgrade === true && until > now) return;
    const details = recent.map((u) => `\t* usage has been detected on API ${u.api}, and was recently seen at: ${goTime(u.lastSeen)}, which will be removed in ${u.removedIn}\n`).join("");
    throw new AksError(400, "ValidationError",
      "Control Plane upgrade is blocked due to recent usage of a Kubernetes API deprecated in the specified version. Please refer to https://kubernetes.io/docs/reference/using-api/deprecation-guide to migrate the usage. " +
      "To bypass this error, set enable-force-upgrade in upgradeSettings.overrideSettings. Bypassing this error without migrating usage will result in the deprecated Kubernetes API calls failing. " +
      `Usage details: ${recent.length} error${recent.length === 1 ? "" : "s"} occurred:\n${details}\n`,
      undefined, "UpgradeBlockedOnDeprecatedAPIUsage");
  }
}
