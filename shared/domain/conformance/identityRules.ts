/** Identity, access and security-profile rules (BASELINE.md §4 #1–#14). */
import { addon, fail, pass, related, same, verdict } from "./checks";
import type { ConformanceRule } from "./rule";

/** Azure Kubernetes Service RBAC Cluster Admin (BASELINE.md Appendix A). */
const AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";

export const identityRules: ConformanceRule[] = [
  {
    id: "identity-managed", number: 1, title: "Cluster uses a managed identity",
    path: "identity.type; properties.servicePrincipalProfile.clientId", expected: "SystemAssigned or UserAssigned, clientId msi or absent",
    severity: "high", citation: "ART §AKS access to Azure (L173-175); W22 §Security › Design checklist; W25 §Security › Recommendations", source: "seed", remediation: "manual",
    check: ({ cluster }) => {
      const type = cluster.identity?.type;
      const clientId = cluster.servicePrincipalProfile?.clientId;
      const managed = same(type, "SystemAssigned") || same(type, "UserAssigned");
      return verdict(managed && (clientId === undefined || same(clientId, "msi")), { identityType: type, servicePrincipalClientId: clientId });
    }
  },
  {
    id: "identity-user-assigned-cp", number: 2, title: "Control plane runs as one user-assigned identity",
    path: "identity.type; identity.userAssignedIdentities", expected: "UserAssigned with exactly one identity",
    severity: "low", citation: "baseline cluster-stamp.bicep:982-987", source: "aks-baseline", remediation: "approval",
    check: ({ cluster }) => {
      const ids = Object.keys(cluster.identity?.userAssignedIdentities ?? {});
      return verdict(same(cluster.identity?.type, "UserAssigned") && ids.length === 1, { identityType: cluster.identity?.type, userAssignedIdentities: ids });
    }
  },
  {
    id: "entra-managed-aad", number: 3, title: "Microsoft Entra ID integration (managed)",
    path: "properties.aadProfile.managed", expected: "true",
    severity: "high", citation: "ART §Integrate Microsoft Entra ID for the cluster, §Cluster access; W22 §Security › Design checklist; W25 §Security › Design checklist", source: "seed", remediation: "approval",
    check: ({ cluster }) => verdict(cluster.aadProfile?.managed === true, cluster.aadProfile?.managed)
  },
  {
    id: "entra-azure-rbac", number: 4, title: "Azure RBAC for Kubernetes authorization",
    path: "properties.aadProfile.enableAzureRBAC", expected: "true",
    severity: "medium", citation: "ART §Use Azure RBAC for Kubernetes authorization (L207); docs/deploy/03-microsoft-entra-id.md:105", source: "seed", remediation: "approval",
    check: ({ cluster }) => verdict(cluster.aadProfile?.enableAzureRbac === true, cluster.aadProfile?.enableAzureRbac)
  },
  {
    id: "entra-admin-assignment", number: 5, title: "An Entra group administers the cluster",
    path: "Microsoft.Authorization/roleAssignments at the cluster (role b1ff04bb-…, principalType Group); else properties.aadProfile.adminGroupObjectIDs",
    expected: "with Azure RBAC: a group holds AKS RBAC Cluster Admin at the cluster; without: adminGroupObjectIDs non-empty",
    severity: "medium", citation: "ART §Associate Kubernetes RBAC to Microsoft Entra ID; W25 §Security › Design checklist (least privilege); baseline cluster-stamp.bicep:1039-1058", source: "seed", remediation: "manual",
    check: (o) => {
      const aad = o.cluster.aadProfile;
      if (aad?.enableAzureRbac !== true) {
        const groups = aad?.adminGroupObjectIDs ?? [];
        return verdict(groups.length > 0, { adminGroupObjectIDs: groups }, groups.length > 0 ? undefined : "no admin group and no Azure RBAC: nobody holds cluster-admin through Entra ID");
      }
      const read = related(o, "clusterRoleAssignments");
      if ("missing" in read) return read.missing;
      const clusterId = o.cluster.id ?? "";
      const admins = read.value.filter((ra) => same(ra.scope, clusterId) && same(ra.principalType, "Group") && same((ra.roleDefinitionId ?? "").split("/").pop(), AKS_RBAC_CLUSTER_ADMIN));
      const observed = { clusterAdminGroups: admins.map((ra) => ra.principalId ?? "?"), adminGroupObjectIDs: aad.adminGroupObjectIDs ?? [] };
      return admins.length > 0 ? pass(observed) : fail(observed, "no group holds Azure Kubernetes Service RBAC Cluster Admin at the cluster: with local accounts off nobody can use kubectl");
    }
  },
  {
    id: "local-accounts-disabled", number: 6, title: "Local accounts disabled",
    path: "properties.disableLocalAccounts", expected: "true",
    severity: "high", citation: "ART §Local accounts (L213-215); W25 §Security › Recommendations (\"Disable local accounts\")", source: "seed", remediation: "approval",
    check: ({ cluster }) => verdict(cluster.disableLocalAccounts === true, cluster.disableLocalAccounts)
  },
  {
    id: "k8s-rbac-enabled", number: 7, title: "Kubernetes RBAC enabled",
    path: "properties.enableRBAC", expected: "true",
    severity: "high", citation: "W22 §Security › Design checklist (\"Use Kubernetes RBAC with Azure AD\")", source: "seed", remediation: "manual",
    check: ({ cluster }) => verdict(cluster.enableRbac === true, cluster.enableRbac)
  },
  {
    id: "oidc-issuer", number: 8, title: "OIDC issuer enabled",
    path: "properties.oidcIssuerProfile.enabled", expected: "true",
    severity: "medium", citation: "ART §Integrate Microsoft Entra ID for the workload (L219-221)", source: "seed", remediation: "automatic",
    check: ({ cluster }) => verdict(cluster.oidcIssuerProfile?.enabled === true, cluster.oidcIssuerProfile?.enabled)
  },
  {
    id: "workload-identity", number: 9, title: "Microsoft Entra Workload ID enabled",
    path: "properties.securityProfile.workloadIdentity.enabled", expected: "true",
    severity: "medium", citation: "ART §Integrate Microsoft Entra ID for the workload; W25 §Security › Recommendations (\"Use Microsoft Entra Workload ID\")", source: "seed", remediation: "automatic",
    check: ({ cluster }) => verdict(cluster.securityProfile?.workloadIdentity?.enabled === true, cluster.securityProfile?.workloadIdentity?.enabled)
  },
  {
    id: "no-pod-identity", number: 10, title: "Pod-managed identity (superseded) not enabled",
    path: "properties.podIdentityProfile.enabled", expected: "not true",
    severity: "low", citation: "ART §Integrate Microsoft Entra ID for the workload (Workload ID replaces pod identity)", source: "seed", remediation: "approval",
    check: ({ cluster }) => verdict(cluster.podIdentityProfile?.enabled !== true, cluster.podIdentityProfile?.enabled)
  },
  {
    id: "kv-csi-addon", number: 11, title: "Key Vault Secrets Store CSI driver add-on",
    path: "properties.addonProfiles[~azureKeyvaultSecretsProvider].enabled", expected: "true",
    severity: "medium", citation: "ART §Accessing cluster secrets (L358-360); W25 §Security › Recommendations; W22 §Security › Design checklist", source: "seed", remediation: "automatic",
    check: ({ cluster }) => addonEnabled(cluster, "azureKeyvaultSecretsProvider")
  },
  {
    id: "azure-policy-addon", number: 12, title: "Azure Policy add-on",
    path: "properties.addonProfiles[~azurepolicy].enabled", expected: "true",
    severity: "high", citation: "ART §Policy management (L368-391); W22 §Security › Design checklist/Recommendations; W25 §Security › Recommendations, §Operational Excellence › Recommendations", source: "seed", remediation: "automatic",
    check: ({ cluster }) => addonEnabled(cluster, "azurepolicy")
  },
  {
    id: "defender-profile", number: 13, title: "Microsoft Defender for Containers security monitoring",
    path: "properties.securityProfile.defender.securityMonitoring.enabled; …defender.logAnalyticsWorkspaceResourceId", expected: "true, workspace set",
    severity: "medium", severityIn: { prod: "high" },
    citation: "W22 §Security › Design checklist (\"Use Microsoft Defender for Containers\"); W25 §Security › Design checklist & Recommendations", source: "seed", remediation: "approval",
    environments: ["staging", "prod"], otherEnvironments: "Defender may be off in dev for cost (BASELINE.md §5)",
    check: ({ cluster }) => {
      const d = cluster.securityProfile?.defender;
      return verdict(d?.securityMonitoring?.enabled === true && !!d.logAnalyticsWorkspaceResourceId, { securityMonitoring: d?.securityMonitoring?.enabled, logAnalyticsWorkspaceResourceId: d?.logAnalyticsWorkspaceResourceId });
    }
  },
  {
    id: "image-cleaner", number: 14, title: "Image Cleaner (Eraser) removes unused images",
    path: "properties.securityProfile.imageCleaner", expected: "enabled, intervalHours ≤ 120 (baseline 120)",
    severity: "low", citation: "baseline cluster-stamp.bicep:956-959 (README \"ImageCleaner (Eraser)\")", source: "aks-baseline", remediation: "automatic",
    check: ({ cluster }) => {
      const ic = cluster.securityProfile?.imageCleaner;
      return verdict(ic?.enabled === true && (ic.intervalHours ?? 0) > 0 && (ic.intervalHours ?? 0) <= 120, ic);
    }
  }
];

function addonEnabled(cluster: Parameters<typeof addon>[0], name: string) {
  const found = addon(cluster, name);
  if (!found) return fail(null, `no ${name} add-on profile`);
  return found.profile.enabled === true ? pass({ [found.key]: found.profile.enabled }) : fail({ [found.key]: found.profile.enabled });
}
