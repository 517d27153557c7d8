/**
 * Conversions between plain values and RPC typed data, with the semantics of `@azure/functions`
 * (converters/fromRpcTypedData.ts and toRpcTypedData.ts): strings are JSON-parsed when they parse.
 */
import type { RpcTypedData } from "./extension";

export function decodeTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) return tryJsonParse(data.string);
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json) as unknown;
  if (data.bytes !== undefined && data.bytes !== null) return Buffer.from(data.bytes);
  if (data.stream !== undefined && data.stream !== null) return Buffer.from(data.stream);
  if (data.http !== undefined && data.http !== null) return data.http;
  if (data.int !== undefined && data.int !== null) return data.int;
  if (data.double !== undefined && data.double !== null) return data.double;
  return undefined;
}

export function encodeTypedData(value: unknown): RpcTypedData | null | undefined {
  if (value === null || value === undefined) return value;
  if (typeof value === "string") return { string: value };
  if (Buffer.isBuffer(value)) return { bytes: value };
  if (ArrayBuffer.isView(value)) return { bytes: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
  if (value instanceof ArrayBuffer) return { bytes: new Uint8Array(value) };
  if (typeof value === "number") return Number.isInteger(value) ? { int: value } : { double: value };
  return { json: JSON.stringify(value) };
}

function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
