import type { SimRequest } from "./types";

/** Default page size of list operations (ARM pages at the provider's discretion; tests lower it). */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * One page of a list, `{ value, nextLink? }`, with ARM's `$skiptoken` continuation: the nextLink is
 * absolute and keeps the request's other query parameters (api-version included), as ARM's do.
 */
export function pageOf<T>(req: SimRequest, items: T[], pageSize = DEFAULT_PAGE_SIZE): { value: T[]; nextLink?: string } {
  const skip = Math.max(0, Number.parseInt(req.query.get("$skiptoken") ?? "0", 10) || 0);
  const size = Math.max(1, pageSize);
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length) return { value };
  const q = new URLSearchParams(req.query);
  q.set("$skiptoken", String(skip + size));
  const path = req.path.split("/").map(encodeURIComponent).join("/");
  return { value, nextLink: `${req.baseUrl}${path}?${q.toString()}` };
}
