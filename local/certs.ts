import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, writePrivateFile } from "./private-files";

export interface LocalCertificate {
  key: string;
  cert: string;
  /** `<data-dir>/certs/local-ca.pem`: what a client trusts explicitly (never NODE_TLS_REJECT_UNAUTHORIZED=0). */
  caPath: string;
}

/**
 * The self-signed certificate that the Azure simulator and the embedded Cosmos serve. It is its
 * own trust anchor, valid for localhost and 127.0.0.1, created on first start and reused after.
 */
export async function ensureLocalCertificate(dataDir: string): Promise<LocalCertificate> {
  const dir = join(dataDir, "certs");
  const caPath = join(dir, "local-ca.pem");
  const keyPath = join(dir, "local-key.pem");
  if (existsSync(caPath) && existsSync(keyPath)) {
    chmodSync(dir, PRIVATE_DIR_MODE);
    chmodSync(keyPath, PRIVATE_FILE_MODE);
    return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(caPath, "utf8"), caPath };
  }
  ensurePrivateDir(dir);
  const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000);
  const notAfterDate = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const pems = await generate([{ name: "commonName", value: "aksops local" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] }
    ]
  });
  writePrivateFile(keyPath, pems.private);
  writeFileSync(caPath, pems.cert);
  return { key: pems.private, cert: pems.cert, caPath };
}
