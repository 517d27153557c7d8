import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { parseArgs, readLocalSettings } from "../../local/host/cli";
import { createFixtureApp } from "./fixture-app";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const bin = path.join(repoRoot, "local", "host", "bin", "aksops-host.js");

/** Collects stdout until `pattern` shows up. */
function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = pattern.exec(out);
      if (m) resolve(m);
    });
    child.stderr.on("data", (chunk: Buffer) => { err += chunk.toString("utf8"); });
    child.once("exit", (code) => reject(new Error(`aksops-host exited with ${String(code)} before printing ${String(pattern)}\n${out}\n${err}`)));
  });
}

describe("aksops-host CLI", () => {
  it("parses its arguments with func-like defaults", () => {
    expect(parseArgs(["app", "--port", "0", "--data-dir", "/tmp/d"])).toEqual({ appDir: path.resolve("app"), port: 0, dataDir: "/tmp/d" });
    expect(parseArgs(["--port=8080"])).toEqual({ appDir: path.resolve("."), port: 8080, dataDir: path.resolve(".data") });
    expect(() => parseArgs(["--port", "x"])).toThrow(/--port/);
    expect(() => parseArgs(["--verbose"])).toThrow(/unknown option --verbose/);
  });

  it("reads local.settings.json Values, the environment winning", () => {
    const fixture = createFixtureApp("http-app", { localSettings: { IsEncrypted: false, Values: { FIXTURE_SETTING: "from-file", OTHER: 3 } } });
    try {
      expect(readLocalSettings(fixture.appDir, { OTHER: "from-env" })).toEqual({ FIXTURE_SETTING: "from-file", OTHER: "from-env" });
    } finally {
      fixture.remove();
    }
  });

  it("starts an app folder on a free port, prints the function URLs, serves them and stops on SIGTERM", async () => {
    const fixture = createFixtureApp("http-app", { localSettings: { Values: { FIXTURE_SETTING: "cli-value" } } });
    const child = spawn(process.execPath, [bin, fixture.appDir, "--port", "0", "--data-dir", fixture.dataDir], { cwd: repoRoot, env: { ...process.env, FIXTURE_SETTING: undefined } });
    try {
      const [, settingUrl] = await waitForOutput(child, /setting: \[GET\] (http:\/\/127\.0\.0\.1:\d+\/api\/setting)/);
      const res = await fetch(settingUrl ?? "");
      expect(await res.json()).toEqual({ value: "cli-value" });
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      fixture.remove();
    }
  });
});
