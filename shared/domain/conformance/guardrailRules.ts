/**
 * Guardrails: Azure Policy assignments, the budget, GitOps, backup (BASELINE.md §4 #64-#67, #69,
 * #72). Assignments are those ARM lists for the cluster's resource group (assigned there or above);
 * Azure Policy's compliance states are out of scope: the assignments themselves are judged.
 */
import type { Environment } from "../policy";
import { fail, notApplicable, pass, related, same, verdict } from "./checks";
import { lastSegment } from "./dependencyChecks";
import type { ObservedPolicyAssignment } from "./dependencies";
import type { ObservedCluster } from "./observed";
import type { ConformanceRule, RuleCheck } from "./rule";

/** Built-in definition ids as the reference assigns them (BASELINE.md §1.7, policies.bicep). */
export const POLICY = {
  restrictedInitiative: "42b8ef37-b724-4e24-bbc8-7a7708edfe00",
  allowedImages: "febd0533-8e55-448f-b837-bd0e06f16469",
  resourceLimits: "e345eecc-fa47-480f-9e88-67dcc122b164"
} as const;

const FLUX_TYPE = "microsoft.flux";
/** The AKS backup extension's type (learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-manage-backups). */
const BACKUP_TYPE = "microsoft.dataprotection.kubernetes";

/** The effect an assignment enforces: its `effect` parameter, else the definition's default (`Audit` for these three, policies.bicep). */
function effectOf(a: ObservedPolicyAssignment): string {
  const v = a.properties?.parameters?.effect?.value;
  return typeof v === "string" ? v : "Audit";
}

function assignmentsOf(o: ObservedCluster, definition: string): { value: ObservedPolicyAssignment[] } | { missing: RuleCheck } {
  const read = related(o, "policyAssignments");
  if ("missing" in read) return read;
  return { value: read.value.filter((a) => same(lastSegment(a.properties?.policyDefinitionId), definition)) };
}

/** Effects a rule accepts in `env`: Deny where §4 asks for it, Audit too in dev (§5: audit in dev, deny in staging and prod). */
function denyOrDevAudit(env: Environment): string[] {
  return env === "dev" ? ["Deny", "Audit"] : ["Deny"];
}

/** An assignment's evidence: name, effect, enforcement. */
function describe(a: ObservedPolicyAssignment): Record<string, unknown> {
  return { name: a.name ?? null, effect: effectOf(a), enforcementMode: a.properties?.enforcementMode ?? "Default", scope: a.properties?.scope ?? null };
}

/** An assignment enforces only with enforcementMode Default (DoNotEnforce makes every effect an audit). */
function enforced(a: ObservedPolicyAssignment, effects: string[]): boolean {
  const effect = effectOf(a);
  if (!effects.some((e) => same(e, effect))) return false;
  return same(effect, "Audit") || !same(a.properties?.enforcementMode, "DoNotEnforce");
}

function withEffect(definition: string, title: string, effects: (env: Environment) => string[]) {
  return (o: ObservedCluster, env: Environment): RuleCheck => {
    const found = assignmentsOf(o, definition);
    if ("missing" in found) return found.missing;
    if (found.value.length === 0) return fail([], `no assignment of ${title} (${definition})`);
    const ok = found.value.some((a) => enforced(a, effects(env)));
    return verdict(ok, found.value.map(describe), ok ? undefined : `effect is not ${effects(env).join(" or ")} (enforced)`);
  };
}

export const guardrailRules: ConformanceRule[] = [
  {
    id: "policy-restricted-initiative", number: 64, title: "Pod security restricted initiative assigned",
    path: "Microsoft.Authorization/policyAssignments of the cluster's resource group: policyDefinitionId, parameters.effect", expected: `policySetDefinitions/${POLICY.restrictedInitiative}, effect Audit or Deny`,
    severity: "high", citation: "ART §Policy management (L379, L391); W22 §Security › Policy definitions (\"Kubernetes cluster pod security initiatives\"); W25 §Azure policies", source: "seed", remediation: "automatic",
    check: withEffect(POLICY.restrictedInitiative, "the restricted pod security initiative", () => ["Audit", "Deny"])
  },
  {
    id: "policy-allowed-images", number: 65, title: "Only images from the cluster's registry (and MCR)",
    path: "policyAssignments: policyDefinitionId, parameters.effect, parameters.allowedContainerImagesRegex", expected: `policyDefinitions/${POLICY.allowedImages}, effect Deny (Audit allowed in dev), regex admits the registry and, in prod, not docker.io`,
    severity: "high", citation: "ART §Container image reference (L144), §Policy management (L393)", source: "seed", remediation: "automatic",
    check: (o, env) => {
      const found = assignmentsOf(o, POLICY.allowedImages);
      if ("missing" in found) return found.missing;
      if (found.value.length === 0) return fail([], `no assignment of the allowed-images policy (${POLICY.allowedImages})`);
      const servers = (o.registries ?? []).map((r) => r.properties?.loginServer ?? `${(r.name ?? "").toLowerCase()}.azurecr.io`);
      const judged = found.value.map((a) => {
        const regex = a.properties?.parameters?.allowedContainerImagesRegex?.value;
        let admitsRegistry = false, admitsDockerHub = false, valid = true;
        try {
          const re = new RegExp(typeof regex === "string" ? regex : "^$");
          admitsRegistry = servers.length === 0 ? true : servers.every((s) => re.test(`${s}/app:1.0`));
          admitsDockerHub = re.test("docker.io/library/nginx:1.27");
        } catch { valid = false; }
        const ok = valid && typeof regex === "string" && enforced(a, denyOrDevAudit(env)) && admitsRegistry && !(env === "prod" && admitsDockerHub);
        return { ok, observed: { ...describe(a), allowedContainerImagesRegex: regex ?? null, admitsRegistry, admitsDockerHub } };
      });
      const ok = judged.some((j) => j.ok);
      const detail = ok ? (o.registries === undefined ? "the registry was not read: its admission not checked" : undefined)
        : `needs effect ${denyOrDevAudit(env).join(" or ")}, a regex admitting ${servers.join(", ") || "the registry"}${env === "prod" ? " and not docker.io" : ""}`;
      return verdict(ok, judged.map((j) => j.observed), detail);
    }
  },
  {
    id: "policy-resource-limits", number: 66, title: "Container CPU and memory limits enforced",
    path: "policyAssignments: policyDefinitionId, parameters.effect", expected: `policyDefinitions/${POLICY.resourceLimits}, effect Deny (Audit allowed in dev)`,
    severity: "medium", citation: "W25 §Reliability › Recommendations (\"Define pod resource requests and limits … Enforce those limits by using Azure Policy\"); ART §Pod availability", source: "seed", remediation: "automatic",
    check: withEffect(POLICY.resourceLimits, "the container limits policy", denyOrDevAudit)
  },
  {
    id: "budget-on-rg", number: 67, title: "A budget with alerts on the cluster's resource group or subscription",
    path: "Microsoft.Consumption/budgets (resource group, else subscription): properties.notifications[*].enabled", expected: "at least one budget with an enabled notification",
    severity: "medium", citation: "ART §Cost management (L707 \"Create budgets … create alerts … when thresholds are exceeded\"); contoso-bicycle/README.md:82", source: "seed", remediation: "automatic",
    check: (o) => {
      const read = related(o, "budgets");
      if ("missing" in read) return read.missing;
      const observed = read.value.map((b) => ({ name: b.name ?? null, notifications: Object.entries(b.properties?.notifications ?? {}).filter(([, n]) => n?.enabled === true).map(([k]) => k) }));
      const ok = observed.some((b) => b.notifications.length > 0);
      return verdict(ok, observed, ok ? undefined : read.value.length === 0 ? "no budget on the resource group or subscription" : "no budget has an enabled notification");
    }
  },
  {
    id: "gitops-flux", number: 69, title: "GitOps: the Flux extension and a Flux configuration",
    path: "Microsoft.KubernetesConfiguration/extensions[extensionType microsoft.flux]; fluxConfigurations", expected: "the flux extension Succeeded and at least one Flux configuration Succeeded",
    severity: "low", citation: "ART §Cluster bootstrapping (L601 \"the GitOps Flux v2 cluster extension is recommended for fleets\"), §Cluster CI/CD (L668); W25 §Operational Excellence › Design checklist", source: "seed", remediation: "automatic",
    check: (o) => {
      const read = related(o, "extensions");
      if ("missing" in read) return read.missing;
      const flux = read.value.find((e) => same(e.properties?.extensionType, FLUX_TYPE));
      if (!flux) return fail(read.value.map((e) => e.properties?.extensionType ?? e.name ?? "?"), "no microsoft.flux extension on the cluster");
      const configs = related(o, "fluxConfigurations");
      if ("missing" in configs) return configs.missing;
      const observed = { extension: { name: flux.name ?? null, provisioningState: flux.properties?.provisioningState ?? null },
        configurations: configs.value.map((c) => ({ name: c.name ?? null, url: c.properties?.gitRepository?.url ?? null, provisioningState: c.properties?.provisioningState ?? null })) };
      const ok = same(flux.properties?.provisioningState, "Succeeded") && configs.value.some((c) => same(c.properties?.provisioningState, "Succeeded"));
      return verdict(ok, observed, ok ? undefined : configs.value.length === 0 ? "no Flux configuration" : "the extension or its configurations are not Succeeded");
    }
  },
  {
    id: "backup-optional", number: 72, title: "AKS backup (informational)",
    path: "Microsoft.KubernetesConfiguration/extensions[extensionType microsoft.dataprotection.kubernetes]", expected: "the backup extension, when the workload keeps state",
    severity: "info", citation: "W25 §Reliability › Design checklist & Recommendations (Azure Backup); ART §Cluster backup (L517 \"The reference implementation doesn't implement backup\")", source: "seed", remediation: "manual",
    check: (o) => {
      const read = related(o, "extensions");
      if ("missing" in read) return read.missing;
      const backup = read.value.find((e) => same(e.properties?.extensionType, BACKUP_TYPE));
      // Informational (§4 "(informational)"; ART L517: the reference itself has none): its absence is not a failure.
      return backup ? pass({ name: backup.name ?? null, provisioningState: backup.properties?.provisioningState ?? null })
        : notApplicable("informational: no AKS backup extension; backup is a decision for stateful workloads (ART §Cluster backup L517)", []);
    }
  }
];
