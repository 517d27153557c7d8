/**
 * GitOps bootstrap (BASELINE.md §1.6 F1-F8; ART §Cluster bootstrapping L592-605): the
 * `microsoft.flux` cluster extension, a Flux configuration pointing at the request's repository
 * (cluster-stamp.bicep:1113-1178, api-version 2023-05-01), and the hub firewall's GitOps egress
 * (hub-regionA.bicep:697-763). Pure.
 */
import type { GitOpsSource } from "./request";

type Json = Record<string, unknown>;

export const KUBERNETES_CONFIGURATION_API = "2023-05-01";
export const FLUX_EXTENSION = "flux";
export const FLUX_CONFIGURATION = "bootstrap";

/** The extension's PUT body: Flux's source and kustomize controllers only, as the reference (cluster-stamp.bicep:1114-1136). */
export function fluxExtensionBody(): Json {
  return {
    properties: {
      extensionType: "microsoft.flux", autoUpgradeMinorVersion: true, releaseTrain: "Stable",
      scope: { cluster: { releaseNamespace: "flux-system" } },
      configurationSettings: {
        "helm-controller.enabled": "false", "source-controller.enabled": "true", "kustomize-controller.enabled": "true",
        "notification-controller.enabled": "false", "image-automation-controller.enabled": "false", "image-reflector-controller.enabled": "false"
      },
      configurationProtectedSettings: {}
    }
  };
}

/** The Flux configuration's PUT body (cluster-stamp.bicep:1142-1178): one kustomization of the repository's path, pruned. */
export function fluxConfigurationBody(source: GitOpsSource): Json {
  return {
    properties: {
      scope: "cluster", namespace: "flux-system", sourceKind: "GitRepository",
      gitRepository: { url: source.url, timeoutInSeconds: 180, syncIntervalInSeconds: 300, repositoryRef: { branch: source.branch ?? "main" } },
      kustomizations: { unified: { path: source.path ?? "./", dependsOn: [], timeoutInSeconds: 300, syncIntervalInSeconds: 300, retryIntervalInSeconds: 300, prune: true, force: false } }
    }
  };
}

/**
 * The firewall rule collections Flux needs from the node subnets: the repository's host (https:
 * an application rule, with api.github.com for GitHub; ssh: a network rule to the host's FQDN on
 * its port, which the policy's DNS proxy resolves), and the extension's runtime endpoints
 * (hub-regionA.bicep:729-763; the reference's docker.io entries are only for its sample manifests).
 */
export function gitopsFirewallRules(source: GitOpsSource, location: string, ipGroupId: string): { application: Json; network?: Json } {
  const url = new URL(source.url);
  const https = url.protocol !== "ssh:";
  const host = url.hostname.toLowerCase();
  const origin = https
    ? [{ ruleType: "ApplicationRule", name: "git-origin", protocols: [{ protocolType: url.protocol === "http:" ? "Http" : "Https", port: Number(url.port) || (url.protocol === "http:" ? 80 : 443) }],
        sourceIpGroups: [ipGroupId], targetFqdns: host === "github.com" ? ["github.com", "api.github.com"] : [host], terminateTLS: false }]
    : [];
  const runtime = { ruleType: "ApplicationRule", name: "flux-extension-runtime-requirements", protocols: [{ protocolType: "Https", port: 443 }], sourceIpGroups: [ipGroupId], terminateTLS: false,
    targetFqdns: [`${location}.dp.kubernetesconfiguration.azure.com`, "mcr.microsoft.com", "raw.githubusercontent.com", "management.azure.com", "login.microsoftonline.com", "*.blob.core.windows.net", "azurearcfork8s.azurecr.io"] };
  return {
    application: { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "GitOps-Traffic", priority: 300, action: { type: "Allow" }, rules: [...origin, runtime] },
    ...(https ? {} : { network: { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "GitOps-Traffic", priority: 300, action: { type: "Allow" }, rules: [
      { ruleType: "NetworkRule", name: "git-origin-ssh", ipProtocols: ["TCP"], sourceIpGroups: [ipGroupId], destinationFqdns: [host], destinationPorts: [url.port || "22"] }] } })
  };
}
