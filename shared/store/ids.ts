import { createHash } from "node:crypto";

/** Cosmos' own limit on an item id (characters). */
export const COSMOS_ID_MAX_LENGTH = 255;

/**
 * Characters escaped anywhere in a key:
 * - `/ \ ? #`: reserved in resource ids ("The following characters are restricted and cannot be
 *   used in the Id property: '/', '\\', '?', '#'", learn.microsoft.com, Resource.Id / ItemProperties.Id;
 *   a document stored with one cannot be read or deleted by id: Azure/azure-cosmos-dotnet-v3#2606, #4129);
 * - `\t \r \n` and the other control characters: the Python SDK refuses `\t \r \n` in any id
 *   (azure-sdk-for-python, azure/cosmos/_base.py `_VALID_COSMOS_RESOURCE = ^[^/\\#?\t\r\n]*$`);
 * - `%`, so the encoding stays reversible.
 */
// eslint-disable-next-line no-control-regex -- control characters are what is escaped
const UNSAFE = /[%/\\?#\u0000-\u001F\u007F]/g;
/**
 * What an id may not end with, escaped at the end only:
 * - white space: `@azure/cosmos` refuses an id ending in a space ("Id ends with a space.",
 *   common/helper.ts `isResourceValid`), the Python SDK one ending in a space or newline, and the
 *   service answers a read of such an id with an authorization error (the signed path is trimmed:
 *   Azure/azure-cosmos-dotnet-v3#1032); `@azure/cosmos` refuses to address an id that is only white
 *   space ("Resource ID must be a string and cannot be undefined, null or empty", `validateItemResourceId`);
 * - dots: an id is a URL path segment (`dbs/{db}/colls/{coll}/docs/{id}`), and `.` and `..` are
 *   dot-segments every URL parser removes (RFC 3986 §5.2.4, WHATWG URL "single-dot / double-dot
 *   path segment"), so `docs/..` addresses the collection, not the item; a dot that ends a segment
 *   is dropped by Windows path canonicalisation (the service's front ends run on Windows), which
 *   would make `evt.` and `evt` one item: trailing dots are escaped rather than bet on either way.
 */
const UNSAFE_TAIL = /[\s.]+$/u;
const HASH_CHARS = 40;

function escape(c: string): string {
  if (c === ".") return "%2E";
  return encodeURIComponent(c).replace(/%[0-9a-f]{2}/g, (h) => h.toUpperCase());
}

/**
 * The one encoding of a key that came from outside (an Event Grid event id, a cluster id in a URL)
 * into a Cosmos item id: `/ \ ? #`, control characters and `%` become `%XX` anywhere, and white
 * space and dots at the end become `%XX` (UTF-8 bytes, as `encodeURIComponent`), so ids Cosmos
 * accepts stay as they are and encoded ids decode back. An encoded id over 255 characters keeps its
 * first characters and ends in `~` and a SHA-256 prefix of the whole key (not reversible:
 * `Collection` keeps the original beside it in `sourceId`).
 */
export function cosmosId(key: string): string {
  let encoded = key.replace(UNSAFE, escape);
  const tail = UNSAFE_TAIL.exec(encoded);
  if (tail) encoded = encoded.slice(0, tail.index) + [...tail[0]].map(escape).join("");
  if (encoded.length <= COSMOS_ID_MAX_LENGTH) return encoded;
  let head = encoded.slice(0, COSMOS_ID_MAX_LENGTH - HASH_CHARS - 1);
  // Never end on half of a surrogate pair or of a %XX escape.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  head = head.replace(/%[0-9A-F]?$/, "");
  return `${head}~${createHash("sha256").update(key, "utf8").digest("hex").slice(0, HASH_CHARS)}`;
}

/** The key `cosmosId` encoded, for ids it did not shorten. */
export function decodeCosmosId(id: string): string {
  return id.replace(/(%[0-9A-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
