/**
 * The cluster's dependencies as conformance observes them (BASELINE.md §4 #20, #22, #50, #52-#62,
 * #64-#67, #69, #71, #72): the hub firewall and its policy, the spoke/hub peerings, the registry,
 * Key Vault and App Gateway of the cluster's resource group, the role, policy and budget
 * assignments, the cluster extensions and Flux configurations. Shapes are ARM's wire JSON
 * (`properties` nested), narrowed to what the rules read. Each list is what ARM returned: empty
 * means "ARM has none", `undefined` means "not read" (ObservedCluster.unread says why).
 */

export interface Ref { id?: string }

/** An ARM resource on the wire, narrowed: the envelope and its `properties`. */
export interface ArmObject<P = Record<string, unknown>> {
  id?: string;
  name?: string;
  type?: string;
  location?: string;
  zones?: string[];
  sku?: { name?: string; tier?: string };
  identity?: { type?: string; principalId?: string; userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string } | undefined> };
  properties?: P;
}

export type ObservedPrivateEndpoint = ArmObject<{
  subnet?: Ref;
  privateLinkServiceConnections?: ArmObject<{ privateLinkServiceId?: string; groupIds?: string[] }>[];
  manualPrivateLinkServiceConnections?: ArmObject<{ privateLinkServiceId?: string; groupIds?: string[] }>[];
}>;

type PrivateEndpointConnections = ArmObject<{ privateEndpoint?: Ref; privateLinkServiceConnectionState?: { status?: string } }>[];

export type ObservedRegistry = ArmObject<{
  loginServer?: string;
  adminUserEnabled?: boolean;
  anonymousPullEnabled?: boolean;
  publicNetworkAccess?: string;
  privateEndpointConnections?: PrivateEndpointConnections;
}> & {
  /** Locations of its geo-replicas (`…/replications`; the home region's own replica included when ARM lists it). */
  replicaLocations?: string[];
  /** The private endpoints its connections name, as read. */
  privateEndpoints?: ObservedPrivateEndpoint[];
};

export type ObservedVault = ArmObject<{
  enableRbacAuthorization?: boolean;
  publicNetworkAccess?: string;
  networkAcls?: { defaultAction?: string; ipRules?: { value?: string }[] };
  privateEndpointConnections?: PrivateEndpointConnections;
}> & { privateEndpoints?: ObservedPrivateEndpoint[] };

export type ObservedWafPolicy = ArmObject<{
  policySettings?: { state?: string; mode?: string };
  managedRules?: { managedRuleSets?: { ruleSetType?: string; ruleSetVersion?: string }[] };
}>;

export type ObservedAppGateway = ArmObject<{
  sku?: { name?: string; tier?: string };
  sslPolicy?: { policyType?: string; policyName?: string; minProtocolVersion?: string };
  httpListeners?: ArmObject<{ protocol?: string; requireServerNameIndication?: boolean; hostName?: string; hostNames?: string[] }>[];
  frontendIPConfigurations?: ArmObject<{ publicIPAddress?: Ref }>[];
  firewallPolicy?: Ref;
}> & {
  /** Its WAF policy (`properties.firewallPolicy.id`), when it names one. */
  wafPolicy?: ObservedWafPolicy;
  /** Principal ids of its managed identities (from `identity`, or read from the user-assigned identity). */
  principalIds?: string[];
};

export type ObservedFirewallRule = {
  ruleType?: string;
  name?: string;
  fqdnTags?: string[];
  targetFqdns?: string[];
  sourceAddresses?: string[];
  sourceIpGroups?: string[];
};

export type ObservedRuleCollectionGroup = ArmObject<{
  priority?: number;
  ruleCollections?: { ruleCollectionType?: string; name?: string; action?: { type?: string }; rules?: ObservedFirewallRule[] }[];
}>;

export type ObservedFirewall = ArmObject<{
  ipConfigurations?: ArmObject<{ privateIPAddress?: string; publicIPAddress?: Ref; subnet?: Ref }>[];
  firewallPolicy?: Ref;
}>;

/** The firewall policy's rules and the IP groups its AKS rules name (ObservedCluster.firewallRules). */
export interface ObservedFirewallRules {
  /** Per firewall id: its policy's rule collection groups. */
  ruleCollectionGroups: Record<string, ObservedRuleCollectionGroup[]>;
  /** IP group id (lower case) → its addresses. */
  ipGroups: Record<string, string[]>;
}

export type ObservedPeering = ArmObject<{ remoteVirtualNetwork?: Ref; peeringState?: string; allowVirtualNetworkAccess?: boolean }>;

/** The spoke VNet (of the node subnets) and the hub it peers with, with their peerings. */
export interface ObservedPeerings {
  spokeId: string;
  spoke: ObservedPeering[];
  /** The hub the spoke is peered with (the firewall's VNet when known); absent when no peering names one. */
  hubId?: string;
  /** The hub's peerings; absent when ARM has no such VNet. */
  hub?: ObservedPeering[];
}

export type ObservedBastion = ArmObject<{ ipConfigurations?: ArmObject<{ subnet?: Ref }>[] }>;

export type ObservedRoleAssignment = ArmObject<{ scope?: string; roleDefinitionId?: string; principalId?: string; principalType?: string }>;

export type ObservedPolicyAssignment = ArmObject<{
  policyDefinitionId?: string;
  scope?: string;
  enforcementMode?: string;
  parameters?: Record<string, { value?: unknown } | undefined>;
}>;

export type ObservedBudget = ArmObject<{
  amount?: number;
  notifications?: Record<string, { enabled?: boolean; threshold?: number; thresholdType?: string } | undefined>;
}>;

export type ObservedExtension = ArmObject<{ extensionType?: string; provisioningState?: string }>;

export type ObservedFluxConfiguration = ArmObject<{
  sourceKind?: string;
  gitRepository?: { url?: string; repositoryRef?: { branch?: string } };
  provisioningState?: string;
  complianceState?: string;
}>;

/** Diagnostic settings of one dependency (#50): the firewall, App Gateway, Key Vault, registry, node NSGs, public IPs. */
export interface ObservedDependencyDiagnostics {
  id: string;
  kind: "firewall" | "appGateway" | "keyVault" | "registry" | "nsg" | "publicIp";
  settings?: { name?: string; workspaceId?: string; logs?: { category?: string; categoryGroup?: string; enabled: boolean }[] }[];
  /** Why the settings were not read (ARM's error). */
  unread?: string;
}

export type DependencyRead =
  | "firewalls" | "firewallRules" | "firewallPublicIps" | "peerings" | "bastionHosts"
  | "registries" | "vaults" | "appGateways" | "roleAssignments" | "controlPlanePrincipalId"
  | "policyAssignments" | "budgets" | "extensions" | "fluxConfigurations" | "dependencyDiagnostics";

export interface ObservedDependencies {
  /** Firewalls whose private IP is a node subnet's default-route next hop (the hub firewall). */
  firewalls?: ObservedFirewall[];
  firewallRules?: ObservedFirewallRules;
  /** Public IP id (lower case) → its address, for the firewalls' public IPs. */
  firewallPublicIps?: Record<string, string | undefined>;
  peerings?: ObservedPeerings;
  /** Bastion hosts of the hub's resource group. */
  bastionHosts?: ObservedBastion[];
  /** Container registries of the cluster's resource group. */
  registries?: ObservedRegistry[];
  /** Key Vaults of the cluster's resource group. */
  vaults?: ObservedVault[];
  /** Application gateways of the cluster's resource group. */
  appGateways?: ObservedAppGateway[];
  /** Role assignments at (and above) the registries and vaults, and every one of the control-plane identity. */
  roleAssignments?: ObservedRoleAssignment[];
  /** The control-plane identity's principal id (system-assigned, or read from the user-assigned identity). */
  controlPlanePrincipalId?: string;
  /** Policy assignments of the cluster's resource group. */
  policyAssignments?: ObservedPolicyAssignment[];
  /** Budgets of the cluster's resource group, else of its subscription. */
  budgets?: ObservedBudget[];
  /** `Microsoft.KubernetesConfiguration/extensions` of the cluster. */
  extensions?: ObservedExtension[];
  /** `Microsoft.KubernetesConfiguration/fluxConfigurations` of the cluster (read when a Flux extension exists). */
  fluxConfigurations?: ObservedFluxConfiguration[];
  dependencyDiagnostics?: ObservedDependencyDiagnostics[];
}
