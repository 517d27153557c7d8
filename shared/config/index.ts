export { loadConfig, pollingSettingsFrom, settingNameIn, MAX_POLL_INTERVAL_SECONDS, SettingNames, SettingDefaults, DeprecatedSettingNames } from "./settings";
export type { AppConfig, CosmosSettings, RuntimeMode, OperationPollingSettings } from "./settings";
export { ConfigError } from "./config-error";
export type { SettingProblem } from "./config-error";
export { SubscriptionSettingNames, type ManagedSubscriptionsSetting } from "./subscriptions";
