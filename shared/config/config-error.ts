/** One problem with one setting: what it is called and what is wrong with it. */
export interface SettingProblem {
  setting: string;
  problem: string;
}

/**
 * Thrown by `loadConfig` when any setting is missing or malformed. It names every bad setting at
 * once, so an operator fixes the app settings in one pass instead of one restart per mistake.
 * Values are never echoed: a malformed setting may be a secret.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(readonly problems: readonly SettingProblem[]) {
    super(
      `Invalid app settings (${problems.length}): ` +
        problems.map((p) => `${p.setting}: ${p.problem}`).join("; ")
    );
  }

  /** The names of the offending settings, in the order they were checked. */
  get settings(): string[] {
    return this.problems.map((p) => p.setting);
  }
}
