/**
 * Host keys, kept as Azure keeps them. Azure generates a master key, a default function key and one
 * system key per extension that exposes a webhook (`durabletask_extension`, `eventgrid_extension`)
 * and stores them in `azure-webjobs-secrets`; locally they live in `<dataDir>/host-keys.json`, in
 * the shape `az functionapp keys list` prints, written with mode 0600. These app settings override
 * them:
 *   FUNCTIONS_MASTER_KEY                       the master key (every auth level and every webhook);
 *   FUNCTIONS_HOST_KEY                         the default function key (`function` auth level);
 *   FUNCTIONS_SYSTEM_KEY_DURABLETASK_EXTENSION the durable HTTP API's system key;
 *   FUNCTIONS_SYSTEM_KEY_EVENTGRID_EXTENSION   the Event Grid webhook's system key.
 * A caller presents a key in the `x-functions-key` header or the `code` query parameter. A file in
 * the former local shape (`{ master, host }`) is migrated.
 */
import { ensurePrivateDir, PRIVATE_FILE_MODE, writePrivateFile } from "../../private-files";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const MASTER_KEY_SETTING = "FUNCTIONS_MASTER_KEY";
export const HOST_KEY_SETTING = "FUNCTIONS_HOST_KEY";
export const SYSTEM_KEY_SETTINGS = {
  durabletask_extension: "FUNCTIONS_SYSTEM_KEY_DURABLETASK_EXTENSION",
  eventgrid_extension: "FUNCTIONS_SYSTEM_KEY_EVENTGRID_EXTENSION",
} as const;

export type SystemKeyName = keyof typeof SYSTEM_KEY_SETTINGS;

export interface HostKeys {
  master: string;
  /** The default function key. */
  host: string;
  system: Record<SystemKeyName, string>;
}

/** `az functionapp keys list` output. */
interface KeysFile {
  masterKey?: string;
  functionKeys?: Record<string, string>;
  systemKeys?: Partial<Record<SystemKeyName, string>>;
}

export function loadHostKeys(settings: Readonly<Record<string, string>>, dataDir: string): HostKeys {
  const file = path.join(dataDir, "host-keys.json");
  const stored = fs.existsSync(file) ? readKeysFile(file) : {};
  // The file keeps the stored or generated keys; a setting overrides without being written down.
  const next: KeysFile = {
    masterKey: stored.masterKey ?? generateKey(),
    functionKeys: { ...(stored.functionKeys ?? {}), default: stored.functionKeys?.default ?? generateKey() },
    systemKeys: {
      durabletask_extension: stored.systemKeys?.durabletask_extension ?? generateKey(),
      eventgrid_extension: stored.systemKeys?.eventgrid_extension ?? generateKey(),
    },
  };
  const system = next.systemKeys as Record<SystemKeyName, string>;
  const keys: HostKeys = {
    master: settings[MASTER_KEY_SETTING] || (next.masterKey as string),
    host: settings[HOST_KEY_SETTING] || (next.functionKeys?.default as string),
    system: {
      durabletask_extension: settings[SYSTEM_KEY_SETTINGS.durabletask_extension] || system.durabletask_extension,
      eventgrid_extension: settings[SYSTEM_KEY_SETTINGS.eventgrid_extension] || system.eventgrid_extension,
    },
  };
  const text = JSON.stringify(next, null, 2);
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
    ensurePrivateDir(dataDir);
    writePrivateFile(file, text);
  }
  fs.chmodSync(file, PRIVATE_FILE_MODE);
  return keys;
}

function readKeysFile(file: string): KeysFile {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as KeysFile & { master?: string; host?: string };
  if (raw.masterKey !== undefined || raw.functionKeys !== undefined || raw.systemKeys !== undefined) return raw;
  // The former local shape.
  return { ...(raw.master ? { masterKey: raw.master } : {}), ...(raw.host ? { functionKeys: { default: raw.host } } : {}) };
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

/** An extension's webhook: its own system key or the master key (as the Functions host checks). */
export function isSystemAuthorized(name: SystemKeyName, keys: HostKeys, key: string | undefined): boolean {
  return key !== undefined && key !== "" && (key === keys.master || key === keys.system[name]);
}
