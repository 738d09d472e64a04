import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { Duplex } from "node:stream";
import { Repeater } from "@repeaterjs/repeater";
import {
  GraphQLError,
  createSourceEventStream,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { CloseCode, type Context } from "graphql-ws";
import { useServer, type Extra } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { shownFields, type AccessLogWriter, type ShownFields } from "./audit/index.js";
import { assertAllowed, type OperationRule } from "./auth/allow.js";
import { AuthError, OperationAccessError } from "./auth/errors.js";
import type { HubContext } from "./context.type.js";
import { databaseErrorOf, isDatabaseUnavailable } from "./db/errors.js";
import type { Logger } from "./logger.js";
import { singleLookupRule } from "./privacy/lookups.js";
import { databaseUnavailable, type HubError } from "./shared/errors.js";
import { SubscriptionError } from "./shared/graphql/subscription.errors.js";
import { operationLimitsRule, type OperationLimits } from "./shared/graphql/limits.js";
import { readAccessPurposeText } from "./shared/purpose-header.js";
import { MAX_PURPOSE_LENGTH } from "./auth/verify.js";

// GraphQL subscriptions over graphql-ws (the `graphql-transport-ws` protocol) on the hub's own HTTP
// server, at /graphql. The same rules as a query, applied where a subscription needs them:
//
// - the token is sent in `connection_init` ({ "authorization": "Bearer …" }) and verified as an HTTP
//   request's is; a missing or bad one closes the socket (4403) with the reason;
// - each subscribe is parsed and validated with the hub's limits, counted against the caller's rate,
//   and its root field's @Allow rule is checked before any event is listened to (type-graphql runs
//   method middleware on events, not on subscribe); a refusal by a known caller is access-logged;
// - every event is executed under a fresh request context built from the same token — verified again
//   (an expired or revoked token ends the subscription), fresh loaders, the projector — and is an
//   access-log entry of its own before it is sent; an event the subscriber may not see resolves to
//   null and is not sent (nor logged: nothing was shown);
// - over the socket the hub serves subscriptions only; queries and mutations are POSTed, where the
//   idempotency and response-size rules live.

export interface SubscriptionServerOptions {
  readonly httpServer: http.Server;
  readonly schema: GraphQLSchema;
  /** The HTTP path's context builder: `rateLimited: false` for the per-event contexts. */
  readonly contextFor: (
    authorization: string | undefined,
    request: { requestId?: string; purpose?: string | null; clientAddress?: string; rateLimited?: boolean },
  ) => Promise<HubContext>;
  readonly accessLog: AccessLogWriter;
  readonly logger: Logger;
  readonly limits: OperationLimits;
  /** The subscription root field's declared rule. */
  readonly ruleOf: (field: string) => OperationRule | undefined;
  /** Browser origins allowed to open a socket (a request without Origin is not a browser's). */
  readonly corsOrigins: readonly string[];
  /** Live subscriptions one caller (organization and subject) may hold at once. */
  readonly maxPerCaller: number;
  /** The errors' mapper the HTTP path uses. */
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly maxMessageBytes: number;
}

export interface SubscriptionServer {
  /** Open sockets. */
  readonly connections: () => number;
  /** Refuses new sockets and closes the open ones (1001 Going Away). */
  close(): Promise<void>;
}

export const SUBSCRIPTION_PROTOCOL = "graphql-transport-ws";

interface Connection {
  readonly authorization: string;
  readonly purpose: string | null;
  readonly clientAddress: string | undefined;
  readonly caller: string;
  readonly live: Set<string>;
}

interface Subscribed {
  readonly connection: Connection;
  readonly field: string;
  readonly responseKey: string;
  readonly shown: ShownFields;
}

/** The code Apollo gives the caller's own mistakes, so formatError lets them through as on the HTTP path. */
function coded(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions.code || error.originalError) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}

/** A HubError on the wire: formatError maps it as the HTTP path does (code, reason, safe details). */
function asGraphQLError(err: HubError): GraphQLError {
  return new GraphQLError(err.message, { originalError: err, extensions: { ...err.details, code: err.code, reason: err.reason } });
}

export function attachSubscriptions(options: SubscriptionServerOptions): SubscriptionServer {
  const { schema, logger, accessLog } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  const connections = new WeakMap<Context<Record<string, unknown>, Extra & Partial<Record<PropertyKey, never>>>, Connection>();
  const subscribed = new WeakMap<object, Subscribed>();
  const perCaller = new Map<string, number>();
  let closing = false;
  const rules = [...specifiedRules, operationLimitsRule(options.limits), singleLookupRule];

  const release = (connection: Connection, id: string) => {
    if (!connection.live.delete(id)) return;
    const left = (perCaller.get(connection.caller) ?? 1) - 1;
    if (left <= 0) perCaller.delete(connection.caller);
    else perCaller.set(connection.caller, left);
  };

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://hub.invalid");
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== "/graphql") return refuse(404, "Not Found");
    if (closing) return refuse(503, "Service Unavailable");
    // Browsers send their page's origin; only the CORS allowlist may open a socket from a page.
    const origin = req.headers.origin;
    if (typeof origin === "string" && !options.corsOrigins.includes(origin.toLowerCase())) return refuse(403, "Forbidden");
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  options.httpServer.on("upgrade", onUpgrade);

  async function contextOf(connection: Connection, rateLimited: boolean): Promise<HubContext> {
    return options.contextFor(connection.authorization, { requestId: randomUUID(), purpose: connection.purpose, clientAddress: connection.clientAddress, rateLimited });
  }

  /** Writes the context's access entry (a denial counts); when it cannot be, the error to send instead. */
  async function logged(ctx: HubContext, field: string, shown: ShownFields | undefined): Promise<GraphQLError | null> {
    if (!ctx.principal || ctx.audit.isEmpty) return null;
    try {
      await accessLog.append([ctx.audit.entry({ principal: ctx.principal, requestId: ctx.requestId, operation: `Subscription.${field}`, purpose: ctx.purpose, at: new Date(), shown })]);
      return null;
    } catch (err) {
      logger.error({ requestId: ctx.requestId, err: { type: (err as Error)?.name, sqlstate: databaseErrorOf(err)?.code } }, "access log write failed");
      return unlogged(err);
    }
  }

  /** What a client is sent for a failure it did not cause: the outage if the database is down, else masked. */
  function unlogged(err: unknown): GraphQLError {
    const down = isDatabaseUnavailable(err) ? databaseUnavailable() : null;
    return down ? asGraphQLError(down) : new GraphQLError("Internal server error", { extensions: { code: "INTERNAL_SERVER_ERROR" } });
  }

  /** One event, as one request: fresh context, projection, execution, access entry; null → not sent. */
  async function runEvent(meta: Subscribed, args: ExecutionArgs, event: unknown): Promise<{ result: ExecutionResult; last: boolean } | null> {
    const ctx = await contextOf(meta.connection, false);
    if (ctx.authError || !ctx.principal) {
      // The token expired or was revoked since: the subscription ends with the reason.
      return { result: { errors: [asGraphQLError(ctx.authError ?? new AuthError("MISSING_TOKEN", "authentication required"))] }, last: true };
    }
    ctx.viewer?.projector.useSelection(meta.shown);
    ctx.lane.begin();
    let result: ExecutionResult;
    try {
      result = await execute({ ...args, rootValue: event, contextValue: ctx });
    } finally {
      ctx.lane.end();
    }
    const value = result.data?.[meta.responseKey];
    if (!result.errors?.length && value == null) return null;
    const unwritten = await logged(ctx, meta.field, meta.shown);
    if (unwritten) return { result: { data: null, errors: [unwritten] }, last: true };
    return { result, last: false };
  }

  async function subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const meta = subscribed.get(args.contextValue as object)!;
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in Object(source))) {
      // Refused while subscribing (e.g. not your resource): any denial it recorded is logged.
      await logged(args.contextValue as HubContext, meta.field, meta.shown);
      return source as ExecutionResult;
    }
    const events = source as AsyncIterableIterator<unknown>;
    return new Repeater<ExecutionResult>(async (push, stop) => {
      let stopped = false;
      void stop.then(() => {
        stopped = true;
        void events.return?.();
      });
      try {
        for await (const event of { [Symbol.asyncIterator]: () => events }) {
          if (stopped) break;
          const sent = await runEvent(meta, args, event);
          if (!sent) continue;
          await push(sent.result);
          if (sent.last) break;
        }
      } catch (err) {
        // Never a raw message on the wire: logged here, masked there.
        logger.error({ err: { type: (err as Error)?.name, sqlstate: databaseErrorOf(err)?.code } }, "subscription event failed");
        await push({ data: null, errors: [unlogged(err)] });
      }
      stop();
    });
  }

  const format = (errors: readonly GraphQLError[]) => errors.map((e) => options.formatError(e.toJSON(), e));

  const disposable = useServer<Record<string, unknown>>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const authorization = params.authorization ?? params.Authorization;
        const purposeRead = readAccessPurposeText(params["x-access-purpose"], MAX_PURPOSE_LENGTH);
        const socket = ctx.extra.socket;
        if (typeof authorization !== "string") {
          socket.close(CloseCode.Forbidden, "Forbidden: send { authorization: 'Bearer <token>' } in connection_init");
          return false;
        }
        if (!purposeRead.ok) {
          socket.close(CloseCode.BadRequest, "Bad request: INVALID_ACCESS_PURPOSE");
          return false;
        }
        const clientAddress = ctx.extra.request.socket.remoteAddress;
        let hub: HubContext;
        try {
          hub = await options.contextFor(authorization, { purpose: purposeRead.purpose, clientAddress });
        } catch (err) {
          const reason = (err as GraphQLError).extensions?.code === "RATE_LIMITED" ? "RATE_LIMITED" : "SERVICE_UNAVAILABLE";
          socket.close(CloseCode.Forbidden, `Forbidden: ${reason}`);
          return false;
        }
        if (!hub.principal) {
          socket.close(CloseCode.Forbidden, `Forbidden: ${hub.authError?.reason ?? "MISSING_TOKEN"}`);
          return false;
        }
        const caller = `${hub.principal.org.code}|${hub.principal.subject}`;
        connections.set(ctx, { authorization, purpose: purposeRead.purpose, clientAddress, caller, live: new Set() });
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connections.get(ctx);
        if (!connection) return [asGraphQLError(new AuthError("MISSING_TOKEN", "authentication required: connect with a token"))];
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.limits.maxTokens });
        } catch (err) {
          return [coded(err instanceof GraphQLError ? err : new GraphQLError("Syntax Error: the document could not be parsed"), "GRAPHQL_PARSE_FAILED")];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) return invalid.map((e) => coded(e, "GRAPHQL_VALIDATION_FAILED"));
        const operation = getOperationAST(document, payload.operationName) as OperationDefinitionNode | null;
        if (!operation) return [asGraphQLError(new SubscriptionError("OPERATION_NOT_FOUND", "the document names no operation to run"))];
        if (operation.operation !== "subscription") {
          return [asGraphQLError(new SubscriptionError("SUBSCRIPTIONS_ONLY", "over the WebSocket the hub serves subscriptions only: POST queries and mutations to /graphql"))];
        }
        let hub: HubContext;
        try {
          hub = await contextOf(connection, true);
        } catch (err) {
          // The caller's rate spent (RATE_LIMITED) or the database down (SERVICE_UNAVAILABLE): coded, as over HTTP.
          if (err instanceof GraphQLError && typeof err.extensions.code === "string") return [err];
          throw err;
        }
        if (hub.authError || !hub.principal) return [asGraphQLError(hub.authError ?? new AuthError("MISSING_TOKEN", "authentication required"))];
        // One root field (graphql-js's SingleFieldSubscriptionsRule held above); its rule before anything listens.
        const root = operation.selectionSet.selections[0];
        const field = root?.kind === "Field" ? root.name.value : "";
        const rule = options.ruleOf(field);
        try {
          if (!rule) throw new OperationAccessError("ORG_KIND_NOT_ALLOWED", "this subscription declares no caller");
          assertAllowed(rule, hub);
        } catch (err) {
          if (err instanceof OperationAccessError) {
            hub.audit.denied("Operation", "FORBIDDEN", `Subscription.${field}`);
            await logged(hub, field, undefined);
            return [asGraphQLError(err)];
          }
          throw err;
        }
        if ((perCaller.get(connection.caller) ?? 0) >= options.maxPerCaller) {
          return [asGraphQLError(new SubscriptionError("TOO_MANY_SUBSCRIPTIONS", `at most ${options.maxPerCaller} live subscriptions per caller`, { limit: options.maxPerCaller }))];
        }
        connection.live.add(id);
        perCaller.set(connection.caller, (perCaller.get(connection.caller) ?? 0) + 1);
        const responseKey = root?.kind === "Field" ? (root.alias?.value ?? field) : field;
        const shown = shownFields(schema, document, operation, payload.variables ?? undefined);
        subscribed.set(hub, { connection, field, responseKey, shown });
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: hub };
      },
      subscribe,
      onNext: (_ctx, _id, _payload, _args, result) => ({
        ...(result.data !== undefined ? { data: result.data } : {}),
        ...(result.errors ? { errors: format(result.errors) } : {}),
      }),
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onComplete: (ctx, id) => {
        const connection = connections.get(ctx);
        if (connection) release(connection, id);
      },
      onClose: (ctx) => {
        const connection = connections.get(ctx);
        if (connection) for (const id of [...connection.live]) release(connection, id);
      },
    },
    wss,
  );

  return {
    connections: () => wss.clients.size,
    async close() {
      closing = true;
      options.httpServer.off("upgrade", onUpgrade);
      for (const client of wss.clients) client.close(1001, "the hub is shutting down");
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
