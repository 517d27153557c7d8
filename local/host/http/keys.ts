/**
 * Function keys. Azure generates a master key and a default host key on first start and keeps them
 * in storage (`azure-webjobs-secrets`); locally they are kept in `<dataDir>/host-keys.json`, and
 * these app settings override them:
 *   FUNCTIONS_MASTER_KEY  the master key: accepted for `admin` and `function` auth levels;
 *   FUNCTIONS_HOST_KEY    the default host key: accepted for the `function` auth level.
 * A caller presents a key in the `x-functions-key` header or the `code` query parameter.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const MASTER_KEY_SETTING = "FUNCTIONS_MASTER_KEY";
export const HOST_KEY_SETTING = "FUNCTIONS_HOST_KEY";

export interface HostKeys {
  master: string;
  host: string;
}

export function loadHostKeys(settings: Readonly<Record<string, string>>, dataDir: string): HostKeys {
  const file = path.join(dataDir, "host-keys.json");
  let stored: Partial<HostKeys> = {};
  if (fs.existsSync(file)) {
    stored = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<HostKeys>;
  }
  const keys: HostKeys = {
    master: settings[MASTER_KEY_SETTING] || stored.master || generateKey(),
    host: settings[HOST_KEY_SETTING] || stored.host || generateKey()
  };
  if (stored.master !== keys.master || stored.host !== keys.host) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ master: stored.master ?? keys.master, host: stored.host ?? keys.host }, null, 2));
  }
  return keys;
}

function generateKey(): string {
  // Azure's generated keys are 40+ URL-safe characters.
  return randomBytes(40).toString("base64url");
}

export function presentedKey(headers: Record<string, string | string[] | undefined>, url: URL): string | undefined {
  const header = headers["x-functions-key"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  return fromHeader || url.searchParams.get("code") || undefined;
}

export function isAuthorized(authLevel: unknown, keys: HostKeys, key: string | undefined): boolean {
  const level = typeof authLevel === "string" ? authLevel.toLowerCase() : "function";
  if (level === "anonymous") return true;
  if (!key) return false;
  if (level === "admin") return key === keys.master;
  return key === keys.master || key === keys.host;
}
