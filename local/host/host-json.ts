/** The parts of the app's host.json the local host honours. */
import fs from "node:fs";
import path from "node:path";

export interface HostJson {
  /** `extensions.http.routePrefix`; Azure's default is `api`, and `""` removes the prefix. */
  routePrefix: string;
  raw: Record<string, unknown>;
}

export function readHostJson(appDir: string): HostJson {
  const file = path.join(appDir, "host.json");
  let raw: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  }
  const extensions = (raw.extensions ?? {}) as { http?: { routePrefix?: unknown } };
  const prefix = extensions.http?.routePrefix;
  return { routePrefix: typeof prefix === "string" ? prefix.replace(/^\/+|\/+$/g, "") : "api", raw };
}
