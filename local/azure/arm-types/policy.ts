/**
 * Azure Policy definitions: the built-in definitions and the initiative the AKS baseline assigns
 * (mspnp/aks-baseline workload-team/modules/policies.bicep and acr-stamp.bicep:102-145), served as
 * data at `/providers/Microsoft.Authorization/policy(Set)Definitions/{id}` (and under a
 * subscription), custom definitions PUT at a subscription, and the checks Azure makes when a policy
 * assignment names one:
 * - a definition that does not exist: 400 `PolicyDefinitionNotFound` "The policy assignment create
 *   request is invalid. The policy definition '…' could not be found." (Azure/Enterprise-Scale#804);
 * - a parameter the definition lacks: 400 `UndefinedPolicyParameter` "The policy assignment '…' has
 *   the parameter(s) '…' which are not defined in the policy definition '…'." (Azure/ALZ-Bicep#585,
 *   Azure/terraform-azurerm-caf-enterprise-scale#282);
 * - a parameter without default left out: 400 `MissingPolicyParameter` "The policy assignment '…' is
 *   missing the parameter(s) '…' as defined in the policy definition '…'." (Azure/azure-sdk-for-net#39734);
 * - a value outside `allowedValues`: 400 `PolicyParameterValueNotAllowed` "The value '…' is not
 *   allowed for policy parameter '…' in policy definition '…'. The allowed values are '…'."
 *   (salesforce/cloud-guardrails#53).
 * The built-ins' parameters are modelled from what the reference passes plus the parameters every
 * Azure Policy for Kubernetes definition has (effect, excludedNamespaces, namespaces, labelSelector;
 * learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes "Assign a policy
 * definition"); the effects each allows follow policies.bicep's comments ("does not have a Deny
 * option"). Compliance states are not modelled.
 */
import { ArmError, type SimKernel, type SimRequest, type SimResponse } from "../kernel";
import type { Json } from "./engine";

export const POLICY_API_VERSIONS = ["2021-06-01", "2023-04-01", "2024-04-01", "2024-05-01", "2025-01-01", "2025-03-01"];

interface Parameter { type: "String" | "Array" | "Object" | "Integer" | "Boolean"; allowedValues?: string[]; defaultValue?: unknown }
interface BuiltIn { name: string; displayName: string; mode: string; parameters: Record<string, Parameter>; set?: boolean }

const EFFECT = (allowed: string[], defaultValue: string): Parameter => ({ type: "String", allowedValues: allowed.flatMap((e) => [e.toLowerCase(), e]).filter((v, i, a) => a.indexOf(v) === i), defaultValue });
const K8S_EXCLUDED = ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"];
/** The parameters of every Azure Policy for Kubernetes definition. */
const k8s = (effects: string[], defaultEffect: string, extra: Record<string, Parameter> = {}, containers = false): Record<string, Parameter> => ({
  effect: EFFECT([...effects, "Disabled"], defaultEffect),
  excludedNamespaces: { type: "Array", defaultValue: K8S_EXCLUDED },
  namespaces: { type: "Array", defaultValue: [] },
  labelSelector: { type: "Object", defaultValue: {} },
  ...(containers ? { excludedContainers: { type: "Array", defaultValue: [] }, excludedImages: { type: "Array", defaultValue: [] } } : {}),
  ...extra
});
const rp = (effects: string[], defaultEffect: string): Record<string, Parameter> => ({ effect: EFFECT([...effects, "Disabled"], defaultEffect) });

/** The built-ins the baseline assigns (BASELINE.md §1.7), by definition id. */
export const BUILTIN_POLICY_DEFINITIONS: readonly BuiltIn[] = [
  { name: "42b8ef37-b724-4e24-bbc8-7a7708edfe00", set: true, mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes cluster pod security restricted standards for Linux-based workloads", parameters: k8s(["Audit", "Deny"], "Audit", {}, true) },
  { name: "1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes clusters should be accessible only over HTTPS", parameters: k8s(["Audit", "Deny"], "Deny") },
  { name: "3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes clusters should use internal load balancers", parameters: k8s(["Audit", "Deny"], "Audit") },
  { name: "df49d893-a74c-421d-bc95-c663042e5b80", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes cluster containers should run with a read only root file system", parameters: k8s(["Audit", "Deny"], "Audit", {}, true) },
  { name: "e345eecc-fa47-480f-9e88-67dcc122b164", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes cluster containers CPU and memory resource limits should not exceed the specified limits", parameters: k8s(["Audit", "Deny"], "Audit", { cpuLimit: { type: "String" }, memoryLimit: { type: "String" } }, true) },
  { name: "febd0533-8e55-448f-b837-bd0e06f16469", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes cluster containers should only use allowed images", parameters: k8s(["Audit", "Deny"], "Audit", { allowedContainerImagesRegex: { type: "String" } }, true) },
  { name: "098fc59e-46c7-4d99-9b16-64990e543d75", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes cluster pod hostPath volumes should only use allowed host paths", parameters: k8s(["Audit", "Deny"], "Audit", { allowedHostPaths: { type: "Object" } }) },
  { name: "d46c275d-1680-448d-b2ec-e495a3b6cc89", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes cluster services should only use allowed external IPs", parameters: k8s(["Audit", "Deny"], "Audit", { allowedExternalIPs: { type: "Array" } }) },
  { name: "1ddac26b-ed48-4c30-8cc5-3a68c79b8001", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes clusters should not allow endpoint edit permissions of ClusterRole/system:aggregate-to-edit", parameters: k8s(["Audit"], "Audit") },
  { name: "9f061a12-e40d-4183-a00e-171812443373", mode: "Microsoft.Kubernetes.Data", displayName: "Kubernetes clusters should not use the default namespace", parameters: k8s(["Audit", "Deny"], "Audit") },
  { name: "a1840de2-8088-4ea8-b153-b4c723e9cb01", mode: "Indexed", displayName: "Azure Kubernetes Service clusters should have Defender profile enabled", parameters: rp(["Audit"], "Audit") },
  { name: "450d2877-ebea-41e8-b00c-e286317d21bf", mode: "Indexed", displayName: "Azure Kubernetes Service Clusters should enable Microsoft Entra ID integration", parameters: rp(["Audit"], "Audit") },
  { name: "993c2fcd-2b29-49d2-9eb0-df2c3a730c32", mode: "Indexed", displayName: "Azure Kubernetes Service Clusters should have local authentication methods disabled", parameters: rp(["Audit", "Deny"], "Audit") },
  { name: "0a15ec92-a229-4763-bb14-0ea34a568f8d", mode: "Indexed", displayName: "Azure Policy Add-on for Kubernetes service (AKS) should be installed and enabled on your clusters", parameters: rp(["Audit"], "Audit") },
  { name: "0e246bcf-5f6f-4f87-bc6f-775d4712c7ea", mode: "Indexed", displayName: "Authorized IP ranges should be defined on Kubernetes Services", parameters: rp(["Audit"], "Audit") },
  { name: "fb893a29-21bb-418c-a157-e99480ec364c", mode: "Indexed", displayName: "Kubernetes Services should be upgraded to a non-vulnerable Kubernetes version", parameters: rp(["Audit"], "Audit") },
  { name: "ac4a19c2-fa67-49b4-8ae5-0b2e78c49457", mode: "Indexed", displayName: "Role-Based Access Control (RBAC) should be used on Kubernetes Services", parameters: rp(["Audit"], "Audit") },
  { name: "da6e2401-19da-4532-9141-fb8fbde08431", mode: "Indexed", displayName: "Azure Kubernetes Service Clusters should use managed identities", parameters: rp(["Audit"], "Audit") },
  { name: "9f2dea28-e834-476c-99c5-3507b4728395", mode: "Indexed", displayName: "Container registries should have anonymous authentication disabled", parameters: rp(["Audit", "Deny"], "Audit") },
  { name: "dc921057-6b28-4fbe-9b83-f7bec05db6c2", mode: "Indexed", displayName: "Container registries should have local admin account disabled", parameters: rp(["Audit", "Deny"], "Audit") }
];

const DEFINITIONS = "Microsoft.Authorization/policyDefinitions";
const SETS = "Microsoft.Authorization/policySetDefinitions";

function record(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function builtIn(name: string, set: boolean): BuiltIn | undefined {
  return BUILTIN_POLICY_DEFINITIONS.find((d) => d.name.toLowerCase() === name.toLowerCase() && !!d.set === set);
}

function view(d: BuiltIn): Json {
  const type = d.set ? SETS : DEFINITIONS;
  return { id: `/providers/${type}/${d.name}`, name: d.name, type, properties: { displayName: d.displayName, policyType: "BuiltIn", mode: d.mode, parameters: d.parameters } };
}

/** The definition (built-in or custom) a policyDefinitionId names, or undefined. */
export function policyDefinitionOf(kernel: SimKernel, id: string): Json | undefined {
  const m = /^(?:\/subscriptions\/([^/]+))?\/providers\/Microsoft\.Authorization\/(policyDefinitions|policySetDefinitions)\/([^/]+)$/i.exec(id);
  if (!m) return undefined;
  const set = (m[2] ?? "").toLowerCase() === "policysetdefinitions";
  const b = builtIn(m[3] ?? "", set);
  if (b) return view(b);
  return m[1] ? kernel.store.get(id) : undefined;
}

/** Azure's checks of an assignment against its definition (see the header). Throws the ArmError. */
export function validateAssignmentParameters(kernel: SimKernel, assignmentName: string, definitionId: string, given: Json): void {
  const definition = policyDefinitionOf(kernel, definitionId);
  if (!definition) throw new ArmError(400, "PolicyDefinitionNotFound", `The policy assignment create request is invalid. The policy definition '${definitionId}' could not be found.`);
  const defName = typeof definition.name === "string" ? definition.name : definitionId;
  const declared = record(record(definition.properties).parameters);
  const lower = new Map(Object.keys(declared).map((k) => [k.toLowerCase(), k]));
  const undefinedNames = Object.keys(given).filter((k) => !lower.has(k.toLowerCase()));
  if (undefinedNames.length > 0) {
    throw new ArmError(400, "UndefinedPolicyParameter", `The policy assignment '${assignmentName}' has the parameter(s) '${undefinedNames.join(",")}' which are not defined in the policy definition '${defName}'.`);
  }
  const givenLower = new Map(Object.entries(given).map(([k, v]) => [k.toLowerCase(), record(v).value]));
  const missing = Object.entries(declared).filter(([k, p]) => record(p).defaultValue === undefined && givenLower.get(k.toLowerCase()) === undefined).map(([k]) => k);
  if (missing.length > 0) {
    throw new ArmError(400, "MissingPolicyParameter", `The policy assignment '${assignmentName}' is missing the parameter(s) '${missing.join(",")}' as defined in the policy definition '${defName}'.`);
  }
  for (const [k, p] of Object.entries(declared)) {
    const allowed = record(p).allowedValues;
    const value = givenLower.get(k.toLowerCase());
    if (Array.isArray(allowed) && value !== undefined && !allowed.some((a) => a === value)) {
      throw new ArmError(400, "PolicyParameterValueNotAllowed", `The value '${typeof value === "string" ? value : JSON.stringify(value)}' is not allowed for policy parameter '${k}' in policy definition '${defName}'. The allowed values are '${allowed.join(", ")}'.`);
    }
  }
}

function notFound(name: string): ArmError {
  return new ArmError(404, "PolicyDefinitionNotFound", `The policy definition '${name}' could not be found.`);
}

/** Routes of the definitions: built-ins at the tenant and under a subscription; custom definitions PUT under a subscription. */
export function registerPolicyDefinitions(kernel: SimKernel): void {
  kernel.apiVersions.register(DEFINITIONS, POLICY_API_VERSIONS);
  kernel.apiVersions.register(SETS, POLICY_API_VERSIONS);
  for (const [kind, set] of [["policyDefinitions", false], ["policySetDefinitions", true]] as const) {
    const label = kind === "policyDefinitions" ? "PolicyDefinitions" : "PolicySetDefinitions";
    kernel.router.arm("GET", `/providers/Microsoft.Authorization/${kind}/{name}`, (_req, p) => {
      const b = builtIn(p.name ?? "", set);
      if (!b) throw notFound(p.name ?? "");
      return { status: 200, body: view(b) };
    }, { operation: `${label}_GetBuiltIn`, kind: "read" });
    kernel.router.arm("GET", `/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/${kind}/{name}`, (_req, p) => {
      const found = policyDefinitionOf(kernel, `/subscriptions/${p.subscriptionId}/providers/Microsoft.Authorization/${kind}/${p.name}`);
      if (!found) throw notFound(p.name ?? "");
      return { status: 200, body: found };
    }, { operation: `${label}_Get`, kind: "read" });
  }
  kernel.router.arm("PUT", `/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/policyDefinitions/{name}`, (req, p) => putCustom(kernel, req, p),
    { operation: "PolicyDefinitions_CreateOrUpdate", kind: "write" });
}

/** A custom definition (spec: policy/stable/2023-04-01/examples/createPolicyDefinition.json): mode, policyRule with if/then, parameters typed. */
function putCustom(kernel: SimKernel, req: SimRequest, p: Record<string, string>): SimResponse {
  const name = p.name ?? "";
  if (builtIn(name, false)) throw new ArmError(400, "InvalidPolicyDefinitionName", `The policy definition name '${name}' is used by a built-in policy definition.`);
  const props = record(record(req.body).properties);
  const rule = record(props.policyRule);
  if (!rule.if || !rule.then) throw new ArmError(400, "InvalidPolicyRule", "The policy definition is invalid: the policy rule must have an 'if' and a 'then'.");
  for (const [k, v] of Object.entries(record(props.parameters))) {
    if (!["String", "Array", "Object", "Integer", "Boolean", "Float", "DateTime"].includes(String(record(v).type))) {
      throw new ArmError(400, "InvalidPolicyParameterType", `The policy parameter '${k}' has an invalid type '${String(record(v).type)}'.`);
    }
  }
  const id = `/subscriptions/${p.subscriptionId}/providers/${DEFINITIONS}/${name}`;
  const existing = kernel.store.get(id);
  kernel.store.put(id, { id, name, type: DEFINITIONS, properties: { ...props, policyType: "Custom", mode: props.mode ?? "Indexed" } });
  return { status: existing ? 200 : 201, body: kernel.store.get(id) ?? {} };
}
