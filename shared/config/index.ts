export { loadConfig, pollingSettingsFrom, MAX_POLL_INTERVAL_SECONDS, SettingNames, SettingDefaults } from "./settings";
export type { AppConfig, CosmosSettings, RuntimeMode, UpgradePollingSettings } from "./settings";
export { ConfigError } from "./config-error";
export type { SettingProblem } from "./config-error";
export { SubscriptionSettingNames, type ManagedSubscriptionsSetting } from "./subscriptions";
