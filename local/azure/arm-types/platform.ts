/**
 * The baseline's non-network types: Container Registry, Key Vault, Log Analytics workspaces,
 * user-assigned identities, role and policy assignments, action groups. Shapes follow the REST
 * spec examples cited per type; rules and codes: ../shared/BASELINE.md §3.2.
 */
import { createHash } from "node:crypto";
import { ArmError, nameOf, type ArmResource, type SimKernel } from "../kernel";
import type { ArmTypeRegistry, Json, ResourceTypeSpec } from "./engine";
import { validateAssignmentParameters } from "./policy";

export const TENANT_ID = "00000000-0000-0000-0000-000000000000";

function record(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function guidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function text(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : JSON.stringify(v ?? null);
}

/** Principals the simulated directory knows: identities' principals, kubelet identities, and ones added with `POST /_sim/directory`. */
export class Directory {
  private readonly extra = new Map<string, string>();

  constructor(private readonly kernel: SimKernel) {
    kernel.registerState("directory", {
      save: () => [...this.extra],
      load: (d) => {
        this.extra.clear();
        for (const [k, v] of d as [string, string][]) this.extra.set(k, v);
      }
    });
    kernel.router.control("POST", "/_sim/directory", (req) => {
      const b = record(req.body);
      if (typeof b.objectId !== "string") return { status: 400, body: { error: { code: "InvalidPrincipal", message: "Body must be {\"objectId\": \"<guid>\", \"type\"?: \"User\"|\"Group\"|\"ServicePrincipal\"}" } } };
      this.add(b.objectId, typeof b.type === "string" ? b.type : "User");
      return { status: 201, body: { objectId: b.objectId, type: this.extra.get(b.objectId.toLowerCase()) } };
    });
  }

  /** Adds an object (an Entra group the platform will grant roles to). */
  add(objectId: string, type: string): void {
    this.extra.set(objectId.toLowerCase(), type);
  }

  /** The principal's type, or undefined when the directory has no such object. */
  typeOf(objectId: string): string | undefined {
    const id = objectId.toLowerCase();
    const added = this.extra.get(id);
    if (added) return added;
    for (const r of this.kernel.store.list()) {
      if (text(record(r.properties).principalId).toLowerCase() === id) return "ServicePrincipal";
      if (text(record(r.identity).principalId).toLowerCase() === id) return "ServicePrincipal";
      const kubelet = record(record(record(r.properties).identityProfile).kubeletidentity);
      if (text(kubelet.objectId).toLowerCase() === id) return "ServicePrincipal";
    }
    return undefined;
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REPLICATION_TYPE = "Microsoft.ContainerRegistry/registries/replications";

/** Normalised region name (`West Europe` → `westeurope`). */
function region(v: unknown): string {
  return text(v).toLowerCase().replace(/\s+/g, "");
}

/**
 * A registry's dedicated data endpoints: one per region it serves, home and replicas
 * (`{registry}.{region}.data.azurecr.io`, learn.microsoft.com/azure/container-registry/container-registry-dedicated-data-endpoints:
 * "a regional data endpoint for each geo-replicated region").
 */
function dataEndpointsOf(kernel: SimKernel, registryId: string, registryName: string, home: string): string[] {
  const replicas = kernel.store.list({ type: REPLICATION_TYPE }).filter((r) => r.id.toLowerCase().startsWith(`${registryId.toLowerCase()}/replications/`)).map((r) => region(r.location));
  return [...new Set([region(home), ...replicas])].map((l) => `${registryName.toLowerCase()}.${l}.data.azurecr.io`);
}

export function platformTypes(kernel: SimKernel, directory: Directory): ResourceTypeSpec[] {
  const acr: ResourceTypeSpec = {
    type: "Microsoft.ContainerRegistry/registries", scope: "resourceGroup", subscriptionList: true,
    example: "specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/2025-11-01/examples/RegistryCreate.json",
    apiVersions: ["2023-07-01", "2023-11-01-preview", "2025-04-01", "2025-11-01"], lro: true, deleteLro: true, durationMs: 60_000, location: "required", etag: false,
    name: { pattern: /^[a-zA-Z0-9]{5,50}$/, code: "RegistryNameInvalid", message: (n) => `The registry name '${n}' is invalid: it must be 5-50 alphanumeric characters.` },
    validate: (c) => {
      const sku = text(record(c.resource.sku).name);
      if (!["Basic", "Standard", "Premium"].includes(sku)) throw new ArmError(400, "InvalidSku", `The SKU '${sku}' is invalid: use Basic, Standard or Premium.`);
      const taken = c.kernel.store.list({ type: acr.type }).find((r) => r.name.toLowerCase() === c.resource.name.toLowerCase() && r.id.toLowerCase() !== c.id.toLowerCase());
      if (taken) throw new ArmError(409, "AlreadyInUse", `The registry DNS name ${c.resource.name.toLowerCase()}.azurecr.io is already in use.`);
      const p = c.resource.properties;
      if (sku !== "Premium") {
        // Geo-replication is Premium's (BASELINE.md §3.2 V24): a registry with replicas cannot leave Premium.
        const replicas = c.kernel.store.list({ type: REPLICATION_TYPE }).filter((r) => r.id.toLowerCase().startsWith(`${c.id.toLowerCase()}/replications/`));
        if (replicas.length > 0) throw new ArmError(400, "GeoReplicationNotSupported", `Geo-replication is not supported for the SKU ${sku}: delete the replication(s) ${replicas.map((r) => r.name).join(", ")} first.`);
        if (p.publicNetworkAccess === "Disabled") throw new ArmError(400, "DisablingPublicNetworkAccessNotSupported", `Disabling public network access is not supported for the SKU ${sku}.`);
        if (p.zoneRedundancy === "Enabled") throw new ArmError(400, "ZoneRedundancyNotSupported", `Zone redundancy is not supported for the SKU ${sku}.`);
        if (p.dataEndpointEnabled === true) throw new ArmError(400, "DataEndpointNotSupported", `Dedicated data endpoints are not supported for the SKU ${sku}.`);
        if (text(record(p.networkRuleSet).defaultAction) === "Deny") throw new ArmError(400, "NetworkRuleSetNotSupported", `Network rule sets are not supported for the SKU ${sku}.`);
      }
    },
    compute: (c) => {
      const p = c.resource.properties;
      c.resource.sku = { ...record(c.resource.sku), tier: record(c.resource.sku).name };
      p.loginServer = `${c.resource.name.toLowerCase()}.azurecr.io`;
      p.creationDate = record(c.existing?.properties).creationDate ?? new Date(c.kernel.clock.now()).toISOString();
      p.adminUserEnabled ??= false;
      p.publicNetworkAccess ??= "Enabled";
      p.zoneRedundancy ??= "Disabled";
      p.dataEndpointEnabled ??= false;
      p.networkRuleBypassOptions ??= "AzureServices";
      p.anonymousPullEnabled ??= false;
      p.status = { displayStatus: "Succeeded", timestamp: new Date(c.kernel.clock.now()).toISOString() };
      if (p.dataEndpointEnabled === true) p.dataEndpointHostNames = dataEndpointsOf(c.kernel, c.id, c.resource.name, text(c.resource.location));
      // Defaults every SKU reports (RegistryCreate.json at 2025-11-01, a Standard registry):
      // networkRuleSet Allow, the five policies, encryption disabled, no data endpoints, no private
      // endpoint connections, bypass for tasks off, legacy role-assignment mode.
      p.dataEndpointHostNames ??= [];
      p.networkRuleSet = { defaultAction: "Allow", ipRules: [], ...record(p.networkRuleSet) };
      const policies = record(p.policies);
      const now = new Date(c.kernel.clock.now()).toISOString();
      p.policies = {
        ...policies,
        quarantinePolicy: { status: "disabled", ...record(policies.quarantinePolicy) },
        trustPolicy: { type: "Notary", status: "disabled", ...record(policies.trustPolicy) },
        retentionPolicy: { days: 7, status: "disabled", lastUpdatedTime: now, ...record(policies.retentionPolicy) },
        exportPolicy: { status: "enabled", ...record(policies.exportPolicy) },
        azureADAuthenticationAsArmPolicy: { status: "enabled", ...record(policies.azureADAuthenticationAsArmPolicy) }
      };
      p.encryption = { status: "disabled", ...record(p.encryption) };
      p.privateEndpointConnections ??= [];
      p.networkRuleBypassAllowedForTasks ??= false;
      p.roleAssignmentMode ??= "LegacyRegistryPermissions";
    }
  };

  // A registry's geo-replica (Replications_Create in Registry/stable/2025-11-01/containerregistry.json,
  // examples ReplicationCreate.json, ReplicationList.json): a long-running PUT (201 + Azure-AsyncOperation,
  // provisioningState Creating, status Provisioning → Succeeded / Ready), `location` required, name 5-50
  // alphanumerics (the spec's replicationName pattern `^[a-zA-Z0-9]*$`, minLength 5, maxLength 50), properties
  // regionEndpointEnabled (default true) and zoneRedundancy (default Disabled). Rules:
  // - Premium only (BASELINE.md §3.2 V24; learn.microsoft.com/azure/container-registry/container-registry-geo-replication
  //   "Geo-replication is a feature of Premium registries"; PSRule Azure.ACR.GeoReplica "Set sku.name to Premium
  //   (required for geo-replication)"). The error code is this simulator's: no public thread shows Azure's.
  // - Not in the registry's home region: Azure keeps the home region's replica itself, so a replica is for
  //   another region (terraform-provider-azurerm docs "georeplications list cannot contain the location where
  //   the Container Registry exists", PR #7861/#15847; Azure/ARO-HCP#995 "An ACR replication cannot exist in
  //   the same region as the parent ACR"). Azure itself does not refuse a PUT named after the home region (it
  //   is that home replica, Azure/azure-rest-api-specs#10233); this simulator keeps no home replica, so it
  //   refuses any replica in the home region rather than store a second one there (the platform never sends one).
  // - One replica per region (the CLI names a replica after its region by default, `az acr replication create --name`
  //   "Defaults to the location name").
  // Deleting the registry deletes its replicas (children); the registry cannot leave Premium while it has one.
  const replication: ResourceTypeSpec = {
    type: REPLICATION_TYPE, scope: "resourceGroup",
    example: "specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/2025-11-01/examples/ReplicationCreate.json",
    apiVersions: acr.apiVersions.concat(["2021-09-01"]).sort(), lro: true, deleteLro: true, durationMs: 5 * 60_000, location: "required", etag: false, creatingState: "Creating",
    name: { pattern: /^[a-zA-Z0-9]{5,50}$/, code: "InvalidReplicationName", message: (n) => `The replication name '${n}' is invalid: it must be 5-50 alphanumeric characters.` },
    validate: (c) => {
      const registry = c.parent;
      if (!registry) throw c.kernel.notFound(c.id.split("/replications/")[0] ?? c.id);
      const sku = text(record(registry.sku).name);
      if (sku !== "Premium") throw new ArmError(400, "GeoReplicationNotSupported", `Geo-replication is not supported for the SKU ${sku}: the registry ${registry.name} must be Premium.`);
      const where = region(c.resource.location);
      if (where === region(registry.location)) {
        throw new ArmError(400, "InvalidReplicationLocation", `The replication location '${where}' is the home region of the registry ${registry.name}: a replica must be in another region.`);
      }
      const other = c.kernel.store.list({ type: REPLICATION_TYPE })
        .find((r) => r.id.toLowerCase().startsWith(`${registry.id.toLowerCase()}/replications/`) && r.id.toLowerCase() !== c.id.toLowerCase() && region(r.location) === where);
      if (other) throw new ArmError(409, "ReplicationAlreadyExists", `The registry ${registry.name} already has the replication '${other.name}' in ${where}.`);
      const zr = c.resource.properties.zoneRedundancy;
      if (zr !== undefined && zr !== "Enabled" && zr !== "Disabled") throw new ArmError(400, "InvalidZoneRedundancy", `The zoneRedundancy '${text(zr)}' is invalid: use Enabled or Disabled.`);
      if (c.existing && zr !== undefined && zr !== record(c.existing.properties).zoneRedundancy) {
        throw new ArmError(400, "ZoneRedundancyCannotBeUpdated", "The zoneRedundancy of a replication is set when it is created and cannot be changed.");
      }
    },
    compute: (c) => {
      const p = c.resource.properties;
      p.regionEndpointEnabled ??= true;
      p.zoneRedundancy ??= record(c.existing?.properties).zoneRedundancy ?? "Disabled";
      p.status = { displayStatus: "Provisioning", message: "The replication is provisioning.", timestamp: new Date(c.kernel.clock.now()).toISOString() };
    },
    afterComplete: (kernel, r) => {
      kernel.store.put(r.id, { ...r, properties: { ...record(r.properties), status: { displayStatus: "Ready", message: "The replication is ready.", timestamp: new Date(kernel.clock.now()).toISOString() } } });
      syncDataEndpoints(kernel, r.id);
    },
    afterDelete: (kernel, r) => { syncDataEndpoints(kernel, r.id); }
  };
  const syncDataEndpoints = (kernel: SimKernel, replicationId: string): void => {
    const registryId = replicationId.split(/\/replications\//i)[0] ?? "";
    const reg = kernel.store.get(registryId);
    if (!reg || record(reg.properties).dataEndpointEnabled !== true) return;
    kernel.store.put(reg.id, { ...reg, properties: { ...record(reg.properties), dataEndpointHostNames: dataEndpointsOf(kernel, reg.id, reg.name, text(reg.location)) } });
  };

  const vault: ResourceTypeSpec = {
    type: "Microsoft.KeyVault/vaults", scope: "resourceGroup", subscriptionList: true,
    example: "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/examples/createVault.json",
    apiVersions: ["2023-02-01", "2023-07-01", "2024-11-01", "2025-05-01", "2026-02-01"], lro: true, deleteLro: false, durationMs: 20_000, location: "required", etag: false,
    name: {
      pattern: /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, code: "VaultNameNotValid",
      message: (n) => `The vault name '${n}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`
    },
    validate: (c) => {
      const p = c.resource.properties;
      if (typeof p.tenantId !== "string" || !GUID.test(p.tenantId)) throw new ArmError(400, "BadRequest", "The parameter properties.tenantId must be a GUID.");
      const sku = text(record(p.sku).name);
      if (!["standard", "premium"].includes(sku.toLowerCase())) throw new ArmError(400, "BadRequest", `The SKU '${sku}' is invalid: use standard or premium.`);
      const days = p.softDeleteRetentionInDays;
      if (days !== undefined && (typeof days !== "number" || days < 7 || days > 90)) throw new ArmError(400, "BadRequest", "The parameter properties.softDeleteRetentionInDays must be between 7 and 90.");
      const taken = c.kernel.store.list({ type: vault.type }).find((r) => r.name.toLowerCase() === c.resource.name.toLowerCase() && r.id.toLowerCase() !== c.id.toLowerCase());
      if (taken) throw new ArmError(409, "VaultAlreadyExists", `The vault name '${c.resource.name}' is already in use. Vault names are globally unique so it is possible that the name is already taken.`);
      if (c.existing && c.existing.properties && record(c.existing.properties).enablePurgeProtection === true && p.enablePurgeProtection === false) {
        throw new ArmError(400, "BadRequest", "The property \"enablePurgeProtection\" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.");
      }
    },
    compute: (c) => {
      const p = c.resource.properties;
      p.vaultUri = `https://${c.resource.name.toLowerCase()}.vault.azure.net/`;
      p.enableSoftDelete ??= true;
      p.softDeleteRetentionInDays ??= 90;
      p.enableRbacAuthorization ??= false;
      p.accessPolicies ??= [];
      p.publicNetworkAccess ??= "Enabled";
    }
  };

  // Key Vault secrets through ARM (SecretCreateOrUpdateParameters; createSecret.json/getSecret.json at
  // specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/examples): the request
  // carries no location (the response has the vault's), `properties.value` is write-only ("'value' will
  // never be returned from the service", SecretProperties in keyvault.json), and ARM answers
  // `attributes` {enabled, created, updated} (Unix seconds), `secretUri` and `secretUriWithVersion`
  // (a new version on every write). The value is not kept at all here: nothing reads it back.
  const secret: ResourceTypeSpec = {
    type: "Microsoft.KeyVault/vaults/secrets", scope: "resourceGroup",
    example: "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/examples/createSecret.json",
    apiVersions: vault.apiVersions, lro: false, deleteLro: false, durationMs: 0, location: "none", etag: false,
    name: { pattern: /^[a-zA-Z0-9-]{1,127}$/, code: "BadRequest", message: (n) => `The secret name '${n}' is invalid: 1-127 letters, digits and dashes.` },
    validate: (c) => {
      const attributes = c.resource.properties.attributes;
      if (attributes !== undefined && (typeof attributes !== "object" || attributes === null || Array.isArray(attributes))) throw new ArmError(400, "BadRequest", "The parameter properties.attributes must be an object.");
    },
    compute: (c) => {
      const p = c.resource.properties;
      const now = Math.floor(c.kernel.clock.now() / 1000);
      const old = record(record(c.existing?.properties).attributes);
      const vaultName = c.parent?.name ?? "";
      delete p.value;
      p.attributes = { enabled: true, ...record(p.attributes), created: typeof old.created === "number" ? old.created : now, updated: now };
      p.secretUri = `https://${vaultName.toLowerCase()}.vault.azure.net/secrets/${c.resource.name}`;
      p.secretUriWithVersion = `${text(p.secretUri)}/${createHash("sha256").update(`${c.id.toLowerCase()}:${c.kernel.clock.now()}:${text(record(c.existing?.properties).secretUriWithVersion)}`).digest("hex").slice(0, 32)}`;
      if (typeof c.parent?.location === "string") c.resource.location = c.parent.location;
    }
  };

  const workspace: ResourceTypeSpec = {
    type: "Microsoft.OperationalInsights/workspaces", scope: "resourceGroup", subscriptionList: true,
    example: "specification/operationalinsights/resource-manager/Microsoft.OperationalInsights/OperationalInsights/stable/2025-07-01/examples/WorkspacesCreate.json",
    apiVersions: ["2020-08-01", "2021-06-01", "2022-10-01", "2023-09-01", "2025-02-01", "2025-07-01"], lro: false, deleteLro: false, durationMs: 0, location: "required", etag: true,
    name: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/, code: "InvalidWorkspaceName", message: (n) => `Workspace name '${n}' is invalid: it must be 4-63 characters of letters, digits and hyphens, starting and ending with a letter or digit.` },
    validate: (c) => {
      const days = c.resource.properties.retentionInDays;
      if (days !== undefined && (typeof days !== "number" || days < 30 || days > 730)) throw new ArmError(400, "InvalidParameter", `retentionInDays ${text(days)} is out of range: it must be between 30 and 730.`);
    },
    compute: (c) => {
      const p = c.resource.properties;
      p.customerId = record(c.existing?.properties).customerId ?? guidFrom(`workspace:${c.id.toLowerCase()}`);
      p.sku = { name: "PerGB2018", ...record(p.sku) };
      p.retentionInDays ??= 30;
      p.createdDate = record(c.existing?.properties).createdDate ?? new Date(c.kernel.clock.now()).toISOString();
      p.modifiedDate = new Date(c.kernel.clock.now()).toISOString();
      p.publicNetworkAccessForIngestion ??= "Enabled";
      p.publicNetworkAccessForQuery ??= "Enabled";
      p.workspaceCapping = { dailyQuotaGb: -1, ...record(p.workspaceCapping) };
    }
  };

  const identity: ResourceTypeSpec = {
    type: "Microsoft.ManagedIdentity/userAssignedIdentities", scope: "resourceGroup", subscriptionList: true,
    example: "specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/examples/IdentityCreate.json",
    apiVersions: ["2023-01-31", "2023-07-31-preview", "2024-11-30", "2025-01-31-preview"], lro: false, deleteLro: false, durationMs: 0, location: "required", etag: false,
    name: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/, code: "InvalidResourceName", message: (n) => `Resource name '${n}' is invalid. A user-assigned identity name must be 3-128 characters of letters, digits, '-' and '_', starting with a letter or digit.` },
    compute: (c) => {
      const p = c.resource.properties;
      p.tenantId = TENANT_ID;
      p.principalId = record(c.existing?.properties).principalId ?? guidFrom(`principal:${c.id.toLowerCase()}`);
      p.clientId = record(c.existing?.properties).clientId ?? guidFrom(`client:${c.id.toLowerCase()}`);
      p.isolationScope ??= "None";
    }
  };

  const roleAssignment: ResourceTypeSpec = {
    type: "Microsoft.Authorization/roleAssignments", scope: "extension",
    example: "specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/RoleAssignments_CreateForResource.json",
    apiVersions: ["2020-04-01-preview", "2020-10-01-preview", "2022-01-01-preview", "2022-04-01"], lro: false, deleteLro: false, durationMs: 0, location: "none", etag: false,
    name: { pattern: GUID, code: "InvalidRoleAssignmentId", message: (n) => `The role assignment ID '${n}' is not valid. The role assignment ID must be a GUID.` },
    validate: (c) => {
      const p = c.resource.properties;
      const roleId = text(p.roleDefinitionId);
      if (!/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(roleId)) {
        throw new ArmError(400, "InvalidRoleDefinitionId", `The role definition ID '${roleId}' is not valid.`);
      }
      const principal = text(p.principalId);
      if (!GUID.test(principal) || !directory.typeOf(principal)) {
        throw new ArmError(400, "PrincipalNotFound", `Principal ${principal.replace(/-/g, "")} does not exist in the directory ${TENANT_ID}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.`);
      }
      const old = c.existing ? record(c.existing.properties) : undefined;
      if (old && (text(old.principalId).toLowerCase() !== principal.toLowerCase() || text(old.roleDefinitionId).toLowerCase() !== roleId.toLowerCase())) {
        throw new ArmError(400, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
      }
      const scope = c.id.split("/providers/Microsoft.Authorization/")[0] ?? "";
      const same = c.kernel.store.list({ type: roleAssignment.type }).find((r) => r.id.toLowerCase() !== c.id.toLowerCase() &&
        text(record(r.properties).scope).toLowerCase() === scope.toLowerCase() &&
        text(record(r.properties).principalId).toLowerCase() === principal.toLowerCase() &&
        nameOf(text(record(r.properties).roleDefinitionId)).toLowerCase() === nameOf(roleId).toLowerCase());
      if (same) throw new ArmError(409, "RoleAssignmentExists", `The role assignment already exists. The ID of the existing role assignment is ${same.name.replace(/-/g, "")}.`);
    },
    compute: (c) => {
      const p = c.resource.properties;
      p.scope = c.id.split("/providers/Microsoft.Authorization/")[0];
      p.principalType ??= directory.typeOf(text(p.principalId)) ?? "User";
      p.createdOn = record(c.existing?.properties).createdOn ?? new Date(c.kernel.clock.now()).toISOString();
      p.updatedOn = new Date(c.kernel.clock.now()).toISOString();
      delete p.provisioningState;
    }
  };

  const policyAssignment: ResourceTypeSpec = {
    type: "Microsoft.Authorization/policyAssignments", scope: "extension",
    example: "specification/resources/resource-manager/Microsoft.Authorization/policy/stable/2024-04-01/examples/createPolicyAssignment.json",
    apiVersions: ["2022-06-01", "2023-04-01", "2024-04-01", "2024-05-01", "2025-01-01", "2025-03-01"], lro: false, deleteLro: false, durationMs: 0, location: "optional", etag: false,
    name: { pattern: /^[^<>*%&:\\?.+/]{1,64}[^<>*%&:\\?.+/ ]$|^[^<>*%&:\\?.+/ ]$/, code: "InvalidPolicyAssignmentName", message: (n) => `The policy assignment name '${n}' is invalid: at most 64 characters, none of <>*%&:\\?.+/ and no trailing space.` },
    validate: (c) => {
      const def = text(c.resource.properties.policyDefinitionId);
      if (!/\/providers\/Microsoft\.Authorization\/(policyDefinitions|policySetDefinitions)\/[^/]+$/i.test(def)) {
        throw new ArmError(400, "InvalidCreatePolicyAssignmentRequest", `The policy definition id '${def}' is not valid.`);
      }
      if (c.resource.identity && !c.resource.location) throw new ArmError(400, "LocationRequired", "A policy assignment with a managed identity needs a location.");
      // The definition must exist and take exactly these parameters (policy.ts cites Azure's errors).
      validateAssignmentParameters(c.kernel, c.resource.name, def, record(c.resource.properties.parameters));
    },
    compute: (c) => {
      const p = c.resource.properties;
      p.scope = c.id.split("/providers/Microsoft.Authorization/")[0];
      p.enforcementMode ??= "Default";
      p.notScopes ??= [];
      delete p.provisioningState;
      if (record(c.resource.identity).type === "SystemAssigned") {
        c.resource.identity = { type: "SystemAssigned", principalId: guidFrom(`policy:${c.id.toLowerCase()}`), tenantId: TENANT_ID };
      }
    }
  };

  const actionGroup: ResourceTypeSpec = {
    type: "Microsoft.Insights/actionGroups", scope: "resourceGroup", subscriptionList: true,
    example: "specification/monitor/resource-manager/Microsoft.Insights/stable/2024-10-01-preview/examples/createOrUpdateActionGroup.json",
    apiVersions: ["2021-09-01", "2022-06-01", "2023-01-01", "2023-09-01-preview", "2024-10-01-preview"], lro: false, deleteLro: false, durationMs: 0, location: "required", etag: false,
    name: { pattern: /^[^%&:\\?/#<>*]{1,260}$/, code: "InvalidResourceName", message: (n) => `The action group name '${n}' is invalid.` },
    validate: (c) => {
      const p = c.resource.properties;
      if (typeof p.groupShortName !== "string" || p.groupShortName.length < 1 || p.groupShortName.length > 12) {
        throw new ArmError(400, "InvalidActionGroupShortName", "The groupShortName of an action group is required and must be at most 12 characters.");
      }
      for (const w of Array.isArray(p.webhookReceivers) ? p.webhookReceivers as Json[] : []) {
        let ok = false;
        try { ok = /^https?:$/.test(new URL(text(w.serviceUri)).protocol); } catch { ok = false; }
        if (!ok) throw new ArmError(400, "InvalidWebhookReceiverServiceUri", `Webhook receiver '${text(w.name)}' has an invalid serviceUri.`);
        // A secure webhook names the Entra application the token is for (its object id).
        if (w.useAadAuth === true && (typeof w.objectId !== "string" || !GUID.test(w.objectId))) {
          throw new ArmError(400, "InvalidWebhookReceiver", `Webhook receiver '${text(w.name)}' uses Microsoft Entra authentication (useAadAuth) and needs the objectId of the application the token is for.`);
        }
      }
    },
    compute: (c) => {
      const p = c.resource.properties;
      p.enabled ??= true;
      for (const f of ["emailReceivers", "smsReceivers", "webhookReceivers", "itsmReceivers", "azureAppPushReceivers", "automationRunbookReceivers", "voiceReceivers", "logicAppReceivers", "azureFunctionReceivers", "armRoleReceivers", "eventHubReceivers"]) p[f] ??= [];
      // A secure webhook's tenant defaults to the directory's and its audience to the application's
      // default ID URI (api://<id>) when not given (the portal fills both from the application).
      p.webhookReceivers = (p.webhookReceivers as Json[]).map((w) => ({
        useCommonAlertSchema: false, useAadAuth: false, ...w,
        ...(w.useAadAuth === true ? { tenantId: typeof w.tenantId === "string" && w.tenantId ? w.tenantId : TENANT_ID, identifierUri: typeof w.identifierUri === "string" && w.identifierUri ? w.identifierUri : `api://${text(w.objectId)}` } : {})
      }));
      delete p.provisioningState;
    }
  };

  void kernel;
  return [acr, replication, vault, secret, workspace, identity, roleAssignment, policyAssignment, actionGroup];
}

export function registerPlatformTypes(registry: ArmTypeRegistry, kernel: SimKernel): Directory {
  const directory = new Directory(kernel);
  kernel.provide("directory", directory);
  for (const spec of platformTypes(kernel, directory)) registry.register(spec);
  return directory;
}

export type { ArmResource };
