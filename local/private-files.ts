/**
 * Files of the local runtime that hold a key (host keys, the approval signing key, the TLS private
 * key, the simulator's state with Event Grid subscription URLs and their `code=` keys, Teams cards
 * with signed approval links) are the owner's only: the file 0600, the data directory 0700, as
 * `func start` keeps its secrets out of reach of other local users
 * (https://learn.microsoft.com/azure/azure-functions/security-concepts#function-access-keys).
 * On Windows the modes are ignored by Node (https://nodejs.org/api/fs.html#fschmodpath-mode-callback).
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` (and parents) and makes it the owner's only; an existing one is tightened. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Writes `text` to `path` readable by the owner only (a file that existed with a wider mode is tightened). */
export function writePrivateFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: PRIVATE_FILE_MODE });
  chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Writes a temporary file (0600) and renames it over `path`: a killed process leaves the old or the
 * new content, never half of one, and never a moment where the file is readable by others.
 */
export function replacePrivateFile(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writePrivateFile(tmp, text);
  renameSync(tmp, path);
}
