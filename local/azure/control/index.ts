export { registerFaultControl, registerStatsControl } from "./faults";
export { newVersionData, registerReleaseControl } from "./releases";
