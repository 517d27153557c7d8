export { registerFaultControl, registerStatsControl } from "./faults";
