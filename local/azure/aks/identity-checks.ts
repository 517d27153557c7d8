/**
 * What AKS checks of a cluster's identities at create (and, for a changed identity, at update):
 *
 * - A user-assigned control-plane identity must be an identity's resource id (ARM's
 *   `LinkedInvalidPropertyId`, worded as in Azure/azure-cli-extensions#1187 for
 *   `properties.diskEncryptionSetID`) that exists (`FailedIdentityOperation` with the identity
 *   service's NotFound, the envelope of Azure/azure-cli#31837).
 * - With a user-assigned control-plane identity, the identity must hold, before the cluster:
 *   `Microsoft.Network/virtualNetworks/subnets/join/action` (and `.../read`) on every subnet the
 *   cluster names (node pools' `vnetSubnetID`/`podSubnetID`, the API server's `subnetId`):
 *   "The cluster identity ... must have at least Network Contributor ... on the subnet"
 *   (learn.microsoft.com/azure/aks/configure-kubenet and configure-azure-cni prerequisites;
 *   MicrosoftDocs/azure-docs PR #12084 names the two actions). Azure answers
 *   `LinkedAuthorizationFailed` naming the client, the action and the linked scope
 *   (MicrosoftDocs/azure-aks-docs#110; message shape in Azure/aad-pod-identity#511).
 * - A BYO private DNS zone (`apiServerAccessProfile.privateDNSZone` = a zone id): the identity must
 *   be able to write the zone, else `CustomPrivateDNSZoneMissingPermissionError` "Service principal
 *   or user-assigned identity must be given permission to read and write to custom private dns zone
 *   <id>. Check access result not allowed for action Microsoft.Network/privateDnsZones/write."
 *   (Azure/Azure-Landing-Zones#2892, Azure/AKS#3470; learn.microsoft.com/azure/aks/private-clusters
 *   "Private DNS Zone Contributor").
 * - kubenet on a subnet with its own route table (AKS writes the pod routes into it): a
 *   system-assigned identity is refused (`CustomRouteTableWithUnsupportedMSIType`, aka.ms/aks/customrt,
 *   Azure/AKS#1591 "the Managed Identity is created first and given permissions on the subnet and on
 *   the BYO RT"), a user-assigned one needs `Microsoft.Network/routeTables/write` on the table.
 *   Azure CNI (overlay or not) does not write routes, so the reference (mspnp/aks-baseline) grants
 *   Network Contributor on the subnets only and deploys with a UDR route table.
 *
 * Rights come from the role assignments ARM holds for the identity's principal at the scope or any
 * parent scope, with the built-in roles' published actions (`az role definition list --name <id>`).
 * Role-assignment propagation delay (minutes in Azure) is not modelled: a granted role counts at once.
 */
import type { ArmResource, SimKernel } from "../kernel";
import { ArmError } from "../kernel";
import { findSubnet, refId } from "../network/lookup";
import { AksError, aksBadRequest } from "./errors";

type Json = Record<string, unknown>;

function record(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

/** Built-in roles as Azure publishes them (actions, notActions). */
const BUILT_IN_ROLES: Record<string, { actions: string[]; notActions: string[] }> = {
  // Owner
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": { actions: ["*"], notActions: [] },
  // Contributor
  "b24988ac-6180-42a0-ab88-20f7382dd24c": { actions: ["*"], notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"] },
  // Network Contributor
  "4d97b98b-1d4f-4787-a291-c67834d212e7": {
    actions: ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Network/*", "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*"],
    notActions: []
  },
  // Private DNS Zone Contributor
  "b12aa53e-6015-4669-85d0-8515ebb3ae7f": {
    actions: ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*",
      "Microsoft.Network/privateDnsZones/*", "Microsoft.Network/privateDnsOperationResults/*", "Microsoft.Network/privateDnsOperationStatuses/*", "Microsoft.Network/virtualNetworks/read", "Microsoft.Network/virtualNetworks/join/action"],
    notActions: []
  },
  // Reader
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": { actions: ["*/read"], notActions: [] }
};

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function matches(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const a = action.toLowerCase();
  if (p === "*") return true;
  if (!p.includes("*")) return p === a;
  const re = new RegExp(`^${p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return re.test(a);
}

/** Whether `scope` is `parent` or lies under it. */
function within(scope: string, parent: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, "");
  const p = parent.toLowerCase().replace(/\/+$/, "");
  return s === p || s.startsWith(`${p}/`);
}

/** Whether the principal may perform `action` on `scope` (role assignments at the scope or above). */
export function principalCan(kernel: SimKernel, principalId: string, action: string, scope: string): boolean {
  for (const ra of kernel.store.list({ type: "Microsoft.Authorization/roleAssignments" })) {
    const p = record(ra.properties);
    if (str(p.principalId).toLowerCase() !== principalId.toLowerCase()) continue;
    const raScope = typeof p.scope === "string" ? p.scope : ra.id.split("/providers/Microsoft.Authorization/")[0] ?? "";
    if (!within(scope, raScope)) continue;
    const roleId = str(p.roleDefinitionId).split("/").pop()?.toLowerCase() ?? "";
    const role = BUILT_IN_ROLES[roleId];
    if (!role) continue;
    if (role.actions.some((a) => matches(a, action)) && !role.notActions.some((a) => matches(a, action))) return true;
  }
  return false;
}

const IDENTITY_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

function linkedAuthorizationFailed(principalId: string, action: string, scope: string): ArmError {
  return new AksError(403, "LinkedAuthorizationFailed",
    `The client '${principalId}' with object id '${principalId}' does not have permission to perform action(s) '${action}' on the linked scope(s) '${scope}' or the linked scope(s) are invalid.`);
}

export interface ControlPlaneIdentity {
  type: "UserAssigned" | "SystemAssigned" | "None";
  /** The user-assigned identity resource (when type is UserAssigned). */
  resource?: ArmResource;
}

/** The control-plane identity of a cluster PUT: user-assigned keys must be existing identities. */
export function checkControlPlaneIdentity(kernel: SimKernel, identity: unknown): ControlPlaneIdentity {
  const i = record(identity);
  const type = typeof i.type === "string" ? i.type : "";
  if (type.toLowerCase() !== "userassigned") return { type: type.toLowerCase() === "systemassigned" ? "SystemAssigned" : "None" };
  const keys = Object.keys(record(i.userAssignedIdentities));
  if (keys.length === 0) {
    // ARM's own check of the identity envelope (hashicorp/terraform-provider-azurerm#17082).
    throw new ArmError(400, "MissingIdentityIds", "The identity ids must not be null or empty for 'UserAssigned' identity type.");
  }
  let resource: ArmResource | undefined;
  for (const key of keys) {
    if (!IDENTITY_ID.test(key)) {
      throw new ArmError(400, "LinkedInvalidPropertyId",
        `Property id '${key}' at path 'identity.userAssignedIdentities' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`);
    }
    const found = kernel.store.get(key);
    if (!found) {
      throw new ArmError(400, "FailedIdentityOperation",
        `Identity operation for resource failed with error 'Failed to perform resource identity operation. Status: 'NotFound'. Response: '{"error":{"code":"NotFound","message":"Resource '${key}' does not exist or one of its queried reference-property objects are not present."}}'.'.`);
    }
    resource ??= found;
  }
  return { type: "UserAssigned", resource };
}

/** The subnets a cluster PUT names (pools' node and pod subnets, the API server's subnet). */
function subnetsNamed(props: Json, profiles: Json[]): string[] {
  const out: string[] = [];
  for (const p of profiles) {
    for (const f of ["vnetSubnetID", "podSubnetID"]) if (typeof p[f] === "string" && p[f]) out.push(p[f]);
  }
  const api = record(props.apiServerAccessProfile);
  if (typeof api.subnetId === "string" && api.subnetId) out.push(api.subnetId);
  return [...new Map(out.map((s) => [s.toLowerCase(), s])).values()];
}

/**
 * The control-plane identity's rights on the network resources the cluster uses (see the module
 * comment). `props` is the merged cluster properties; `profiles` the pools being created.
 */
export function checkControlPlaneRights(kernel: SimKernel, cp: ControlPlaneIdentity, props: Json, profiles: Json[], plugin: string): void {
  const principalId = cp.resource ? str(record(cp.resource.properties).principalId) : "";
  const subnets = subnetsNamed(props, profiles);
  if (plugin === "kubenet") {
    for (const s of subnets) {
      const subnet = findSubnet(kernel, s);
      const rt = subnet ? refId(subnet.properties.routeTable) : undefined;
      if (!rt) continue;
      if (cp.type === "SystemAssigned") {
        throw aksBadRequest("CustomRouteTableWithUnsupportedMSIType",
          "Clusters using managed identity type SystemAssigned do not support bringing your own route table. Please see https://aka.ms/aks/customrt for more information", "identity");
      }
      if (cp.type === "UserAssigned" && !principalCan(kernel, principalId, "Microsoft.Network/routeTables/write", rt)) {
        throw linkedAuthorizationFailed(principalId, "Microsoft.Network/routeTables/write", rt);
      }
    }
  }
  if (cp.type !== "UserAssigned") return;
  for (const s of subnets) {
    for (const action of ["Microsoft.Network/virtualNetworks/subnets/join/action", "Microsoft.Network/virtualNetworks/subnets/read"]) {
      if (!principalCan(kernel, principalId, action, s)) throw linkedAuthorizationFailed(principalId, action, s);
    }
  }
  const zone = record(props.apiServerAccessProfile).privateDNSZone;
  if (typeof zone === "string" && zone.startsWith("/")) {
    if (!principalCan(kernel, principalId, "Microsoft.Network/privateDnsZones/write", zone)) {
      throw aksBadRequest("CustomPrivateDNSZoneMissingPermissionError",
        `Service principal or user-assigned identity must be given permission to read and write to custom private dns zone ${zone}. Check access result not allowed for action Microsoft.Network/privateDnsZones/write.`,
        "apiServerAccessProfile.privateDNSZone");
    }
  }
}

/**
 * Security settings AKS checks against each other or against ARM, on the merged properties:
 * - workload identity needs the OIDC issuer (learn.microsoft.com/azure/aks/workload-identity-deploy-cluster:
 *   "--enable-oidc-issuer --enable-workload-identity"; the AKS Terraform module mirrors the service's
 *   refusal as a precondition, Azure/terraform-azurerm-aks#377). The exact AKS wording is not public:
 *   InvalidParameter naming the field.
 * - `diskEncryptionSetID` must be a resource id (ARM's LinkedInvalidPropertyId, verbatim from
 *   Azure/azure-cli-extensions#1187) of a disk encryption set that exists (Compute's "DiskEncryptionSet
 *   '<id>' was not found.", Azure/azure-cli#18355).
 */
export function checkSecuritySettings(kernel: SimKernel, props: Json): void {
  const wi = record(record(props.securityProfile).workloadIdentity);
  if (wi.enabled === true && record(props.oidcIssuerProfile).enabled !== true) {
    throw aksBadRequest("InvalidParameter",
      "The value of parameter securityProfile.workloadIdentity is invalid. Enabling workload identity requires enabling the OIDC issuer (oidcIssuerProfile.enabled).", "securityProfile.workloadIdentity");
  }
  const des = props.diskEncryptionSetID;
  if (des !== undefined && des !== null) {
    const id = typeof des === "string" ? des : "";
    if (!/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/diskEncryptionSets\/[^/]+$/i.test(id)) {
      throw new ArmError(400, "LinkedInvalidPropertyId",
        `Property id '${id}' at path 'properties.diskEncryptionSetID' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`);
    }
    if (!kernel.store.get(id)) throw new ArmError(400, "BadRequest", `DiskEncryptionSet '${id}' was not found.`);
  }
}
