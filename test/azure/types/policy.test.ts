/**
 * Azure Policy in the simulator through the real SDK clients: `@azure/arm-policy` (PolicyClient,
 * maintained: 7.0.1, not deprecated on npm) for definitions and assignments — the built-in
 * definitions the baseline assigns are served as data; a custom definition is created and assigned;
 * an assignment to a definition that does not exist, with a parameter the definition lacks, without
 * a required one, or with an effect it does not allow is refused with Azure's codes — and the
 * generic resources client (@azure/arm-resources, by id) for the platform's own wire bodies (the
 * provisioning plan PUTs them so).
 */
import { PolicyClient } from "@azure/arm-policy";
import { ResourceManagementClient } from "@azure/arm-resources";
import { BASELINE_POLICY_ASSIGNMENTS, assignmentBody, customIngressDefinitionBody, customIngressDefinitionId, definitionIdOf } from "../../../shared/domain/baseline/policies";
import { refusal, startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";

const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-p`;
const V = "2024-04-01";
const assignmentId = (name: string) => `${RG}/providers/Microsoft.Authorization/policyAssignments/${name}`;

describe("Azure Policy definitions and assignments in the simulator", () => {
  let f: SimFixture;
  let arm: ResourceManagementClient;
  let policy: PolicyClient;
  beforeEach(async () => {
    f = await startFixture();
    arm = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    // The TypeSpec-generated client's default api-version (2025-03-01) is one the simulator serves.
    policy = new PolicyClient(f.credential, SUBSCRIPTION, f.clientOptions);
    await arm.resourceGroups.createOrUpdate("rg-p", { location: "westeurope" });
  });
  afterEach(async () => { await f.close(); });

  const assign = (name: string, definitionId: string, parameters: Record<string, unknown>) =>
    policy.policyAssignments.create(RG, name, { location: "global", policyDefinitionId: definitionId, parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, { value: v }])) });

  it("serves the built-in definitions the baseline assigns: id, display name, parameters, at the tenant and under a subscription", async () => {
    const images = await policy.policyDefinitions.getBuiltIn("febd0533-8e55-448f-b837-bd0e06f16469");
    expect([images.name, images.policyType, images.displayName]).toEqual(["febd0533-8e55-448f-b837-bd0e06f16469", "BuiltIn", "Kubernetes cluster containers should only use allowed images"]);
    expect(Object.keys(images.parameters ?? {})).toEqual(expect.arrayContaining(["effect", "excludedNamespaces", "allowedContainerImagesRegex"]));
    const initiative = await policy.policySetDefinitions.get("42b8ef37-b724-4e24-bbc8-7a7708edfe00");
    expect(initiative.type).toBe("Microsoft.Authorization/policySetDefinitions");
    expect(await refusal(policy.policyDefinitions.getBuiltIn("00000000-0000-0000-0000-00000000beef"))).toMatchObject({ status: 404, code: "PolicyDefinitionNotFound" });
  });

  it("creates a custom definition and assigns it with its parameters; the assignment reads back at its scope", async () => {
    const created = await policy.policyDefinitions.createOrUpdate("deny-public-lb", {
      mode: "Indexed", displayName: "No public load balancers",
      parameters: { effect: { type: "String", allowedValues: ["Audit", "Deny"], defaultValue: "Deny" } },
      policyRule: { if: { field: "type", equals: "Microsoft.Network/loadBalancers" }, then: { effect: "[parameters('effect')]" } }
    });
    expect([created.id, created.policyType]).toEqual([`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/policyDefinitions/deny-public-lb`, "Custom"]);
    const assigned = await assign("no-public-lb", created.id ?? "", { effect: "Audit" });
    expect([assigned.scope, assigned.enforcementMode, assigned.parameters?.effect?.value]).toEqual([RG, "Default", "Audit"]);
    const read = await policy.policyAssignments.get(RG, "no-public-lb");
    expect(read.policyDefinitionId).toBe(created.id);
    const listed = [];
    for await (const a of policy.policyAssignments.listForResourceGroup("rg-p")) listed.push(a.name);
    expect(listed).toEqual(["no-public-lb"]);
  });

  it("refuses an assignment to a missing definition, an undefined parameter, a missing required one and a disallowed effect, writing nothing", async () => {
    const missingDef = "/providers/Microsoft.Authorization/policyDefinitions/00000000-0000-0000-0000-00000000beef";
    expect(await refusal(assign("a1", missingDef, {}))).toMatchObject({ status: 400, code: "PolicyDefinitionNotFound", message: expect.stringContaining(missingDef) as string });
    const limits = "/providers/Microsoft.Authorization/policyDefinitions/e345eecc-fa47-480f-9e88-67dcc122b164";
    expect(await refusal(assign("a2", limits, { cpuLimit: "500m", memoryLimit: "256Mi", gpuLimit: "1" })))
      .toMatchObject({ status: 400, code: "UndefinedPolicyParameter", message: "The policy assignment 'a2' has the parameter(s) 'gpuLimit' which are not defined in the policy definition 'e345eecc-fa47-480f-9e88-67dcc122b164'." });
    expect(await refusal(assign("a3", limits, { cpuLimit: "500m" }))).toMatchObject({ status: 400, code: "MissingPolicyParameter", message: expect.stringContaining("'memoryLimit'") as string });
    // The Defender-profile policy has no Deny (policies.bicep:414-428).
    expect(await refusal(assign("a4", "/providers/Microsoft.Authorization/policyDefinitions/a1840de2-8088-4ea8-b153-b4c723e9cb01", { effect: "Deny" })))
      .toMatchObject({ status: 400, code: "PolicyParameterValueNotAllowed" });
    for (const name of ["a1", "a2", "a3", "a4"]) expect(await refusal(policy.policyAssignments.get(RG, name))).toMatchObject({ status: 404 });
  });

  it("takes every assignment of the baseline, in each environment, once the custom definition exists at the subscription", async () => {
    const custom = BASELINE_POLICY_ASSIGNMENTS.find((a) => definitionIdOf(a, SUBSCRIPTION) === customIngressDefinitionId(SUBSCRIPTION))!;
    const body = (env: "dev" | "prod") => assignmentBody(custom, { cluster: "aks-p", acr: "acraksp", environment: env, subscriptionId: SUBSCRIPTION });
    expect(await refusal(arm.resources.beginCreateOrUpdateByIdAndWait(assignmentId("ingress"), V, body("prod") as never))).toMatchObject({ code: "PolicyDefinitionNotFound" });
    await arm.resources.beginCreateOrUpdateByIdAndWait(customIngressDefinitionId(SUBSCRIPTION), "2023-04-01", customIngressDefinitionBody());
    for (const env of ["dev", "prod"] as const) {
      for (const [i, a] of BASELINE_POLICY_ASSIGNMENTS.entries()) {
        await arm.resources.beginCreateOrUpdateByIdAndWait(assignmentId(`${env}-${i}`), V, assignmentBody(a, { cluster: "aks-p", acr: "acraksp", environment: env, subscriptionId: SUBSCRIPTION }));
      }
    }
    const stored = await arm.resources.getById(assignmentId("prod-5"), V);
    expect(stored.properties).toMatchObject({ scope: RG, enforcementMode: "Default", parameters: { effect: { value: "Deny" } } });
    expect((await arm.resources.getById(assignmentId("dev-5"), V)).properties).toMatchObject({ parameters: { effect: { value: "Audit" } } });
    expect(BASELINE_POLICY_ASSIGNMENTS).toHaveLength(21);
  });
});
