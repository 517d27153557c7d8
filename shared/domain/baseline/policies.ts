/**
 * The reference's Azure Policy assignments (mspnp/aks-baseline workload-team/modules/policies.bicep,
 * acr-stamp.bicep:102-145; BASELINE.md §1.7): 18 built-in definitions and the pod security
 * restricted initiative, the custom ingress TLS host definition (created at the subscription) and
 * its assignment, and the two registry policies: 21 assignments at the workload resource group,
 * before the cluster (cluster-stamp.bicep:998-1002, §1.8 #5). Pure.
 *
 * Effects per environment (issue 29; BASELINE.md §5 "dev/test should not copy prod"):
 * - staging and prod: as the reference (Deny where it denies, Audit where the definition has no
 *   Deny or the reference audits on purpose: the restricted initiative, ART §Policy management L391;
 *   the default-namespace policy, kept Audit as the reference does).
 * - dev: Audit instead of every Deny, so a developer's experiment is reported, not refused.
 * - allowed images: the registry and MCR; dev also docker.io/library (§5 allowed-images row). Prod
 *   drops the reference's docker.io/library ("PRODUCTION READINESS CHANGE REQUIRED",
 *   policies.bicep:279-281; conformance #65), and the regex is anchored (`^(…)$`: the reference's
 *   alternation is not, so `evil.example/x/mcr.microsoft.com/y` would pass).
 * - excluded namespaces: the system ones the reference lists (kube-system, gatekeeper-system,
 *   azure-arc, flux-system where it lists it); the reference's own workload namespaces (a0008,
 *   cluster-baseline-settings) are not this platform's.
 * - the ingress TLS hosts' domain: the suffix of the App Gateway backend's host
 *   (`{name}.aks-ingress.internal`, profile.ts), which the in-cluster ingress serves.
 */
import type { Environment } from "../policy";
import { deterministicGuid } from "./names";

type Json = Record<string, unknown>;

export const POLICY_API = { assignments: "2024-04-01", definitions: "2023-04-01" } as const;
export const INGRESS_DOMAIN_SUFFIX = "aks-ingress.internal";
export const CUSTOM_INGRESS_DEFINITION = "K8sCustomIngressTlsHostsHaveDefinedDomainSuffix";

const SYSTEM = ["kube-system", "gatekeeper-system", "azure-arc"];
const WITH_FLUX = [...SYSTEM, "flux-system"];

interface Assignment {
  /** Built-in definition id (a GUID), or the custom definition's name. */
  definition: string;
  set?: boolean;
  title: string;
  /** The reference's effect: `Deny` becomes Audit in dev; `Audit` stays. */
  effect: "Audit" | "Deny";
  parameters?: (ctx: { acr: string; environment: Environment }) => Json;
  source: string;
}

/** The assignments, in policies.bicep order. */
export const BASELINE_POLICY_ASSIGNMENTS: readonly Assignment[] = [
  { definition: "42b8ef37-b724-4e24-bbc8-7a7708edfe00", set: true, title: "Kubernetes cluster pod security restricted standards for Linux-based workloads", effect: "Audit",
    parameters: () => ({ excludedNamespaces: WITH_FLUX }), source: "policies.bicep:124-159; ART §Policy management L391 (Audit)" },
  { definition: "1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d", title: "Kubernetes clusters should be accessible only over HTTPS", effect: "Deny", parameters: () => ({ excludedNamespaces: [] }), source: "policies.bicep:163-180" },
  { definition: "3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e", title: "Kubernetes clusters should use internal load balancers", effect: "Deny", parameters: () => ({ excludedNamespaces: [] }), source: "policies.bicep:184-201" },
  { definition: "df49d893-a74c-421d-bc95-c663042e5b80", title: "Kubernetes cluster containers should run with a read only root file system", effect: "Deny",
    parameters: () => ({ excludedNamespaces: WITH_FLUX }), source: "policies.bicep:205-232 (its sample's container exclusion dropped)" },
  { definition: "e345eecc-fa47-480f-9e88-67dcc122b164", title: "Container CPU and memory limits should not exceed the specified limits", effect: "Deny",
    parameters: () => ({ cpuLimit: "500m", memoryLimit: "256Mi", excludedNamespaces: WITH_FLUX }), source: "policies.bicep:237-265; W25 §Reliability (enforce limits with Azure Policy)" },
  { definition: "febd0533-8e55-448f-b837-bd0e06f16469", title: "Containers should only use allowed images", effect: "Deny",
    parameters: ({ acr, environment }) => ({ allowedContainerImagesRegex: allowedImagesRegex(acr, environment), excludedNamespaces: SYSTEM }),
    source: "policies.bicep:269-295; ART §Container image reference L144, §Policy management L393" },
  { definition: "098fc59e-46c7-4d99-9b16-64990e543d75", title: "Pod hostPath volumes should only use allowed host paths", effect: "Deny",
    parameters: () => ({ excludedNamespaces: WITH_FLUX, allowedHostPaths: { paths: [] } }), source: "policies.bicep:298-325" },
  { definition: "d46c275d-1680-448d-b2ec-e495a3b6cc89", title: "Services should only use allowed external IPs", effect: "Deny",
    parameters: () => ({ excludedNamespaces: SYSTEM, allowedExternalIPs: [] }), source: "policies.bicep:329-353" },
  { definition: "1ddac26b-ed48-4c30-8cc5-3a68c79b8001", title: "No endpoint edit permissions on ClusterRole/system:aggregate-to-edit", effect: "Audit",
    parameters: () => ({ excludedNamespaces: SYSTEM }), source: "policies.bicep:358-379 (no Deny)" },
  { definition: "9f061a12-e40d-4183-a00e-171812443373", title: "Kubernetes clusters should not use the default namespace", effect: "Audit",
    parameters: () => ({ excludedNamespaces: SYSTEM, namespaces: ["default"] }), source: "policies.bicep:383-409 (Audit, as the reference)" },
  { definition: "a1840de2-8088-4ea8-b153-b4c723e9cb01", title: "Defender profile enabled", effect: "Audit", source: "policies.bicep:414-428 (no Deny)" },
  { definition: "450d2877-ebea-41e8-b00c-e286317d21bf", title: "Microsoft Entra ID integration enabled", effect: "Audit", source: "policies.bicep:431-445 (no Deny)" },
  { definition: "993c2fcd-2b29-49d2-9eb0-df2c3a730c32", title: "Local authentication methods disabled", effect: "Deny", source: "policies.bicep:448-462" },
  { definition: "0a15ec92-a229-4763-bb14-0ea34a568f8d", title: "Azure Policy add-on installed and enabled", effect: "Audit", source: "policies.bicep:465-479 (no Deny)" },
  { definition: "0e246bcf-5f6f-4f87-bc6f-775d4712c7ea", title: "Authorized IP ranges defined", effect: "Audit", source: "policies.bicep:482-496 (no Deny)" },
  { definition: "fb893a29-21bb-418c-a157-e99480ec364c", title: "Non-vulnerable Kubernetes version", effect: "Audit", source: "policies.bicep:499-513 (no Deny)" },
  { definition: "ac4a19c2-fa67-49b4-8ae5-0b2e78c49457", title: "RBAC used on Kubernetes Services", effect: "Audit", source: "policies.bicep:516-530 (no Deny)" },
  { definition: "da6e2401-19da-4532-9141-fb8fbde08431", title: "Managed identities used", effect: "Audit", source: "policies.bicep:533-547 (no Deny)" },
  { definition: CUSTOM_INGRESS_DEFINITION, title: "Ingress TLS hosts have the defined domain suffix", effect: "Deny",
    parameters: () => ({ excludedNamespaces: [], allowedDomainSuffixes: [INGRESS_DOMAIN_SUFFIX] }), source: "policies.bicep:552-579" },
  { definition: "9f2dea28-e834-476c-99c5-3507b4728395", title: "Container registries: anonymous authentication disabled", effect: "Deny", source: "acr-stamp.bicep:102-122" },
  { definition: "dc921057-6b28-4fbe-9b83-f7bec05db6c2", title: "Container registries: local admin account disabled", effect: "Deny", source: "acr-stamp.bicep:124-145" }
];

export function allowedImagesRegex(acr: string, environment: Environment): string {
  const sources = [`${acr.toLowerCase()}\\.azurecr\\.io/.+`, "mcr\\.microsoft\\.com/.+", ...(environment === "dev" ? ["docker\\.io/library/.+"] : [])];
  return `^(${sources.join("|")})$`;
}

export function effectIn(reference: "Audit" | "Deny", environment: Environment): "Audit" | "Deny" {
  return environment === "dev" ? "Audit" : reference;
}

/** The custom definition's id at the subscription. */
export function customIngressDefinitionId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/policyDefinitions/${CUSTOM_INGRESS_DEFINITION}`;
}

export function definitionIdOf(a: Assignment, subscriptionId: string): string {
  if (a.definition === CUSTOM_INGRESS_DEFINITION) return customIngressDefinitionId(subscriptionId);
  return `/providers/Microsoft.Authorization/${a.set ? "policySetDefinitions" : "policyDefinitions"}/${a.definition}`;
}

/** The assignment's name: Bicep's guid(definition id, resource group id, cluster) (policies.bicep). */
export function assignmentNameOf(a: Assignment, subscriptionId: string, resourceGroupId: string, cluster: string): string {
  return deterministicGuid(definitionIdOf(a, subscriptionId), resourceGroupId, cluster);
}

/** The PUT body of one assignment in `environment`. */
export function assignmentBody(a: Assignment, ctx: { cluster: string; acr: string; environment: Environment; subscriptionId: string }): Json {
  const params = { ...(a.parameters?.(ctx) ?? {}), effect: effectIn(a.effect, ctx.environment) };
  return {
    location: "global",
    properties: {
      displayName: `[${ctx.cluster}] ${a.title}`.slice(0, 120),
      policyDefinitionId: definitionIdOf(a, ctx.subscriptionId),
      enforcementMode: "Default",
      parameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { value: v }]))
    }
  };
}

/**
 * The custom definition (policy-K8sCustomIngressTlsHostsHaveDefinedDomainSuffix.bicep): an Azure
 * Policy for Kubernetes definition whose Gatekeeper constraint template denies an Ingress whose TLS
 * hosts end in none of `allowedDomainSuffixes`.
 */
export function customIngressDefinitionBody(): Json {
  const array = (defaultValue?: unknown[]) => ({ type: "Array", ...(defaultValue ? { defaultValue } : {}) });
  return {
    properties: {
      policyType: "Custom", mode: "Microsoft.Kubernetes.Data",
      displayName: "Kubernetes cluster ingress TLS hosts must have defined domain suffix",
      description: "Kubernetes cluster ingress TLS hosts must have defined domain suffix",
      policyRule: {
        if: { field: "type", in: ["Microsoft.ContainerService/managedClusters"] },
        then: {
          effect: "[parameters('effect')]",
          details: {
            templateInfo: { sourceType: "Base64Encoded", content: base64(INGRESS_TEMPLATE) },
            apiGroups: ["networking.k8s.io"], kinds: ["Ingress"],
            namespaces: "[parameters('namespaces')]", excludedNamespaces: "[parameters('excludedNamespaces')]", labelSelector: "[parameters('labelSelector')]",
            values: { allowedDomainSuffixes: "[parameters('allowedDomainSuffixes')]" }
          }
        }
      },
      parameters: {
        effect: { type: "String", allowedValues: ["audit", "Audit", "deny", "Deny", "disabled", "Disabled"], defaultValue: "audit" },
        excludedNamespaces: array(SYSTEM),
        namespaces: array([]),
        labelSelector: { type: "Object", defaultValue: {} },
        allowedDomainSuffixes: array()
      }
    }
  };
}

/** The Gatekeeper constraint template the custom definition carries (written for this platform after the reference's). */
const INGRESS_TEMPLATE = [
  "apiVersion: templates.gatekeeper.sh/v1beta1",
  "kind: ConstraintTemplate",
  "metadata:",
  "  name: k8scustomingresstlshostshavedefineddomainsuffix",
  "spec:",
  "  crd:",
  "    spec:",
  "      names:",
  "        kind: k8scustomingresstlshostshavedefineddomainsuffix",
  "      validation:",
  "        openAPIV3Schema:",
  "          type: object",
  "          properties:",
  "            allowedDomainSuffixes:",
  "              type: array",
  "              items:",
  "                type: string",
  "  targets:",
  "    - target: admission.k8s.gatekeeper.sh",
  "      rego: |",
  "        package k8scustomingresstlshostshavedefineddomainsuffix",
  "        violation[{\"msg\": msg}] {",
  "          host := input.review.object.spec.tls[_].hosts[_]",
  "          not allowed(host)",
  "          msg := sprintf(\"TLS host %v does not end in one of %v\", [host, input.parameters.allowedDomainSuffixes])",
  "        }",
  "        allowed(host) {",
  "          endswith(host, input.parameters.allowedDomainSuffixes[_])",
  "        }",
  ""
].join("\n");

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64 of ASCII text (the domain stays free of Node's Buffer). */
export function base64(text: string): string {
  const bytes = Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : "=") + (i + 2 < bytes.length ? ALPHABET[n & 63]! : "=");
  }
  return out;
}
