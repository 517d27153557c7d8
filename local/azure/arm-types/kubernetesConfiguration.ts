/**
 * Microsoft.KubernetesConfiguration: cluster extensions and Flux configurations, extension resources
 * of a managed cluster (`{clusterId}/providers/Microsoft.KubernetesConfiguration/...`). Shapes follow
 * the spec examples (specification/kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/
 * stable/2023-05-01/examples/CreateExtension.json, CreateFluxConfiguration.json) and the reference's
 * bodies (cluster-stamp.bicep:1113-1178). What the simulator enforces:
 * - the scope must be an existing managed cluster (404 otherwise, as for any extension resource);
 * - an extension names a known `extensionType`; `microsoft.flux` installs cluster-wide
 *   (`scope.cluster`, its release namespace `flux-system` by default); a namespace scope is refused;
 * - a Flux configuration needs the microsoft.flux extension on the cluster first ("The microsoft.flux
 *   extension must be installed in the cluster before one or more fluxConfigurations can be created",
 *   learn.microsoft.com conceptual-gitops-flux2, quoted in MicrosoftDocs/azure-docs#86695);
 * - its `sourceKind` needs the matching body: 400 `ValidationFailed` "Invalid source kind match.
 *   Config with specified source kind 'GitRepository' must contain corresponding body specified in
 *   the properties." (Azure/ResourceModules#1302);
 * - the repository URL must be http, https or ssh (Flux's `^(http|https|ssh)://`, fluxcd/source-controller#253),
 *   refused with the provider's `ValidationFailed`;
 * - both PUTs are long-running: `provisioningState` Creating (Updating on a change), then Succeeded;
 *   a Flux configuration then reports `complianceState` Compliant (Pending while it is created).
 */
import { ArmError, resourceTypeOf, type ArmResource, type SimKernel } from "../kernel";
import type { ResourceTypeSpec, WriteContext } from "./engine";
import type { Json } from "./engine";

export const KUBERNETES_CONFIGURATION_API_VERSIONS = ["2022-03-01", "2022-11-01", "2023-05-01", "2024-11-01"];
/** Extension types the simulator installs (learn.microsoft.com/azure/aks/cluster-extensions#currently-available-extensions). */
const EXTENSION_TYPES = ["microsoft.flux", "microsoft.dataprotection.kubernetes", "microsoft.azureml.kubernetes", "microsoft.dapr", "microsoft.azurekeyvaultsecretsprovider"];
const CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters";

function record(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function clusterOf(c: WriteContext): ArmResource {
  const scope = c.id.split(/\/providers\/Microsoft\.KubernetesConfiguration\//i)[0] ?? "";
  if (resourceTypeOf(scope).toLowerCase() !== CLUSTER_TYPE.toLowerCase()) {
    throw new ArmError(400, "ValidationFailed", `Cluster extensions and Flux configurations apply to ${CLUSTER_TYPE}, not '${scope}'.`);
  }
  const cluster = c.parent ?? c.kernel.store.get(scope);
  if (!cluster) throw c.kernel.notFound(scope);
  return cluster;
}

/** Creating on create, Updating on change (the engine writes Updating for both). */
function creating(kernel: SimKernel, resource: ArmResource, existing?: ArmResource): void {
  if (existing) return;
  kernel.store.put(resource.id, { ...resource, properties: { ...record(resource.properties), provisioningState: "Creating" } });
}

export function kubernetesConfigurationTypes(): ResourceTypeSpec[] {
  const base = { scope: "extension" as const, apiVersions: KUBERNETES_CONFIGURATION_API_VERSIONS, lro: true, deleteLro: true, location: "none" as const, etag: false };
  const extension: ResourceTypeSpec = {
    ...base, type: "Microsoft.KubernetesConfiguration/extensions", durationMs: 3 * 60_000,
    example: "specification/kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01/examples/CreateExtension.json",
    validate: (c) => {
      clusterOf(c);
      const p = c.resource.properties;
      const type = text(p.extensionType).toLowerCase();
      if (!EXTENSION_TYPES.includes(type)) {
        throw new ArmError(400, "ValidationFailed", `Extension type '${text(p.extensionType)}' is not available for ${CLUSTER_TYPE}. Available types: ${EXTENSION_TYPES.join(", ")}.`);
      }
      const old = record(c.existing?.properties);
      if (c.existing && text(old.extensionType).toLowerCase() !== type) {
        throw new ArmError(400, "ValidationFailed", `The extension type of '${c.resource.name}' cannot be changed from '${text(old.extensionType)}' to '${text(p.extensionType)}'.`);
      }
      if (type === "microsoft.flux" && record(p.scope).namespace !== undefined) {
        throw new ArmError(400, "ValidationFailed", "The microsoft.flux extension can only be installed with cluster scope.");
      }
    },
    compute: (c) => {
      const p = c.resource.properties;
      const scope = record(p.scope);
      if (!scope.cluster && !scope.namespace) p.scope = { cluster: { releaseNamespace: text(p.extensionType).toLowerCase() === "microsoft.flux" ? "flux-system" : c.resource.name } };
      p.autoUpgradeMinorVersion ??= true;
      p.releaseTrain ??= "Stable";
      p.configurationSettings ??= {};
      // Protected settings are write-only: never returned (spec: "configurationProtectedSettings … not returned").
      delete p.configurationProtectedSettings;
      p.currentVersion ??= "1.0.0";
      p.statuses ??= [];
    },
    afterWrite: creating
  };

  const flux: ResourceTypeSpec = {
    ...base, type: "Microsoft.KubernetesConfiguration/fluxConfigurations", durationMs: 2 * 60_000,
    example: "specification/kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01/examples/CreateFluxConfiguration.json",
    validate: (c) => {
      const cluster = clusterOf(c);
      const installed = c.kernel.store.list({ prefix: cluster.id, type: extension.type })
        .some((e) => text(record(e.properties).extensionType).toLowerCase() === "microsoft.flux" && text(record(e.properties).provisioningState) !== "Failed");
      if (!installed) throw new ArmError(400, "ValidationFailed", "The microsoft.flux extension must be installed in the cluster before a Flux configuration can be created.");
      const p = c.resource.properties;
      const kind = text(p.sourceKind) || "GitRepository";
      const bodyOf: Record<string, string> = { GitRepository: "gitRepository", Bucket: "bucket", AzureBlob: "azureBlob" };
      const field = bodyOf[kind];
      if (!field) throw new ArmError(400, "ValidationFailed", `Invalid source kind '${kind}': use GitRepository, Bucket or AzureBlob.`);
      if (!p[field]) throw new ArmError(400, "ValidationFailed", `Invalid source kind match. Config with specified source kind '${kind}' must contain corresponding body specified in the properties.`);
      if (kind === "GitRepository") {
        const url = text(record(p.gitRepository).url);
        if (!/^(http|https|ssh):\/\/[^/\s]+/i.test(url)) {
          throw new ArmError(400, "ValidationFailed", `Invalid URL for the Git repository: '${url}'. The URL must start with http://, https:// or ssh://.`);
        }
      }
      if (p.scope !== undefined && !["cluster", "namespace"].includes(text(p.scope))) {
        throw new ArmError(400, "ValidationFailed", `Invalid scope '${text(p.scope)}': use cluster or namespace.`);
      }
    },
    compute: (c) => {
      const p = c.resource.properties;
      p.sourceKind ??= "GitRepository";
      p.scope ??= "cluster";
      p.namespace ??= "default";
      p.suspend ??= false;
      p.kustomizations ??= {};
      p.complianceState = "Pending";
      p.statuses ??= [];
      delete p.configurationProtectedSettings;
    },
    afterWrite: creating,
    afterComplete: (kernel, r) => {
      kernel.store.put(r.id, { ...r, properties: { ...record(r.properties), complianceState: "Compliant", sourceSyncedCommitId: "main@sha1:0000000000000000000000000000000000000000" } });
    }
  };
  return [extension, flux];
}
