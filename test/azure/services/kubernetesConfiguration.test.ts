/**
 * Cluster extensions and Flux configurations in the simulator, through the real generic resources
 * client (@azure/arm-resources, by id, api-version 2023-05-01 as the reference): long-running PUTs
 * (Creating → Succeeded; a Flux configuration Pending → Compliant) and the provider's validation
 * (extension type, scope, Flux before its configuration, source kind, the repository URL's scheme).
 */
import { refusal } from "../core/sim-fixture";
import { fluxConfigurationBody, fluxExtensionBody, KUBERNETES_CONFIGURATION_API } from "../../../shared/domain/baseline/gitops";
import { createCluster, startHarness, type SimHarness } from "./harness";

describe("Microsoft.KubernetesConfiguration: extensions and Flux configurations", () => {
  let h: SimHarness;
  let clusterId: string;
  const V = KUBERNETES_CONFIGURATION_API;
  const ext = (name: string) => `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`;
  const flux = (name: string) => `${clusterId}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/${name}`;
  const source = { url: "https://github.com/mspnp/aks-baseline", branch: "main", path: "./cluster-manifests" };
  /** Starts a PUT, runs the virtual clock past its duration, returns the result. */
  const put = async (id: string, body: unknown) => {
    const poller = await h.clients.resources.resources.beginCreateOrUpdateById(id, V, body as never, { updateIntervalInMs: 0 });
    const mid = await h.clients.resources.resources.getById(id, V);
    await h.clock.advance(10 * 60_000);
    return { mid, done: await poller.pollUntilDone() };
  };

  beforeAll(async () => {
    h = await startHarness();
    await h.clients.resources.resourceGroups.createOrUpdate("rg-gitops", { location: "westeurope" });
    clusterId = (await createCluster(h, "rg-gitops", "aks-gitops")).id ?? "";
  });
  afterAll(async () => { await h.close(); });

  it("refuses a Flux configuration before the flux extension is installed", async () => {
    expect(await refusal(put(flux("early"), fluxConfigurationBody(source)))).toMatchObject({ status: 400, code: "ValidationFailed", message: expect.stringContaining("microsoft.flux extension must be installed") as string });
  });

  it("installs the flux extension as a long-running operation (Creating → Succeeded), cluster-scoped in flux-system, protected settings never returned", async () => {
    const { mid, done } = await put(ext("flux"), fluxExtensionBody());
    expect((mid.properties as { provisioningState: string }).provisioningState).toBe("Creating");
    expect(done.properties).toMatchObject({ extensionType: "microsoft.flux", provisioningState: "Succeeded", scope: { cluster: { releaseNamespace: "flux-system" } } });
    expect(Object.keys(done.properties as object)).not.toContain("configurationProtectedSettings");
  });

  it("refuses an unknown extension type, a namespace-scoped flux, and changing an extension's type", async () => {
    expect(await refusal(put(ext("bogus"), { properties: { extensionType: "contoso.nothing" } }))).toMatchObject({ status: 400, code: "ValidationFailed", message: expect.stringContaining("contoso.nothing") as string });
    expect(await refusal(put(ext("flux-ns"), { properties: { extensionType: "microsoft.flux", scope: { namespace: { targetNamespace: "apps" } } } }))).toMatchObject({ status: 400, code: "ValidationFailed" });
    expect(await refusal(put(ext("flux"), { properties: { extensionType: "microsoft.dapr" } }))).toMatchObject({ status: 400, code: "ValidationFailed", message: expect.stringContaining("cannot be changed") as string });
  });

  it("creates the Flux configuration (Pending, then Compliant) and reads it back by id", async () => {
    const { mid, done } = await put(flux("bootstrap"), fluxConfigurationBody(source));
    expect(mid.properties).toMatchObject({ provisioningState: "Creating", complianceState: "Pending" });
    expect(done.properties).toMatchObject({ provisioningState: "Succeeded", complianceState: "Compliant", sourceKind: "GitRepository", gitRepository: { url: source.url, repositoryRef: { branch: "main" } } });
    const raw = await h.clients.resources.resources.getById(`${clusterId}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/bootstrap`, V);
    expect(raw.name).toBe("bootstrap");
  });

  it("refuses a repository URL of another scheme, a source kind without its body, and a cluster that does not exist", async () => {
    expect(await refusal(put(flux("ftp"), fluxConfigurationBody({ url: "ftp://example.com/repo" })))).toMatchObject({ status: 400, code: "ValidationFailed", message: expect.stringContaining("http://, https:// or ssh://") as string });
    expect(await refusal(put(flux("scp"), fluxConfigurationBody({ url: "git@github.com:org/repo.git" })))).toMatchObject({ status: 400, code: "ValidationFailed" });
    expect(await refusal(put(flux("nobody"), { properties: { sourceKind: "GitRepository" } })))
      .toMatchObject({ status: 400, message: "Invalid source kind match. Config with specified source kind 'GitRepository' must contain corresponding body specified in the properties." });
    const ghost = clusterId.replace(/aks-gitops$/, "aks-ghost");
    expect(await refusal(h.clients.resources.resources.beginCreateOrUpdateByIdAndWait(`${ghost}/providers/Microsoft.KubernetesConfiguration/extensions/flux`, V, fluxExtensionBody() as never)))
      .toMatchObject({ status: 404 });
  });
});
