import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ManagedIdentityCredential } from "@azure/identity";
import type { AppConfig } from "../config";

export type CredentialSettings = Pick<AppConfig, "mode" | "managedIdentityClientId">;

/**
 * Locally the Azure simulator and the embedded Cosmos accept any bearer token, so a fixed token
 * stands in for Entra ID. It never expires (year 9999), so the SDK's refresh logic, which reads
 * the real clock, has nothing to do and no test depends on wall time.
 */
export class LocalTokenCredential implements TokenCredential {
  static readonly token = "aksops-local-token";
  private static readonly expiresOnTimestamp = Date.UTC(9999, 0, 1);

  async getToken(): Promise<AccessToken> {
    return { token: LocalTokenCredential.token, expiresOnTimestamp: LocalTokenCredential.expiresOnTimestamp, tokenType: "Bearer" };
  }
}

const credentials = new WeakMap<CredentialSettings, TokenCredential>();

/**
 * The platform's identity. In Azure it is the Function App's managed identity, named explicitly
 * rather than through DefaultAzureCredential, whose chain would also accept environment or
 * developer credentials and so could act as someone else in production. Cached per config so the
 * token cache is shared by every client.
 */
export function createCredential(settings: CredentialSettings): TokenCredential {
  let credential = credentials.get(settings);
  if (!credential) {
    if (settings.mode === "local") {
      credential = new LocalTokenCredential();
    } else if (settings.managedIdentityClientId) {
      credential = new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId });
    } else {
      credential = new ManagedIdentityCredential();
    }
    credentials.set(settings, credential);
  }
  return credential;
}
