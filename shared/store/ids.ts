import { createHash } from "node:crypto";

/** Cosmos' own limit on an item id (characters). */
export const COSMOS_ID_MAX_LENGTH = 255;

/** The characters Cosmos cannot address by id (`/ \ ? #`), and `%` so the encoding stays reversible. */
const UNSAFE = /[%/\\?#]/g;
const HASH_CHARS = 40;

/**
 * The one encoding of a key that came from outside (an Event Grid event id, a cluster id in a URL)
 * into a Cosmos item id: `/ \ ? #` and `%` become `%XX`, so ids Cosmos accepts stay as they are
 * and encoded ids decode back. An encoded id over 255 characters keeps its first characters and
 * ends in `~` and a SHA-256 prefix of the whole key (not reversible: `Collection` keeps the
 * original beside it in `sourceId`).
 */
export function cosmosId(key: string): string {
  const encoded = key.replace(UNSAFE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  if (encoded.length <= COSMOS_ID_MAX_LENGTH) return encoded;
  let head = encoded.slice(0, COSMOS_ID_MAX_LENGTH - HASH_CHARS - 1);
  // Never end on half of a surrogate pair or of a %XX escape.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  head = head.replace(/%[0-9A-F]?$/, "");
  return `${head}~${createHash("sha256").update(key, "utf8").digest("hex").slice(0, HASH_CHARS)}`;
}

/** The key `cosmosId` encoded, for ids it did not shorten. */
export function decodeCosmosId(id: string): string {
  return id.replace(/%(25|2F|5C|3F|23)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
