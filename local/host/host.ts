/**
 * One running local Functions host: the loaded app, its HTTP server, timer triggers, the Event Grid
 * webhook and the extensions (Durable Functions). Created by `startHost` (index.ts).
 */
import type http from "node:http";
import type { Clock } from "../clock";
import { ensurePrivateDir } from "../private-files";
import type { ExtensionContext, HostExtension, InvocationInput, InvocationResult, RegisteredFunction } from "./extension";
import { loadApp, type LoadedApp } from "./app-loader";
import { runAppHooks } from "./hooks";
import { readHostJson, type HostJson } from "./host-json";
import { InFlight } from "./in-flight";
import { FunctionNotFoundError, invokeRegistered } from "./invoker";
import type { HostLogger, LogLevel } from "./logger";
import { applySettingsToEnv } from "./settings-env";
import { requestBodySizeLimit } from "./http/rpc-http";
import { publishHostClock } from "./clock-slot";
import { buildHttpRoutes, type HttpRoute } from "./http/http-routes";
import { createHttpServer, listen } from "./http/http-server";
import { loadHostKeys, type HostKeys } from "./http/keys";
import { handleEventGridWebhook } from "./eventgrid/eventgrid-webhook";
import { TimerTriggers } from "./timers/timer-triggers";

export interface LocalHostOptions {
  appDir: string;
  clock: Clock;
  settings: Readonly<Record<string, string>>;
  port: number;
  /** Interface to listen on; loopback unless told otherwise. */
  hostname: string;
  dataDir: string;
  extensions: HostExtension[];
  logger: HostLogger;
}

export class LocalHost {
  private server?: http.Server;
  private port = 0;
  private app?: LoadedApp;
  private hostJson?: HostJson;
  private routes: HttpRoute[] = [];
  private restoreEnv?: () => void;
  private withdrawClock?: () => void;
  private unregisterProbe?: () => void;
  private timers?: TimerTriggers;
  private stopped = false;
  readonly inFlight = new InFlight();
  keys: HostKeys = { master: "", host: "", system: { durabletask_extension: "", eventgrid_extension: "" } };

  constructor(readonly options: LocalHostOptions) {}

  get baseUrl(): string {
    return `http://${this.options.hostname}:${this.port}`;
  }

  get routePrefix(): string {
    return this.hostJson?.routePrefix ?? "api";
  }

  get functions(): ReadonlyMap<string, RegisteredFunction> {
    return this.app?.functions ?? new Map<string, RegisteredFunction>();
  }

  get httpRoutes(): readonly HttpRoute[] {
    return this.routes;
  }

  get extensions(): readonly HostExtension[] {
    return this.options.extensions;
  }

  async start(): Promise<void> {
    const { options } = this;
    ensurePrivateDir(options.dataDir);
    this.hostJson = readHostJson(options.appDir);
    this.keys = loadHostKeys(options.settings, options.dataDir);
    this.restoreEnv = applySettingsToEnv(options.settings);
    this.withdrawClock = publishHostClock(options.clock);
    try {
      this.app = await loadApp(options.appDir, {
        log: (level, category, message) => options.logger({ level, category: category === "user" ? "Host.Function.Console" : "Host.Worker", message })
      });
      this.routes = buildHttpRoutes(this.app.functions.values());
      this.warnUnsupportedTriggers();
      this.server = createHttpServer({
        routePrefix: this.routePrefix,
        keys: this.keys,
        routes: this.routes,
        maxRequestBodySize: requestBodySizeLimit(options.settings),
        extensions: options.extensions,
        inFlight: this.inFlight,
        logger: options.logger,
        invoke: (name, input, reason) => this.invokeWithReason(name, input, reason),
        handleEventGrid: (req, res, url) => handleEventGridWebhook(req, res, url, {
          functions: this.functions,
          invoke: (name, input, reason) => this.invokeWithReason(name, input, reason),
          now: () => options.clock.now(),
          maxRequestBodySize: requestBodySizeLimit(options.settings)
        })
      });
      this.port = await listen(this.server, options.port, options.hostname);
      if (options.settings.WEBSITE_HOSTNAME === undefined) {
        // Azure sets WEBSITE_HOSTNAME; without it durable-functions' getClient rewrites every
        // management URL to localhost:7071, which is wrong for a host on any other port.
        const restoreSettings = this.restoreEnv;
        const restoreHostname = applySettingsToEnv({ WEBSITE_HOSTNAME: `127.0.0.1:${this.port}` });
        this.restoreEnv = () => { restoreHostname(); restoreSettings?.(); };
      }
      this.unregisterProbe = options.clock.registerIdleProbe(() => this.ownIdle());
      const context = this.extensionContext();
      for (const extension of options.extensions) await extension.start(context);
      this.timers = new TimerTriggers({
        clock: options.clock,
        dataDir: options.dataDir,
        settings: options.settings,
        functions: [...this.functions.values()],
        logger: options.logger,
        run: (name, input, reason) => this.invokeWithReason(name, input, reason),
        track: (work) => this.inFlight.track(work)
      });
      this.timers.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Runs a function through the app's programming model, as the Node worker would. */
  invoke(functionName: string, input: InvocationInput): Promise<InvocationResult> {
    return this.invokeWithReason(functionName, input);
  }

  private async invokeWithReason(functionName: string, input: InvocationInput, reason?: string): Promise<InvocationResult> {
    const fn = this.functions.get(functionName);
    if (!fn || !this.app) throw new FunctionNotFoundError(functionName);
    return invokeRegistered(fn, this.withExtensionInputs(fn, input), { registry: this.app.registry, logger: this.options.logger, reason });
  }

  /** Input bindings of extension types (e.g. `durableClient`) are filled on every invocation. */
  private withExtensionInputs(fn: RegisteredFunction, input: InvocationInput): InvocationInput {
    const present = new Set(input.inputData.map((d) => d.name));
    const extra: InvocationInput["inputData"] = [];
    for (const [name, binding] of Object.entries(fn.bindings)) {
      if (name === fn.triggerName || binding.direction !== "in" || present.has(name)) continue;
      for (const extension of this.options.extensions) {
        const data = extension.inputBinding?.(binding);
        if (data !== undefined) {
          extra.push({ name, data });
          break;
        }
      }
    }
    return extra.length === 0 ? input : { ...input, inputData: [...input.inputData, ...extra] };
  }

  /** Idle when no HTTP request, timer or Event Grid invocation is in flight and every extension is idle. */
  async waitForIdle(): Promise<void> {
    await this.ownIdle();
  }

  private async ownIdle(): Promise<void> {
    for (;;) {
      await this.inFlight.idle();
      await Promise.all(this.options.extensions.map((e) => e.waitForIdle()));
      if (this.inFlight.size === 0) return;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timers?.stop();
    this.unregisterProbe?.();
    if (this.server) {
      // Stop accepting, let requests in flight finish, then drop kept-alive connections.
      const server = this.server;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await this.inFlight.idle();
      server.closeAllConnections();
      await closed;
    }
    await this.inFlight.idle();
    for (const extension of [...this.options.extensions].reverse()) {
      try {
        await extension.stop();
      } catch (err) {
        this.log("error", `Extension ${extension.name} failed to stop: ${String(err)}`);
      }
    }
    if (this.app) {
      try {
        await runAppHooks(this.app.registry, "appTerminate");
      } catch (err) {
        this.log("error", `appTerminate hook failed: ${String(err)}`);
      }
    }
    this.restoreEnv?.();
    this.withdrawClock?.();
  }

  private extensionContext(): ExtensionContext {
    const { options } = this;
    return {
      clock: options.clock,
      dataDir: options.dataDir,
      settings: options.settings,
      baseUrl: () => this.baseUrl,
      functions: () => this.functions,
      invoke: (name, input) => this.invoke(name, input),
      log: (level, message, context) => options.logger({ level, category: "Host.Extension", message, context }),
      systemKey: (name) => this.keys.system[name]
    };
  }

  private warnUnsupportedTriggers(): void {
    const extensionTypes = new Set(this.options.extensions.flatMap((e) => e.triggerTypes.map((t) => t.toLowerCase())));
    const hostTypes = new Set(["httptrigger", "timertrigger", "eventgridtrigger"]);
    for (const fn of this.functions.values()) {
      const type = fn.trigger.type.toLowerCase();
      if (!hostTypes.has(type) && !extensionTypes.has(type)) {
        this.log("warning", `Function '${fn.name}' has a ${fn.trigger.type} trigger, which the local host does not run.`);
      }
    }
  }

  private log(level: LogLevel, message: string): void {
    this.options.logger({ level, category: "Host", message });
  }
}
