export * from "./cidr";
export * from "./names";
export * from "./request";
export * from "./profile";
export * from "./plan";
