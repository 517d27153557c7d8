/** Node pool rules (BASELINE.md §4 #32–#44). */
import { fail, isSystem, pass, perPool, pools, same } from "./checks";
import type { Environment } from "../policy";
import type { ConformanceRule } from "./rule";

const CRITICAL_ADDONS_TAINT = "CriticalAddonsOnly=true:NoSchedule";
/** System nodes per environment (BASELINE.md §5: dev 1–2, staging and prod 3). */
const SYSTEM_NODES: Record<Environment, number> = { dev: 1, staging: 3, prod: 3 };

export const poolRules: ConformanceRule[] = [
  {
    id: "system-pool-dedicated", number: 32, title: "System pools tainted CriticalAddonsOnly",
    path: "pool[mode=System].nodeTaints", expected: `contains ${CRITICAL_ADDONS_TAINT}`,
    severity: "medium", citation: "ART §Cluster nodes (L443 \"ensure your system node pool is tainted with the CriticalAddonsOnly taint\"); W22 §Reliability › Node pool design checklist; W25 §Reliability › Recommendations", source: "seed", remediation: "approval",
    check: ({ cluster }) => perPool(pools(cluster).filter(isSystem), (p) => p.nodeTaints ?? [], (t) => t.includes(CRITICAL_ADDONS_TAINT), "no System pool")
  },
  {
    id: "system-pool-3-nodes", number: 33, title: "Enough system nodes",
    path: "pool[mode=System].count, .minCount", expected: "Σ count ≥ 3 (dev ≥ 1); autoscaled minCount ≥ the same",
    severity: "high", citation: "ART §Cluster autoscaler (L431 \"For the system node pool, the recommended minimum value is 3\"); ART §Cluster nodes (L441); W25 §Reliability › Design checklist", source: "seed", remediation: "automatic",
    check: ({ cluster }, env) => {
      const sys = pools(cluster).filter(isSystem);
      if (sys.length === 0) return fail(null, "no System pool");
      const need = SYSTEM_NODES[env];
      const observed = Object.fromEntries(sys.map((p) => [p.name ?? "?", { count: p.count, ...(p.enableAutoScaling ? { minCount: p.minCount } : {}) }]));
      const total = sys.reduce((n, p) => n + (p.count ?? 0), 0);
      const lowMin = sys.filter((p) => p.enableAutoScaling && (p.minCount ?? 0) < need).map((p) => p.name);
      if (total < need) return fail(observed, `${total} system nodes, ${env} needs ${need}`);
      return lowMin.length > 0 ? fail(observed, `minCount below ${need}: ${lowMin.join(", ")}`) : pass(observed);
    }
  },
  {
    id: "user-pool-exists", number: 34, title: "Applications run on a user pool",
    path: "pool[*].mode", expected: "at least one User pool",
    severity: "medium", citation: "ART §Cluster nodes (L443 \"Isolate your application(s) … user node pool\"); W25 §Reliability › Design checklist", source: "seed", remediation: "approval",
    check: ({ cluster }) => {
      const modes = Object.fromEntries(pools(cluster).map((p) => [p.name ?? "?", p.mode ?? null]));
      return pools(cluster).some((p) => same(p.mode, "User")) ? pass(modes) : fail(modes, "no User pool");
    }
  },
  {
    id: "user-pool-2-nodes", number: 35, title: "User pools have at least two nodes",
    path: "pool[mode=User].count, .minCount", expected: "count ≥ 2; autoscaled minCount ≥ 2",
    severity: "medium", citation: "ART §Configure compute for the base cluster (L154 \"Deploy at least two nodes\"); ART §Cluster autoscaler (L429); W25 §Reliability › Design checklist", source: "seed", remediation: "automatic",
    environments: ["staging", "prod"], otherEnvironments: "dev may scale user pools to 0 or 1 node (ART L725, BASELINE.md §5)",
    check: ({ cluster }) => perPool(pools(cluster).filter((p) => same(p.mode, "User")), (p) => ({ count: p.count, ...(p.enableAutoScaling ? { minCount: p.minCount } : {}) }),
      (v, p) => (v.count ?? 0) >= 2 && (!p.enableAutoScaling || (p.minCount ?? 0) >= 2), "no User pool")
  },
  {
    id: "autoscaler-on", number: 36, title: "Cluster autoscaler on every pool",
    path: "pool[*].enableAutoScaling, .minCount, .maxCount", expected: "true with minCount and maxCount",
    severity: "medium", citation: "ART §Cluster autoscaler (L425-429); ART §Cost management (L695, L719 \"Enable the cluster autoscaler\"); W25 §Cost Optimization › Recommendations", source: "seed", remediation: "automatic",
    check: ({ cluster }) => perPool(pools(cluster), (p) => ({ enableAutoScaling: p.enableAutoScaling ?? false, minCount: p.minCount, maxCount: p.maxCount }),
      (v) => v.enableAutoScaling && v.minCount !== undefined && v.maxCount !== undefined, "the cluster reports no pools")
  },
  {
    id: "zones-123", number: 37, title: "Pools spread over availability zones 1, 2, 3",
    path: "pool[*].availabilityZones", expected: "[\"1\",\"2\",\"3\"]",
    severity: "medium", severityIn: { prod: "high" },
    citation: "ART §Availability zones and multi-region support (L466-480); W22 §Reliability › Design checklist; W25 §Reliability › Recommendations", source: "seed", remediation: "manual",
    environments: ["staging", "prod"], otherEnvironments: "zones are optional in dev (one zone saves cross-zone bandwidth, BASELINE.md §5)",
    check: ({ cluster }) => perPool(pools(cluster), (p) => p.availabilityZones ?? [], (z) => ["1", "2", "3"].every((n) => z.includes(n)), "the cluster reports no pools")
  },
  {
    id: "max-pods-planned", number: 38, title: "maxPods set to the capacity plan",
    path: "pool[*].maxPods", expected: "30 (unset means the overlay default 250)",
    severity: "low", citation: "ART §Configure compute for the base cluster (L160 \"start with a value of 30\")", source: "seed", remediation: "manual",
    check: ({ cluster }) => perPool(pools(cluster), (p) => p.maxPods, (v) => v === 30, "the cluster reports no pools")
  },
  {
    id: "system-vm-size", number: 39, title: "System pool VM size large enough, not burstable",
    path: "pool[mode=System].vmSize", expected: "≥ 2 vCPU, not B-series",
    severity: "medium", citation: "W22 §Reliability › Node pool design recommendations; W25 §Reliability › Recommendations", source: "seed", remediation: "manual",
    check: ({ cluster }) => perPool(pools(cluster).filter(isSystem), (p) => p.vmSize, (size) => {
      const m = /^standard_([a-z]+?)(\d+)/i.exec(size ?? "");
      return !!m && !/^b/i.test(m[1] ?? "") && Number(m[2]) >= 2;
    }, "no System pool")
  },
  {
    id: "no-node-public-ip", number: 40, title: "Nodes have no public IP",
    path: "pool[*].enableNodePublicIP", expected: "false",
    severity: "high", citation: "W22 §Security › Recommendations (\"AKS nodes aren't connected to the public internet\"); cluster-stamp.bicep:769,802", source: "seed", remediation: "manual",
    check: ({ cluster }) => perPool(pools(cluster), (p) => p.enableNodePublicIP ?? false, (v) => !v, "the cluster reports no pools")
  },
  {
    id: "os-disk-ephemeral", number: 41, title: "Ephemeral OS disks",
    path: "pool[*].osDiskType", expected: "Ephemeral",
    severity: "low", citation: "baseline cluster-stamp.bicep:755,788", source: "aks-baseline", remediation: "manual",
    check: ({ cluster }) => perPool(pools(cluster), (p) => p.osDiskType, (v) => same(v, "Ephemeral"), "the cluster reports no pools")
  },
  {
    id: "os-sku-azurelinux", number: 42, title: "Linux pools on Azure Linux",
    path: "pool[osType=Linux].osSKU", expected: "AzureLinux",
    severity: "info", citation: "baseline cluster-stamp.bicep:757,790", source: "aks-baseline", remediation: "approval",
    check: ({ cluster }) => perPool(pools(cluster).filter((p) => !same(p.osType, "Windows")), (p) => p.osSKU, (v) => same(v, "AzureLinux"), "no Linux pool")
  },
  {
    id: "surge-upgrade", number: 43, title: "Upgrades surge extra nodes",
    path: "pool[*].upgradeSettings.maxSurge", expected: "set (baseline 33%)",
    severity: "low", citation: "ART §Plan the IP addresses › Upgrade (L92-96); cluster-stamp.bicep:776-778", source: "seed", remediation: "automatic",
    check: ({ cluster }) => perPool(pools(cluster), (p) => p.upgradeSettings?.maxSurge, (v) => !!v, "the cluster reports no pools")
  },
  {
    id: "node-pool-tags", number: 44, title: "Node pools tagged for cost allocation",
    path: "pool[*].tags", expected: "non-empty",
    severity: "low", citation: "ART §Cost management (L703 \"Use tags when you create node pools\")", source: "seed", remediation: "automatic",
    check: ({ cluster }) => perPool(pools(cluster), (p) => p.tags ?? {}, (t) => Object.keys(t).length > 0, "the cluster reports no pools")
  }
];

