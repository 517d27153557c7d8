/**
 * Resolves the app's entry points from package.json `main`, which the Node worker lets be a glob
 * (it uses globby, e.g. `dist/src/functions/*.js`). Supported here: `*`, `?`, `**` and `{a,b}`.
 */
import fs from "node:fs";
import path from "node:path";

export class EntryPointError extends Error {
  override readonly name = "EntryPointError";
  constructor(message: string, readonly appDir: string, readonly pattern?: string) {
    super(message);
  }
}

export function resolveEntryPoints(appDir: string): string[] {
  const packagePath = path.join(appDir, "package.json");
  let pkg: { main?: unknown };
  try {
    pkg = JSON.parse(fs.readFileSync(packagePath, "utf8")) as { main?: unknown };
  } catch (err) {
    throw new EntryPointError(`Cannot read ${packagePath}: ${(err as Error).message}`, appDir);
  }
  // The worker defaults to index.js when "main" is missing (src/startApp.ts).
  const pattern = typeof pkg.main === "string" && pkg.main.trim() !== "" ? pkg.main.trim() : "index.js";
  if (!/[*?{]/.test(pattern)) {
    const file = path.resolve(appDir, pattern);
    const candidates = [file, `${file}.js`, path.join(file, "index.js")];
    const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    if (!found) {
      throw new EntryPointError(`Worker was unable to load entry point "${pattern}": File does not exist.`, appDir, pattern);
    }
    return [found];
  }
  const files = expandGlob(appDir, pattern);
  if (files.length === 0) {
    throw new EntryPointError(`Found zero files matching the supplied pattern "${pattern}".`, appDir, pattern);
  }
  return files;
}

export function expandGlob(baseDir: string, pattern: string): string[] {
  const out: string[] = [];
  for (const alternative of expandBraces(pattern)) {
    const segments = alternative.split("/").filter((s) => s !== "" && s !== ".");
    walk(path.resolve(baseDir), segments, out);
  }
  return [...new Set(out)].sort();
}

function walk(dir: string, segments: string[], out: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (head === "**") {
    walk(dir, rest, out);
    for (const entry of listDir(dir)) {
      if (entry.isDirectory() && entry.name !== "node_modules") walk(path.join(dir, entry.name), segments, out);
    }
    return;
  }
  if (!/[*?]/.test(head)) {
    const next = path.join(dir, head);
    if (rest.length === 0) {
      if (fs.existsSync(next) && fs.statSync(next).isFile()) out.push(next);
    } else if (fs.existsSync(next)) {
      walk(next, rest, out);
    }
    return;
  }
  const matcher = segmentRegex(head);
  for (const entry of listDir(dir)) {
    if (!matcher.test(entry.name)) continue;
    const next = path.join(dir, entry.name);
    if (rest.length === 0) {
      if (entry.isFile()) out.push(next);
    } else if (entry.isDirectory()) {
      walk(next, rest, out);
    }
  }
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function segmentRegex(segment: string): RegExp {
  const body = segment.replace(/[.+^$()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

function expandBraces(pattern: string): string[] {
  const match = /\{([^{}]*)\}/.exec(pattern);
  if (!match) return [pattern];
  const before = pattern.slice(0, match.index);
  const after = pattern.slice(match.index + match[0].length);
  return (match[1] ?? "").split(",").flatMap((option) => expandBraces(`${before}${option}${after}`));
}
