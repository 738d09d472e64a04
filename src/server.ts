import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { AccessLogWriter, ChangeLogSequencer, shownFields, type CheckpointEvidence, type ShownFields } from "./audit/index.js";
import { AuthError } from "./auth/errors.js";
import type { IssuerRegistry } from "./auth/issuers.js";
import { MAX_PURPOSE_LENGTH, VerifiedTokens, authenticate } from "./auth/verify.js";
import type { Principal } from "./auth/principal.js";
import type { CheckpointSchedule } from "./checkpoint-schedule.js";
import { createContext } from "./context.js";
import type { HubContext } from "./context.type.js";
import type { Database, DbHandle } from "./db/client.js";
import { databaseErrorOf, isDatabaseUnavailable, isStatementTimeout } from "./db/errors.js";
import type { Logger } from "./logger.js";
import { IdempotentMutations, type IdempotencySettings } from "./modules/idempotency/index.js";
import { OrganizationDirectory } from "./modules/organizations/index.js";
import type { FieldCipher } from "./privacy/crypto.js";
import { LookupLimiter, singleLookupRule, type LookupLimit } from "./privacy/lookups.js";
import type { HttpConfig } from "./config.js";
import { HubError, RETRY_AFTER_SECONDS, databaseUnavailable } from "./shared/errors.js";
import { compiledExecution } from "./shared/graphql/compiled-executor.js";
import { Deadline, deadlineExceeded, guardResolversWithDeadline } from "./shared/graphql/deadline.js";
import { RequestLimitError } from "./shared/graphql/limits.errors.js";
import { DEFAULT_OPERATION_LIMITS, operationCost, operationLimitsRule, tokenLimitError, type OperationLimits } from "./shared/graphql/limits.js";
import { HeavyLane } from "./shared/heavy-lane.js";
import { DEFAULT_REQUEST_LIMITS, RequestLimiter, callerKey, type RequestLimits } from "./shared/request-limiter.js";
import { readAccessPurpose } from "./shared/purpose-header.js";
import { HubEvents } from "./shared/events.js";
import { subscriptionRule } from "./schema.js";
import { attachSubscriptions, type SubscriptionServer } from "./subscription-server.js";

export interface HubOptions {
  readonly schema: GraphQLSchema;
  readonly db: DbHandle;
  readonly cipher: FieldCipher;
  readonly registry: IssuerRegistry;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly introspection: boolean;
  readonly logger: Logger;
  /** Injectable clock for token checks in tests. */
  readonly now?: () => Date;
  /** How long stop() lets in-flight requests finish before cutting connections (default 15 s). */
  readonly shutdownGraceMs?: number;
  /** Public disclosure: cells counting fewer records are suppressed (default 5). */
  readonly publicMinCell?: number;
  /** Lookups by identifier allowed per caller and period (default 30 a minute). */
  readonly lookupLimit?: LookupLimit;
  /** Operation limits (aliases, depth, directives, tokens, cost); default DEFAULT_OPERATION_LIMITS. */
  readonly limits?: OperationLimits;
  /** Deadline, response size, per-caller rate and concurrency; default DEFAULT_REQUEST_LIMITS. */
  readonly requestLimits?: RequestLimits;
  /** Production: no field suggestions ("Did you mean …") in errors, for anyone. */
  readonly production?: boolean;
  /** HSTS and the CORS allowlist (default: no HSTS, no origin allowed). */
  readonly http?: HttpConfig;
  /** Retry-safe mutations with `Idempotency-Key` (default 24 h replay, 10 s wait); `now` for tests. */
  readonly idempotency?: Partial<IdempotencySettings> & { readonly now?: () => Date };
  /**
   * Signed audit checkpoints: the schedule starts with the hub and writes a final checkpoint in stop(),
   * after the last request's access entry; `evidence` is what auditChainStatus verifies against.
   */
  readonly checkpoints?: {
    readonly schedule: CheckpointSchedule;
    readonly evidence: () => Promise<CheckpointEvidence>;
  };
  /** The event bus live notifications listen to (default: the hub's own). */
  readonly events?: HubEvents;
  /** Live subscriptions one caller may hold at once (default 20). */
  readonly maxSubscriptionsPerCaller?: number;
}

const MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CALLER = 20;
const DEFAULT_SHUTDOWN_GRACE_MS = 15_000;
/** How often the hub retries chaining change-log entries after a failed pass. */
const CHANGE_LOG_SWEEP_MS = 5_000;
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** Codes graphql-js and Apollo give to the caller's own mistakes; they pass through unmasked. */
const CLIENT_ERROR_CODES = new Set([
  "BAD_USER_INPUT",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

/**
 * One mapper from errors to what a client sees: HubErrors keep their code and safe details; the
 * caller's own query mistakes pass through; everything else (SQL, bugs, outages) is logged under
 * the request id and masked.
 */
export function formatHubError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: Logger,
  limits: Pick<OperationLimits, "maxTokens"> & { readonly timeoutMs?: number } = DEFAULT_OPERATION_LIMITS,
): GraphQLFormattedError {
  const parseFailed = formatted.extensions?.code === "GRAPHQL_PARSE_FAILED";
  const unwrapped = unwrapResolverError(error);
  const original =
    (parseFailed ? tokenLimitError(formatted.message, limits) : null) ??
    (isDatabaseUnavailable(unwrapped)
      ? databaseUnavailable()
      : isStatementTimeout(unwrapped)
        ? deadlineExceeded(limits.timeoutMs ?? DEFAULT_REQUEST_LIMITS.timeoutMs)
        : hubErrorIn(unwrapped));
  if (original instanceof HubError) {
    return {
      message: original.message,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { ...original.details, code: original.code, reason: original.reason },
    };
  }
  const code = formatted.extensions?.code;
  if (parseFailed && !formatted.message.startsWith("Syntax Error: ")) {
    // The parser's own messages start "Syntax Error:"; anything else (a stack overflow) is JavaScript's, not the caller's.
    return { message: "Syntax Error: the document could not be parsed", extensions: { code: "GRAPHQL_PARSE_FAILED" } };
  }
  if (typeof code === "string" && CLIENT_ERROR_CODES.has(code)) {
    // An unknown enum value written inline is still bad input, not a broken client.
    const enumMistake = code === "GRAPHQL_VALIDATION_FAILED" && /does not exist in "[A-Za-z]+" enum/.test(formatted.message);
    return {
      message: formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: enumMistake ? "BAD_USER_INPUT" : code },
    };
  }
  const failure = original instanceof Error ? original : new Error(String(original));
  logger.error(
    {
      err: { type: failure.name, sqlstate: databaseErrorOf(failure)?.code, constraint: databaseErrorOf(failure)?.constraint },
      path: formatted.path,
    },
    "unexpected error while resolving",
  );
  return {
    message: "Internal server error",
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}

/** The HubError behind an error, also when graphql-js or Apollo wrapped it (validation rules do). */
function hubErrorIn(error: unknown): unknown {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    if (e instanceof HubError) return e;
    e = (e as { originalError?: unknown }).originalError;
  }
  return error;
}

/** HTTP statuses for errors a client should retry: 429 (rate limit), 503 (database down, deadline passed), with Retry-After. */
const RETRY_STATUS: Readonly<Record<string, number>> = { RATE_LIMITED: 429, SERVICE_UNAVAILABLE: 503, DEADLINE_EXCEEDED: 503 };

function retryStatusPlugin(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          // A query stopped at its deadline answers nothing but that: no half of a page, no error per
          // field the deadline stopped. (A mutation's results stand: what committed is answered.)
          const stopped = result.errors?.find((e) => e.extensions?.code === "DEADLINE_EXCEEDED");
          if (stopped && operation?.operation !== "mutation") {
            result.data = null;
            result.errors = [{ message: stopped.message, extensions: stopped.extensions }];
          }
          const retry = result.errors?.find((e) => typeof e.extensions?.code === "string" && e.extensions.code in RETRY_STATUS);
          if (!retry) return;
          response.http.status = RETRY_STATUS[retry.extensions!.code as string]!;
          response.http.headers.set("retry-after", String(retry.extensions?.retryAfterSeconds ?? RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

export interface Hub {
  readonly httpServer: http.Server;
  readonly apollo: ApolloServer<HubContext>;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
  /** Builds a request context as the HTTP path does (for in-process tests and benchmarks). */
  contextFor(authorization: string | undefined, request?: RequestFacts): Promise<HubContext>;
  /** What requests changed, for live notifications (the claim-expiry schedule publishes here too). */
  readonly events: HubEvents;
  /** Chains committed change-log entries (flush() resolves once what was pending is in the chain). */
  readonly changeLog: ChangeLogSequencer;
  /** GraphQL subscriptions over WebSocket at /graphql. */
  readonly subscriptions: SubscriptionServer;
}

/** What the HTTP layer knows of a request before its context is built. */
export interface RequestFacts {
  readonly requestId?: string;
  /** The X-Access-Purpose header, decoded. */
  readonly purpose?: string | null;
  /** The peer's network address: the rate-limit key of a request without a valid token. */
  readonly clientAddress?: string;
  /** The database the request works through (a keyed mutation's transaction); default the hub's. */
  readonly database?: Database;
  /** Counted against the caller's rate (default true; a subscription's events are not requests). */
  readonly rateLimited?: boolean;
}

/** A HubError as thrown from the context function: Apollo answers it with this HTTP status (and Retry-After). */
function httpRefusal(cause: HubErrorLike, status: number): GraphQLError {
  const retryAfter = cause.details.retryAfterSeconds ?? RETRY_AFTER_SECONDS;
  return new GraphQLError(cause.message, {
    originalError: cause as unknown as Error,
    extensions: { code: cause.code, http: { status, headers: new HeaderMap([["retry-after", String(retryAfter)]]) } },
  });
}
type HubErrorLike = Pick<HubError, "message" | "code" | "reason" | "details">;

export async function createHub(options: HubOptions): Promise<Hub> {
  const { logger, db } = options;
  const directory = new OrganizationDirectory(db.db);
  const lookups = new LookupLimiter(options.lookupLimit);
  const verifiedTokens = new VerifiedTokens();
  const limits = options.limits ?? DEFAULT_OPERATION_LIMITS;
  const requestLimits = options.requestLimits ?? DEFAULT_REQUEST_LIMITS;
  const requestLimiter = new RequestLimiter(requestLimits);
  // Idempotent: the schema's fetching resolvers check the request's deadline on entry.
  guardResolversWithDeadline(options.schema);
  let draining = false;
  let stopped: Promise<void> | null = null;
  const httpConfig = options.http ?? { behindTls: false, corsOrigins: [] };
  const accessLog = new AccessLogWriter(db, options.cipher.auditKey);
  // Mutations commit their change-log entries as pending; this chains them (src/audit/change-log-sequencer.ts):
  // after each mutation, before its response; once now, for what was pending when the hub last stopped
  // (or a CLI left); and every few seconds while a pass has failed.
  const changeLog = new ChangeLogSequencer(db.db, options.cipher.auditKey, logger);
  void changeLog.flush();
  const changeLogSweep = setInterval(() => void changeLog.retry(), CHANGE_LOG_SWEEP_MS);
  changeLogSweep.unref();
  const events = options.events ?? new HubEvents();
  const idempotency = new IdempotentMutations({
    db,
    cipher: options.cipher,
    accessLog,
    logger,
    schema: options.schema,
    maxTokens: limits.maxTokens,
    settings: options.idempotency,
    now: options.idempotency?.now,
  });
  const apollo = new ApolloServer<HubContext>({
    // The schema, executed compiled (see shared/graphql/compiled-executor.ts).
    gateway: compiledExecution(options.schema),
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns signal handling and shutdown order (HTTP → Apollo → database).
    stopOnTerminationSignals: false,
    // Apollo 5 wraps every resolver for cache hints by default; the hub sends no cache hints.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // Before the access log: a keyed mutation commits before the log's write (see modules/idempotency).
      idempotency.plugin(),
      accessLogPlugin(logger, accessLog),
      mutationMarkPlugin(),
      retryStatusPlugin(),
      heavyLanePlugin(new HeavyLane(requestLimits.heavyAtOnce), requestLimits.heavyCost, limits),
    ],
    formatError: (formatted, error) => formatHubError(formatted, error, logger, { maxTokens: limits.maxTokens, timeoutMs: requestLimits.timeoutMs }),
    // The limits come first: a refused document reaches no other rule (see operationLimitsRule).
    validationRules: [operationLimitsRule(limits), singleLookupRule],
    parseOptions: { maxTokens: limits.maxTokens },
    hideSchemaDetailsFromClientErrors: options.production === true,
  });
  await apollo.start();

  async function contextFor(authorization: string | undefined, request: RequestFacts = {}): Promise<HubContext> {
    const requestId = request.requestId ?? randomUUID();
    const purposeHeader = request.purpose ?? null;
    const deadline = Deadline.after(requestLimits.timeoutMs);
    // A keyed mutation's transaction: everything the request reads and writes goes through it.
    const database = request.database ?? db.db;
    let principal: Principal | null;
    try {
      principal = await authenticate(authorization, {
        verified: verifiedTokens,
        registry: options.registry,
        audience: options.audience,
        clockToleranceSeconds: options.clockToleranceSeconds,
        findOrganization: (code) => directory.systemFindByCode(code, database),
        now: options.now,
      });
    } catch (err) {
      if (err instanceof AuthError) {
        logger.info({ requestId, reason: err.reason }, "token rejected");
        if (request.rateLimited !== false) await consumeRateOrThrow(null, request.clientAddress);
        return createContext({ requestId, db: database, cipher: options.cipher, principal: null, authError: err, lookups, deadline, publicMinCell: options.publicMinCell, events });
      }
      // The organization register could not be read: the caller should retry, not report a bug.
      if (isDatabaseUnavailable(err)) {
        const cause = databaseUnavailable();
        throw new GraphQLError(cause.message, {
          originalError: cause,
          extensions: { code: cause.code, http: { status: 503, headers: new HeaderMap([["retry-after", String(RETRY_AFTER_SECONDS)]]) } },
        });
      }
      throw err;
    }
    if (request.rateLimited !== false) await consumeRateOrThrow(principal, request.clientAddress);
    return createContext({
      requestId,
      db: database,
      cipher: options.cipher,
      principal,
      purpose: purposeHeader ?? principal?.purpose ?? null,
      checkpointEvidence: options.checkpoints?.evidence ?? null,
      lookups,
      deadline,
      publicMinCell: options.publicMinCell,
      events,
    });
  }

  function keyOf(principal: Principal | null, clientAddress: string | undefined) {
    return callerKey(principal ? { orgCode: principal.org.code, subject: principal.subject } : null, clientAddress);
  }

  async function consumeRateOrThrow(principal: Principal | null, clientAddress: string | undefined): Promise<void> {
    try {
      await requestLimiter.consumeOrThrow(keyOf(principal, clientAddress));
    } catch (err) {
      if (err instanceof RequestLimitError) throw httpRefusal(err, 429);
      throw err;
    }
  }

  const httpServer = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: { type: (err as Error)?.name } }, "request failed");
      if (!res.headersSent) send(res, 500, { error: "internal error" });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://hub.invalid");
    setSecurityHeaders(res, httpConfig);
    const origin = allowedOrigin(req, httpConfig);
    if (origin) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("access-control-expose-headers", "x-request-id, retry-after, idempotent-replayed");
    }
    if (req.method === "OPTIONS") {
      if (!origin || url.pathname !== "/graphql") return send(res, 403, { error: "origin not allowed" });
      res.statusCode = 204;
      res.setHeader("access-control-allow-methods", "POST, OPTIONS");
      res.setHeader("access-control-allow-headers", "authorization, content-type, x-request-id, x-access-purpose, idempotency-key, apollo-require-preflight");
      res.setHeader("access-control-max-age", "600");
      res.end();
      return;
    }
    if (url.pathname === "/healthz" && req.method === "GET") return send(res, 200, { status: "ok" });
    if (url.pathname === "/readyz" && req.method === "GET") {
      // Shutting down: a load balancer stops sending requests here while in-flight ones finish.
      if (draining) return send(res, 503, { status: "draining", database: db.kind });
      try {
        await db.ping();
        return send(res, 200, { status: "ready", database: db.kind });
      } catch {
        return send(res, 503, { status: "unavailable", database: db.kind });
      }
    }
    if (url.pathname !== "/graphql") return send(res, 404, { error: "not found" });
    if (req.method !== "POST") {
      // POST only: a GET query is a cross-site request a browser sends with the caller's cookies and
      // lets caches and logs keep (graphql-cop's GET and GET-mutation checks). OPTIONS is answered above.
      res.setHeader("allow", "POST, OPTIONS");
      return send(res, 405, { errors: [{ message: "GraphQL requests are POST (application/json)", extensions: { code: "METHOD_NOT_ALLOWED" } }] });
    }

    const started = performance.now();
    const headerId = req.headers["x-request-id"];
    const requestId = typeof headerId === "string" && REQUEST_ID.test(headerId) ? headerId : randomUUID();
    if (draining) res.setHeader("connection", "close");
    const purposeRead = readAccessPurpose(req.headers["x-access-purpose"], MAX_PURPOSE_LENGTH);
    if (!purposeRead.ok) {
      return send(res, 400, { errors: [{ message: purposeRead.message, extensions: { code: "BAD_REQUEST", reason: "INVALID_ACCESS_PURPOSE" } }] });
    }
    const purpose = purposeRead.purpose;
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (err) {
      return send(res, (err as { status?: number }).status ?? 400, {
        errors: [{ message: (err as Error).message, extensions: { code: "BAD_REQUEST" } }],
      });
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    let ctx: HubContext | undefined;
    let leave: (() => void) | undefined;
    const clientAddress = req.socket.remoteAddress;
    let result: Awaited<ReturnType<typeof apollo.executeHTTPGraphQLRequest>>;
    try {
      // A mutation with an Idempotency-Key runs in one transaction and is replayed on a retry.
      result = await idempotency.execute({
        headers: req.headersDistinct,
        body,
        context: async (database) => {
          ctx = await contextFor(req.headers.authorization, { requestId, purpose, clientAddress, database });
          try {
            leave = requestLimiter.enterOrThrow(keyOf(ctx.principal, clientAddress));
          } catch (err) {
            if (err instanceof RequestLimitError) throw httpRefusal(err, 429);
            throw err;
          }
          return ctx;
        },
        run: (context) =>
          apollo.executeHTTPGraphQLRequest({
            httpGraphQLRequest: { method: (req.method ?? "GET").toUpperCase(), headers, search: url.search, body },
            context,
          }),
      });
    } finally {
      leave?.();
    }
    // Done (a keyed mutation has committed or rolled back): its changes reach subscribers, who read
    // what committed — an event of a rolled-back change finds nothing to show.
    ctx?.events.flush();
    // A mutation's change-log entries are in the chain before it is answered (a shared pass under load).
    if (ctx?.mutation.ran) await changeLog.flush();
    // Encoded once: its size is checked, sent as Content-Length, and the bytes written as they are.
    const payload = result.body.kind === "complete" ? Buffer.from(result.body.string, "utf8") : null;
    if (payload && payload.length > requestLimits.maxResponseBytes) {
      // Too large to send: the access log already holds what the request was shown (over-recording a
      // refused response is the safe side), the caller gets nothing but the refusal.
      const tooLarge = new RequestLimitError("RESPONSE_TOO_LARGE", `the response is larger than ${requestLimits.maxResponseBytes} bytes; ask for fewer records or fields`, {
        limit: requestLimits.maxResponseBytes,
      });
      res.setHeader("x-request-id", requestId);
      return send(res, 200, { data: null, errors: [{ message: tooLarge.message, extensions: { code: tooLarge.code, reason: tooLarge.reason, ...tooLarge.details } }] });
    }
    res.statusCode = result.status ?? 200;
    for (const [k, v] of result.headers) {
      // The security headers stay as set; Apollo's Vary joins ours.
      if (k === "cache-control") continue;
      res.setHeader(k, k === "vary" ? `Origin, ${v}` : v);
    }
    res.setHeader("x-request-id", requestId);
    if (payload) {
      res.setHeader("content-length", payload.length);
      res.end(payload);
    } else if (result.body.kind === "chunked") {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
    logger.info(
      {
        requestId,
        status: res.statusCode,
        org: ctx?.principal?.org.code,
        role: ctx?.principal?.role,
        ms: Math.round(performance.now() - started),
      },
      "graphql request",
    );
  }

  const subscriptions = attachSubscriptions({
    httpServer,
    schema: options.schema,
    contextFor,
    accessLog,
    logger,
    limits,
    ruleOf: subscriptionRule,
    corsOrigins: httpConfig.corsOrigins,
    maxPerCaller: options.maxSubscriptionsPerCaller ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_CALLER,
    formatError: (formatted, error) => formatHubError(formatted, error, logger, { maxTokens: limits.maxTokens, timeoutMs: requestLimits.timeoutMs }),
    maxMessageBytes: MAX_BODY_BYTES,
  });

  options.checkpoints?.schedule.start();

  return {
    httpServer,
    apollo,
    contextFor,
    events,
    changeLog,
    subscriptions,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          const actual = typeof address === "object" && address ? address.port : port;
          resolve({ port: actual, url: `http://${host}:${actual}/graphql` });
        });
      }),
    // Idempotent: a second call (a second signal) waits for the first.
    stop: () => (stopped ??= stopHub()),
  };

  async function stopHub(): Promise<void> {
    {
      // Stop accepting, let in-flight requests finish within the grace (longer than the request
      // deadline, so every request ends on its own), then cut what remains.
      draining = true;
      // Sockets first: an upgraded connection is no longer the HTTP server's to close.
      await subscriptions.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => httpServer.closeAllConnections(), options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
        httpServer.close(() => {
          clearTimeout(force);
          resolve();
        });
        httpServer.closeIdleConnections();
      });
      // Every request has ended: its change-log entries chained, and (below) its access entry written,
      // before the final checkpoint, which covers them all.
      clearInterval(changeLogSweep);
      await changeLog.flush();
      await options.checkpoints?.schedule.stop();
      await apollo.stop();
      await idempotency.stop();
    }
  }
}

/**
 * Queries estimated at `heavyCost` or more run through the heavy lane (at most `heavyAtOnce` at a time,
 * hub-wide) at background priority; one that cannot get in before its deadline is answered
 * DEADLINE_EXCEEDED (503). Every request's lane ends with its response.
 */
function heavyLanePlugin(lane: HeavyLane, heavyCost: number, limits: OperationLimits): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart({ contextValue }) {
      let leave: (() => void) | undefined;
      // Paired with willSendResponse, which Apollo calls for every request it started.
      contextValue.lane.begin();
      return {
        async didResolveOperation({ document, operation, schema, contextValue }) {
          if (!operation || operation.operation !== "query" || operationCost(schema, document, operation, limits) < heavyCost) return;
          // From here on the request yields to interactive ones (src/shared/turns.ts), queued or running.
          contextValue.lane.markHeavy();
          try {
            leave = await lane.enter(contextValue.deadline);
          } catch (err) {
            if (err instanceof RequestLimitError) throw httpRefusal(err, 503);
            throw err;
          }
        },
        async willSendResponse({ contextValue }) {
          contextValue.lane.end();
          leave?.();
        },
      };
    },
  };
}

/** Marks a request whose operation is a mutation (HubContext.mutation). */
function mutationMarkPlugin(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (operation?.operation === "mutation") contextValue.mutation.ran = true;
        },
      };
    },
  };
}

/**
 * Writes the request's access-log entry before the response is sent. If the log cannot be
 * written, the response carries no data: a disclosure that cannot be traced does not happen.
 */
function accessLogPlugin(logger: Logger, accessLog: AccessLogWriter): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      let shown: ShownFields | undefined;
      return {
        // Once per operation, before it runs: what it asks for. The projector builds only that (no
        // unselected value is decrypted or masked), and the access log records what it showed.
        async didResolveOperation({ contextValue: ctx, operation, document, schema, request }) {
          if (!operation) return;
          shown = shownFields(schema, document, operation, request.variables);
          ctx.viewer?.projector.useSelection(shown);
        },
        async willSendResponse({ contextValue: ctx, operation, response }) {
          if (!ctx.principal || ctx.audit.isEmpty) return;
          const root = operation?.operation === "mutation" ? "Mutation" : "Query";
          const fields = (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === "Field" ? [`${root}.${s.name.value}`] : []));
          try {
            // Without an operation (it never ran) every field a view held in full counts as shown.
            await accessLog.append([
              ctx.audit.entry({ principal: ctx.principal, requestId: ctx.requestId, operation: fields.join(",") || root, purpose: ctx.purpose, at: new Date(), shown }),
            ]);
          } catch (err) {
            logger.error({ requestId: ctx.requestId, err: { type: (err as Error)?.name, sqlstate: databaseErrorOf(err)?.code } }, "access log write failed");
            if (response.body.kind === "single") {
              response.body.singleResult.data = null;
              const down = isDatabaseUnavailable(err) ? databaseUnavailable() : null;
              response.body.singleResult.errors = [
                down
                  ? { message: down.message, extensions: { code: down.code, reason: down.reason, ...down.details } }
                  : { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } },
              ] as never;
              // Apollo runs the willSendResponse hooks side by side: retryStatusPlugin saw this response before the write failed.
              if (down) {
                response.http.status = 503;
                response.http.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
              }
            }
          }
        },
      };
    },
  };
}

/**
 * On every response: nothing cached (responses carry personal data), no sniffing, no referrer, no
 * framing; HSTS only when the hub is reached over TLS. `Vary: Origin` as the CORS answer depends on it.
 */
function setSecurityHeaders(res: ServerResponse, config: HttpConfig): void {
  res.setHeader("cache-control", "no-store");
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
  res.setHeader("vary", "Origin");
  if (config.behindTls) res.setHeader("strict-transport-security", "max-age=31536000; includeSubDomains");
}

/** The request's Origin when it is on the allowlist (compared case-insensitively), else null. */
function allowedOrigin(req: IncomingMessage, config: HttpConfig): string | null {
  const origin = req.headers.origin;
  if (typeof origin !== "string") return null;
  return config.corsOrigins.includes(origin.toLowerCase()) ? origin : null;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (req.method !== "POST") return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error("request body too large"), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  const type = req.headers["content-type"] ?? "";
  if (!type.includes("application/json")) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("request body is not valid JSON");
  }
}

