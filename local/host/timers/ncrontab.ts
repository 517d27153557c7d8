/** The schedule parser lives in shared/schedule (the governance sweep reads its own interval with it). */
export { parseSchedule, ScheduleError, type Schedule } from "../../../shared/schedule/ncrontab";
