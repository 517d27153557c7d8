/**
 * In Azure an app reads its settings from `process.env`; the host puts them there for as long as it
 * runs and restores what was there before when it stops.
 */
import { realProcess } from "./node-runtime";

export function applySettingsToEnv(settings: Readonly<Record<string, string>>): () => void {
  // Under jest the test file's `process.env` is a private copy; code on either side sees the settings.
  const envs = [...new Set([realProcess().env, process.env])];
  const restores = envs.map((env) => {
    const previous = new Map<string, string | undefined>();
    for (const [key, value] of Object.entries(settings)) {
      previous.set(key, env[key]);
      env[key] = value;
    }
    return () => {
      for (const [key, value] of previous) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
    };
  });
  return () => restores.forEach((restore) => restore());
}
