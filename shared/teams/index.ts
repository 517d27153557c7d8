/** Teams: Adaptive Card builders and the webhook poster. Not for orchestrators (activities post). */
export * from "./cards";
export * from "./webhook";
