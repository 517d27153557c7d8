/**
 * Azure Policy in the simulator through the real generic resources client (@azure/arm-resources,
 * by id): the built-in definitions the baseline assigns are served as data; an assignment to a
 * definition that does not exist, with a parameter the definition lacks, without a required one,
 * or with an effect it does not allow is refused with Azure's codes; a custom definition PUT at the
 * subscription can then be assigned.
 */
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError } from "@azure/core-rest-pipeline";
import { BASELINE_POLICY_ASSIGNMENTS, assignmentBody, customIngressDefinitionBody, customIngressDefinitionId, definitionIdOf } from "../../../shared/domain/baseline/policies";
import { startFixture, SUBSCRIPTION, type SimFixture } from "../core/sim-fixture";

const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-p`;
const V = "2024-04-01";
const assignmentId = (name: string) => `${RG}/providers/Microsoft.Authorization/policyAssignments/${name}`;

async function refusal(p: Promise<unknown>): Promise<{ status?: number; code?: string; message: string } | "no error"> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RestError) return { status: err.statusCode, code: err.code, message: err.message };
    throw err;
  }
  return "no error";
}

describe("Azure Policy definitions and assignments in the simulator", () => {
  let f: SimFixture;
  let arm: ResourceManagementClient;
  beforeEach(async () => {
    f = await startFixture();
    arm = new ResourceManagementClient(f.credential, SUBSCRIPTION, f.clientOptions);
    await arm.resourceGroups.createOrUpdate("rg-p", { location: "westeurope" });
  });
  afterEach(async () => { await f.close(); });

  const assign = (name: string, definitionId: string, parameters: Record<string, unknown>) =>
    arm.resources.beginCreateOrUpdateByIdAndWait(assignmentId(name), V, { location: "global", properties: { policyDefinitionId: definitionId, parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, { value: v }])) } });

  it("serves the built-in definitions the baseline assigns: id, display name, parameters, at the tenant and under a subscription", async () => {
    const images = await arm.resources.getById("/providers/Microsoft.Authorization/policyDefinitions/febd0533-8e55-448f-b837-bd0e06f16469", "2023-04-01");
    expect(images).toMatchObject({ name: "febd0533-8e55-448f-b837-bd0e06f16469", properties: { policyType: "BuiltIn", displayName: "Kubernetes cluster containers should only use allowed images" } });
    expect(Object.keys((images.properties as { parameters: object }).parameters)).toEqual(expect.arrayContaining(["effect", "excludedNamespaces", "allowedContainerImagesRegex"]));
    const initiative = await arm.resources.getById(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00`, "2023-04-01");
    expect(initiative.type).toBe("Microsoft.Authorization/policySetDefinitions");
    expect(await refusal(arm.resources.getById("/providers/Microsoft.Authorization/policyDefinitions/00000000-0000-0000-0000-00000000beef", "2023-04-01")))
      .toMatchObject({ status: 404, code: "PolicyDefinitionNotFound" });
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
    expect(await refusal(arm.resources.getById(assignmentId("a2"), V))).toMatchObject({ status: 404 });
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
