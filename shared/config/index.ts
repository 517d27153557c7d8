export { loadConfig, SettingNames, SettingDefaults } from "./settings";
export type { AppConfig, CosmosSettings, RuntimeMode, UpgradePollingSettings } from "./settings";
export { ConfigError } from "./config-error";
export type { SettingProblem } from "./config-error";
