/** The function list `func start` prints: HTTP functions with their methods and URLs, then the others with their trigger. */
import type { LocalHostHandle } from "./index";

export function describeFunctions(host: Pick<LocalHostHandle, "baseUrl" | "routePrefix" | "functions" | "httpRoutes">): string {
  const lines = [`Host listening on ${host.baseUrl}`, "", "Functions:", ""];
  const prefix = host.routePrefix === "" ? "" : `${host.routePrefix}/`;
  for (const route of host.httpRoutes) {
    lines.push(`\t${route.fn.name}: [${(route.methods ?? ["ALL"]).join(",")}] ${host.baseUrl}/${prefix}${route.template.template.replace(/^\/+/, "")}`);
  }
  for (const fn of host.functions.values()) {
    if (fn.trigger.type.toLowerCase() === "httptrigger") continue;
    const extra = fn.trigger.type.toLowerCase() === "eventgridtrigger" ? ` ${host.baseUrl}/runtime/webhooks/eventgrid?functionName=${fn.name}` : "";
    lines.push(`\t${fn.name}: ${fn.trigger.type}${extra}`);
  }
  return lines.join("\n");
}
