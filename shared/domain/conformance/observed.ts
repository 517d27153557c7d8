/**
 * What conformance is judged on: the ARM state of one cluster and the few related resources the
 * rules need, as the SDK clients return them (an activity fills it, shared/domain only reads it).
 * The managed cluster is the SDK's own model (SDK names: `enableRbac`, `aadProfile.enableAzureRbac`);
 * the related resources are the narrow shapes the rules read, which the SDK models satisfy.
 * A related read that is `undefined` was not made or failed: `unread` says why, and the rules that
 * need it answer notApplicable with that reason instead of guessing.
 */
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { DependencyRead, ObservedDependencies } from "./dependencies";

export interface ObservedLogSetting {
  category?: string;
  categoryGroup?: string;
  enabled: boolean;
}

export interface ObservedDiagnosticSetting {
  name?: string;
  workspaceId?: string;
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
  logs?: ObservedLogSetting[];
}

export interface ObservedRoute {
  name?: string;
  addressPrefix?: string;
  nextHopType?: string;
  nextHopIpAddress?: string;
}

export interface ObservedRouteTable {
  id?: string;
  routes?: ObservedRoute[];
}

export interface ObservedSubnet {
  id?: string;
  name?: string;
  addressPrefix?: string;
  addressPrefixes?: string[];
  /** Only `id` is set when the subnet is read without expanding it. */
  routeTable?: { id?: string };
  networkSecurityGroup?: { id?: string };
  delegations?: { serviceName?: string }[];
}

/** A node subnet named by a pool's `vnetSubnetID`, with the route table it is associated with. */
export interface ObservedNodeSubnet {
  id: string;
  /** Absent: ARM has no such subnet. */
  subnet?: ObservedSubnet;
  routeTable?: ObservedRouteTable;
}

export interface ObservedMaintenanceConfiguration {
  name?: string;
  maintenanceWindow?: {
    durationHours?: number;
    schedule?: { weekly?: { intervalWeeks?: number; dayOfWeek?: string } };
  };
}

export interface ObservedKubernetesVersion {
  /** A minor, `1.33`. */
  version?: string;
  isPreview?: boolean;
  patchVersions?: Record<string, unknown>;
}

export interface ObservedSystemTopic {
  name?: string;
  source?: string;
  topicType?: string;
}

/** A role assignment at (or under) the cluster's scope, as listForScope returns it. */
export interface ObservedClusterRoleAssignment {
  scope?: string;
  roleDefinitionId?: string;
  principalId?: string;
  principalType?: string;
}

/** A data collection rule association on the cluster and the rule it names (undefined: not readable). */
export interface ObservedDataCollection {
  name?: string;
  dataCollectionRuleId?: string;
  rule?: {
    id?: string;
    dataSources?: { extensions?: { extensionName?: string }[]; prometheusForwarder?: { streams?: string[] }[] };
    destinations?: { monitoringAccounts?: { accountResourceId?: string }[]; logAnalytics?: { workspaceResourceId?: string }[] };
  };
}

export type RelatedRead = "diagnosticSettings" | "nodeSubnets" | "apiServerSubnet" | "maintenanceConfigurations" | "kubernetesVersions" | "eventTopics" | "clusterRoleAssignments" | "dataCollection" | DependencyRead;

export interface ObservedCluster extends ObservedDependencies {
  cluster: ManagedCluster;
  diagnosticSettings?: ObservedDiagnosticSetting[];
  nodeSubnets?: ObservedNodeSubnet[];
  /** The API-server subnet of VNet integration, when the cluster names one. */
  apiServerSubnet?: ObservedSubnet;
  maintenanceConfigurations?: ObservedMaintenanceConfiguration[];
  /** The region's offered Kubernetes versions (`…/locations/{loc}/kubernetesVersions`). */
  kubernetesVersions?: ObservedKubernetesVersion[];
  /** Event Grid system topics in the cluster's resource group. */
  eventTopics?: ObservedSystemTopic[];
  /** Role assignments at or under the cluster's scope (Azure RBAC for Kubernetes). */
  clusterRoleAssignments?: ObservedClusterRoleAssignment[];
  /** Data collection rule associations on the cluster, each with its rule. */
  dataCollection?: ObservedDataCollection[];
  /** Related reads that were not made, and why (an ARM error code and message). */
  unread?: Partial<Record<RelatedRead, string>>;
}
