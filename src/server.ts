import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { AccessLogWriter, shownFields, type CheckpointEvidence } from "./audit/index.js";
import { AuthError } from "./auth/errors.js";
import type { IssuerRegistry } from "./auth/issuers.js";
import { MAX_PURPOSE_LENGTH, authenticate } from "./auth/verify.js";
import type { CheckpointSchedule } from "./checkpoint-schedule.js";
import { createContext } from "./context.js";
import type { HubContext } from "./context.type.js";
import type { Database, DbHandle } from "./db/client.js";
import { databaseErrorOf, isDatabaseUnavailable } from "./db/errors.js";
import type { Logger } from "./logger.js";
import { IdempotentMutations, type IdempotencySettings } from "./modules/idempotency/index.js";
import { OrganizationDirectory } from "./modules/organizations/index.js";
import type { FieldCipher } from "./privacy/crypto.js";
import { LookupLimiter, singleLookupRule, type LookupLimit } from "./privacy/lookups.js";
import type { HttpConfig } from "./config.js";
import { HubError, RETRY_AFTER_SECONDS, databaseUnavailable } from "./shared/errors.js";
import { DEFAULT_OPERATION_LIMITS, operationLimitsRule, tokenLimitError, type OperationLimits } from "./shared/graphql/limits.js";

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
  /** Lookups by identifier allowed per caller and period (default 30 a minute). */
  readonly lookupLimit?: LookupLimit;
  /** Operation limits (aliases, depth, directives, tokens, cost); default DEFAULT_OPERATION_LIMITS. */
  readonly limits?: OperationLimits;
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
}

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_SHUTDOWN_GRACE_MS = 15_000;
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
  limits: Pick<OperationLimits, "maxTokens"> = DEFAULT_OPERATION_LIMITS,
): GraphQLFormattedError {
  const parseFailed = formatted.extensions?.code === "GRAPHQL_PARSE_FAILED";
  const unwrapped = unwrapResolverError(error);
  const original =
    (parseFailed ? tokenLimitError(formatted.message, limits) : null) ?? (isDatabaseUnavailable(unwrapped) ? databaseUnavailable() : hubErrorIn(unwrapped));
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
      err: { type: failure.name, sqlstate: databaseErrorOf(failure)?.code },
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

/** HTTP statuses for errors a client should retry: 429 (rate limit) and 503 (database down), with Retry-After. */
const RETRY_STATUS: Readonly<Record<string, number>> = { RATE_LIMITED: 429, SERVICE_UNAVAILABLE: 503 };

function retryStatusPlugin(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const retry = response.body.singleResult.errors?.find((e) => typeof e.extensions?.code === "string" && e.extensions.code in RETRY_STATUS);
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
  contextFor(authorization: string | undefined, requestId?: string, purpose?: string | null): Promise<HubContext>;
}

export async function createHub(options: HubOptions): Promise<Hub> {
  const { logger, db } = options;
  const directory = new OrganizationDirectory(db.db);
  const lookups = new LookupLimiter(options.lookupLimit);
  const limits = options.limits ?? DEFAULT_OPERATION_LIMITS;
  const httpConfig = options.http ?? { behindTls: false, corsOrigins: [] };
  const accessLog = new AccessLogWriter(db, options.cipher.auditKey);
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
    schema: options.schema,
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
      retryStatusPlugin(),
    ],
    formatError: (formatted, error) => formatHubError(formatted, error, logger, limits),
    // The limits come first: a refused document reaches no other rule (see operationLimitsRule).
    validationRules: [operationLimitsRule(limits), singleLookupRule],
    parseOptions: { maxTokens: limits.maxTokens },
    hideSchemaDetailsFromClientErrors: options.production === true,
  });
  await apollo.start();

  async function contextFor(
    authorization: string | undefined,
    requestId: string = randomUUID(),
    purposeHeader: string | null = null,
    // A keyed mutation's transaction: everything the request reads and writes goes through it.
    database: Database = db.db,
  ): Promise<HubContext> {
    try {
      const principal = await authenticate(authorization, {
        registry: options.registry,
        audience: options.audience,
        clockToleranceSeconds: options.clockToleranceSeconds,
        findOrganization: (code) => directory.systemFindByCode(code, database),
        now: options.now,
      });
      return createContext({
        requestId,
        db: database,
        cipher: options.cipher,
        principal,
        purpose: purposeHeader ?? principal?.purpose ?? null,
        checkpointEvidence: options.checkpoints?.evidence ?? null,
        lookups,
      });
    } catch (err) {
      if (err instanceof AuthError) {
        logger.info({ requestId, reason: err.reason }, "token rejected");
        return createContext({ requestId, db: database, cipher: options.cipher, principal: null, authError: err, lookups });
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
      res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      res.setHeader("access-control-allow-headers", "authorization, content-type, x-request-id, x-access-purpose, idempotency-key, apollo-require-preflight");
      res.setHeader("access-control-max-age", "600");
      res.end();
      return;
    }
    if (url.pathname === "/healthz" && req.method === "GET") return send(res, 200, { status: "ok" });
    if (url.pathname === "/readyz" && req.method === "GET") {
      try {
        await db.ping();
        return send(res, 200, { status: "ready", database: db.kind });
      } catch {
        return send(res, 503, { status: "unavailable", database: db.kind });
      }
    }
    if (url.pathname !== "/graphql") return send(res, 404, { error: "not found" });

    const started = performance.now();
    const headerId = req.headers["x-request-id"];
    const requestId = typeof headerId === "string" && REQUEST_ID.test(headerId) ? headerId : randomUUID();
    const purposeHeader = req.headers["x-access-purpose"];
    const purpose = typeof purposeHeader === "string" ? purposeHeader.trim() : "";
    if (purpose.length > MAX_PURPOSE_LENGTH || /[\u0000-\u001f]/.test(purpose)) {
      return send(res, 400, {
        errors: [{ message: `X-Access-Purpose must be at most ${MAX_PURPOSE_LENGTH} printable characters`, extensions: { code: "BAD_REQUEST" } }],
      });
    }
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
    // A mutation with an Idempotency-Key runs in one transaction and is replayed on a retry.
    const result = await idempotency.execute({
      headers: req.headersDistinct,
      body,
      context: async (database) => (ctx = await contextFor(req.headers.authorization, requestId, purpose || null, database)),
      run: (context) =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: (req.method ?? "GET").toUpperCase(), headers, search: url.search, body },
          context,
        }),
    });
    res.statusCode = result.status ?? 200;
    for (const [k, v] of result.headers) {
      // The security headers stay as set; Apollo's Vary joins ours.
      if (k === "cache-control") continue;
      res.setHeader(k, k === "vary" ? `Origin, ${v}` : v);
    }
    res.setHeader("x-request-id", requestId);
    if (result.body.kind === "complete") {
      res.end(result.body.string);
    } else {
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

  options.checkpoints?.schedule.start();

  return {
    httpServer,
    apollo,
    contextFor,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          const actual = typeof address === "object" && address ? address.port : port;
          resolve({ port: actual, url: `http://${host}:${actual}/graphql` });
        });
      }),
    stop: async () => {
      // Stop accepting, let in-flight requests finish for up to 5 s, then cut what remains.
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => httpServer.closeAllConnections(), options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
        httpServer.close(() => {
          clearTimeout(force);
          resolve();
        });
        httpServer.closeIdleConnections();
      });
      // Every request has ended and written its access entry: the final checkpoint covers them all.
      await options.checkpoints?.schedule.stop();
      await apollo.stop();
      await idempotency.stop();
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
      return {
        async willSendResponse({ contextValue: ctx, operation, document, schema, request, response }) {
          if (!ctx.principal || ctx.audit.isEmpty) return;
          const root = operation?.operation === "mutation" ? "Mutation" : "Query";
          const fields = (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === "Field" ? [`${root}.${s.name.value}`] : []));
          try {
            // Without an operation (it never ran) every field a view held in full counts as shown.
            const shown = operation && document ? shownFields(schema, document, operation, request.variables) : undefined;
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

