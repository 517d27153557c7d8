/**
 * Values the provisioning PUT makes itself and sends only to ARM (DesiredResource.generate): a dev
 * self-signed certificate as a Key Vault secret's write-only value. Never returned, stored or logged.
 * - `cer`: the certificate, base64 DER (App Gateway trusted root certificates are public certificates).
 * - `pfx`: certificate and private key as an unencrypted PKCS#12 (RFC 7292: PFX v3, authSafe of one
 *   `data` ContentInfo holding a keyBag and a certBag; no MAC, as `openssl pkcs12 -export -nomac`),
 *   base64: the shape App Gateway reads from a Key Vault secret (contentType application/x-pkcs12).
 */
import { createPrivateKey } from "node:crypto";
import { generate } from "selfsigned";
import type { GeneratedValue } from "../../../shared/domain/baseline/profile";

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(body.length), body]);
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const explicit0 = (b: Buffer): Buffer => tlv(0xa0, b);
const integer = (n: number): Buffer => tlv(0x02, Buffer.from([n]));
function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split(".").map(Number);
  const out = [a * 40 + b];
  for (const v of rest) {
    const parts: number[] = [];
    for (let x = v; ; x = Math.floor(x / 128)) { parts.unshift(x % 128); if (x < 128) break; }
    out.push(...parts.map((p, i) => (i < parts.length - 1 ? p | 0x80 : p)));
  }
  return tlv(0x06, Buffer.from(out));
}

const ID_DATA = "1.2.840.113549.1.7.1";
const KEY_BAG = "1.2.840.113549.1.12.10.1.1";
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const X509_CERTIFICATE = "1.2.840.113549.1.9.22.1";

function derOfPem(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
}

/** An unencrypted PKCS#12 of one key and one certificate. */
export function pkcs12(certificateDer: Buffer, pkcs8Der: Buffer): Buffer {
  const keyBag = seq(oid(KEY_BAG), explicit0(pkcs8Der));
  const certBag = seq(oid(CERT_BAG), explicit0(seq(oid(X509_CERTIFICATE), explicit0(octets(certificateDer)))));
  const safeContents = seq(keyBag, certBag);
  const authenticatedSafe = seq(seq(oid(ID_DATA), explicit0(octets(safeContents))));
  return seq(integer(3), seq(oid(ID_DATA), explicit0(octets(authenticatedSafe))));
}

export async function generateValue(spec: GeneratedValue): Promise<string> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: spec.commonName }], {
    keySize: 2048, algorithm: "sha256", notBeforeDate: new Date(now - 3600_000), notAfterDate: new Date(now + 365 * 24 * 3600_000),
    extensions: [
      { name: "basicConstraints", cA: spec.format === "cer", critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: spec.format === "cer", critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: spec.commonName }] }
    ]
  });
  const cert = derOfPem(pems.cert);
  if (spec.format === "cer") return cert.toString("base64");
  const key = createPrivateKey(pems.private).export({ format: "der", type: "pkcs8" });
  return pkcs12(cert, key).toString("base64");
}
