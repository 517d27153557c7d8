import { apiVersionOf, type AksContext } from "./context";
import { aksBadRequest, aksErrors } from "./errors";
import { CLUSTER_TEMPLATE, clusterIdFrom } from "./ids";
import type { ClusterResource } from "./model";

const ABORT_LRO = "aks.abort";

/** Build a kubeconfig the way AKS shapes it (one cluster, one context, one user). */
function kubeconfig(cluster: ClusterResource, user: string, aad: boolean): string {
  const server = `https://${String(cluster.properties.fqdn ?? "")}:443`;
  const auth = aad
    ? `    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]\n`
    : `    token: ${user}-token-simulated\n`;
  return `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: ${server}\n  name: ${cluster.name}\ncontexts:\n- context:\n    cluster: ${cluster.name}\n    user: ${user}_${cluster.name}\n  name: ${cluster.name}\ncurrent-context: ${cluster.name}\nusers:\n- name: ${user}_${cluster.name}\n  user:\n${auth}`;
}

/**
 * `POST .../abort` on a cluster or pool (operation-abort: cancels the running operation; 204 when
 * none runs, else 202 with an operation that completes shortly), and the credential actions
 * `listClusterUserCredential` / `listClusterAdminCredential`. With `disableLocalAccounts` AKS
 * refuses static (admin) credentials with BadRequest ("Getting static credential is not allowed
 * because this cluster is set to disable local accounts."); the user credential of such a cluster
 * (which must be Entra-enabled) is an exec/kubelogin kubeconfig, refused only when the cluster
 * has no aadProfile.
 */
export function registerClusterActions(ctx: AksContext): void {
  const { kernel } = ctx;
  kernel.lro.handle(ABORT_LRO, () => undefined);
  const requireCluster = (p: Record<string, string>): ClusterResource => {
    const cluster = kernel.store.get<ClusterResource>(clusterIdFrom(p));
    if (!cluster) throw aksErrors.clusterNotFound(p.resourceGroupName ?? "", p.resourceName ?? "");
    return cluster;
  };
  for (const template of [`${CLUSTER_TEMPLATE}/abort`, `${CLUSTER_TEMPLATE}/agentPools/{agentPoolName}/abort`]) {
    kernel.router.arm("POST", template, (req, p) => {
      const cluster = requireCluster(p);
      if (!ctx.runtime.abort(cluster.id, p.agentPoolName)) return { status: 204 };
      const { headers } = kernel.lro.begin({
        resourceId: cluster.id, operation: ABORT_LRO, durationMs: kernel.scaled(30_000),
        location: cluster.location, namespace: "Microsoft.ContainerService", apiVersion: apiVersionOf(req)
      });
      return { status: 202, headers };
    }, { operation: p(template), kind: "write" });
  }

  kernel.router.arm("POST", `${CLUSTER_TEMPLATE}/listClusterUserCredential`, (_req, p) => {
    const cluster = requireCluster(p);
    const aad = typeof cluster.properties.aadProfile === "object" && cluster.properties.aadProfile !== null;
    if (cluster.properties.disableLocalAccounts === true && !aad) throw localAccountsDisabled();
    return { status: 200, body: { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig(cluster, "clusterUser", aad)).toString("base64") }] } };
  }, { operation: "ManagedClusters_ListClusterUserCredentials", kind: "write" });

  kernel.router.arm("POST", `${CLUSTER_TEMPLATE}/listClusterAdminCredential`, (_req, p) => {
    const cluster = requireCluster(p);
    if (cluster.properties.disableLocalAccounts === true) throw localAccountsDisabled();
    return { status: 200, body: { kubeconfigs: [{ name: "clusterAdmin", value: Buffer.from(kubeconfig(cluster, "clusterAdmin", false)).toString("base64") }] } };
  }, { operation: "ManagedClusters_ListClusterAdminCredentials", kind: "write" });
}

function p(template: string): string {
  return template.includes("agentPools") ? "AgentPools_AbortLatestOperation" : "ManagedClusters_AbortLatestOperation";
}

function localAccountsDisabled(): Error {
  return aksBadRequest("BadRequest", "Getting static credential is not allowed because this cluster is set to disable local accounts.");
}
