export { registerFaultControl, registerStatsControl } from "./faults";
export { registerFleetControl } from "./fleet";
export { newVersionData, registerReleaseControl } from "./releases";
