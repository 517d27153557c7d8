export { loadConfig, SettingNames, SettingDefaults } from "./settings";
export type { AppConfig, CosmosSettings, RuntimeMode } from "./settings";
export { ConfigError } from "./config-error";
export type { SettingProblem } from "./config-error";
