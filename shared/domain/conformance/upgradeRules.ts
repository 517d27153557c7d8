/** SLA tier, versions and upgrade ownership (BASELINE.md §4 #26–#31). */
import { fail, notApplicable, pass, perPool, pools, related, same, verdict, versionParts } from "./checks";
import type { ConformanceRule } from "./rule";

const NODE_OS_SCHEDULE = "aksManagedNodeOSUpgradeSchedule";

export const upgradeRules: ConformanceRule[] = [
  {
    id: "sku-tier-sla", number: 26, title: "Production control plane on an SLA tier",
    path: "sku.tier", expected: "Standard or Premium",
    severity: "high", citation: "ART §Kubernetes API Server SLA (L523 \"We recommend all production clusters use the Standard tier\"); ART §Cost management (L691); W22 §Reliability › AKS configuration recommendations; W25 §Reliability › Recommendations", source: "seed", remediation: "approval",
    environments: ["prod"], otherEnvironments: "Free tier is reserved for pre-production (ART L523)",
    check: ({ cluster }) => verdict(same(cluster.sku?.tier, "Standard") || same(cluster.sku?.tier, "Premium"), cluster.sku?.tier)
  },
  {
    id: "k8s-version-supported", number: 27, title: "Kubernetes version supported in the region (GA, N-2 window)",
    path: "properties.currentKubernetesVersion vs locations/{location}/kubernetesVersions", expected: "a GA minor the region offers",
    severity: "high", citation: "ART §Security updates (L568 \"supported N-2 versions\"); W25 §Azure policies (\"AKS version restrictions\")", source: "seed", remediation: "approval",
    check: (o) => {
      const read = related(o, "kubernetesVersions");
      if ("missing" in read) return read.missing;
      const current = o.cluster.currentKubernetesVersion ?? o.cluster.kubernetesVersion;
      const parts = versionParts(current);
      if (!parts) return fail(current, "no Kubernetes version reported");
      const minor = `${parts[0]}.${parts[1]}`;
      const offered = read.value.find((v) => v.version === minor);
      const ga = read.value.filter((v) => !v.isPreview).map((v) => v.version);
      if (!offered) return fail(current, `${minor} is not offered in the region (GA: ${ga.join(", ")})`);
      return offered.isPreview ? fail(current, `${minor} is a preview version`) : pass(current);
    }
  },
  {
    id: "pools-version-skew", number: 28, title: "Node pools within the supported skew of the control plane",
    path: "pool[*].currentOrchestratorVersion", expected: "same major, ≤ control plane, ≥ control plane minor − 2",
    severity: "medium", citation: "ART §Security updates; spec text of orchestratorVersion", source: "seed", remediation: "approval",
    check: ({ cluster }) => {
      const cp = versionParts(cluster.currentKubernetesVersion ?? cluster.kubernetesVersion);
      if (!cp) return fail(null, "no control-plane version reported");
      return perPool(pools(cluster), (p) => p.currentOrchestratorVersion ?? p.orchestratorVersion, (v) => {
        const pv = versionParts(v);
        return !!pv && pv[0] === cp[0] && pv[1] <= cp[1] && pv[1] >= cp[1] - 2 && (pv[1] < cp[1] || pv[2] <= cp[2]);
      }, "the cluster reports no pools");
    }
  },
  {
    id: "upgrade-channel-controlled", number: 29, title: "Kubernetes upgrades run by the platform, not AKS auto-upgrade",
    path: "properties.autoUpgradeProfile.upgradeChannel", expected: "none",
    severity: "medium", citation: "ART §Workload and cluster deployment strategies (L672 \"Deploy any change … to at least one pre-production AKS cluster\"); cluster-stamp.bicep:906", source: "seed", remediation: "automatic",
    check: ({ cluster }) => verdict(same(cluster.autoUpgradeProfile?.upgradeChannel, "none"), cluster.autoUpgradeProfile?.upgradeChannel)
  },
  {
    id: "node-os-channel", number: 30, title: "Weekly node-image patching",
    path: "properties.autoUpgradeProfile.nodeOSUpgradeChannel", expected: "NodeImage, or None when the platform rolls node images (BASELINE.md §6 D8)",
    severity: "medium", citation: "ART §Weekly updates (L576), §Daily updates (L582 \"use node image upgrade as your primary weekly security patching strategy\")", source: "seed", remediation: "automatic",
    check: ({ cluster }) => {
      const channel = cluster.autoUpgradeProfile?.nodeOSUpgradeChannel;
      return verdict(same(channel, "NodeImage") || same(channel, "None"), channel, same(channel, "None") ? "the platform rolls node images weekly itself" : undefined);
    }
  },
  {
    id: "node-os-maintenance-window", number: 31, title: "Weekly node OS maintenance window",
    path: `maintenanceConfigurations/${NODE_OS_SCHEDULE}.maintenanceWindow`, expected: "weekly (intervalWeeks 1), durationHours ≥ 4",
    severity: "medium", citation: "ART §Weekly updates; cluster-stamp.bicep:1011-1025", source: "seed", remediation: "automatic",
    check: (o) => {
      const channel = o.cluster.autoUpgradeProfile?.nodeOSUpgradeChannel;
      const read = related(o, "maintenanceConfigurations");
      if ("missing" in read) return read.missing;
      const config = read.value.find((c) => same(c.name, NODE_OS_SCHEDULE));
      if (!config) {
        // With nodeOSUpgradeChannel None (BASELINE.md §6 D8) the platform rolls node images itself, in the
        // cluster's aksManagedNodeOSUpgradeSchedule when it has one, else in its policy's window
        // (shared/domain/policy.ts effectiveNodeImageWindow): without the schedule nothing in ARM says when.
        return same(channel, "None") ? notApplicable(`nodeOSUpgradeChannel None and no ${NODE_OS_SCHEDULE}: the platform's policy window governs node-image upgrades (BASELINE.md §6 D8)`, channel)
          : fail(null, `no ${NODE_OS_SCHEDULE}`);
      }
      // With channel None the platform's node-image rollouts run in this window; otherwise AKS does.
      const w = config.maintenanceWindow;
      return verdict(w?.schedule?.weekly?.intervalWeeks === 1 && (w.durationHours ?? 0) >= 4, w,
        same(channel, "None") ? "the platform's node-image rollouts run in this window (nodeOSUpgradeChannel None, BASELINE.md §6 D8)" : undefined);
    }
  }
];
