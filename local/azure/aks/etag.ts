import type { SimRequest } from "../kernel";
import { AksError } from "./errors";

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function unquote(tag: string): string {
  return tag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

/**
 * Optimistic concurrency on clusters and pools: `If-Match` must name the current `eTag` (or `*`
 * for "exists"), `If-None-Match: *` only creates; otherwise AKS answers 412 PreconditionFailed
 * before starting anything.
 */
export function checkIfMatch(req: SimRequest, current: unknown): void {
  const ifMatch = header(req, "if-match");
  const ifNoneMatch = header(req, "if-none-match");
  const etag = typeof current === "string" ? current : undefined;
  if (ifMatch !== undefined && ifMatch !== "") {
    const wanted = ifMatch.split(",").map(unquote);
    const ok = etag !== undefined && (wanted.includes("*") || wanted.includes(etag));
    if (!ok) {
      throw new AksError(412, "PreconditionFailed",
        `Operation is not allowed because the provided If-Match header '${ifMatch}' does not match the current eTag '${etag ?? ""}' of the resource.`, "If-Match");
    }
  }
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() === "*" && etag !== undefined) {
    throw new AksError(412, "PreconditionFailed", "Operation is not allowed because the resource already exists and If-None-Match '*' was provided.", "If-None-Match");
  }
}
