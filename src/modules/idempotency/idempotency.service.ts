import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextWillSendResponse, type HTTPGraphQLResponse } from "@apollo/server";
import { Kind, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { shownFields, type AccessEntry, type AccessLogWriter } from "../../audit/index.js";
import type { HubContext } from "../../context.type.js";
import type { Database, DbHandle } from "../../db/client.js";
import { databaseErrorOf, isDatabaseUnavailable } from "../../db/errors.js";
import { openTransaction, type OpenTransaction } from "../../db/transaction.js";
import type { Logger } from "../../logger.js";
import type { FieldCipher } from "../../privacy/crypto.js";
import { HubError, RETRY_AFTER_SECONDS, databaseUnavailable } from "../../shared/errors.js";
import { IdempotencyError } from "./idempotency.errors.js";
import { openResponse, sealResponse, type StoredResponse, type StoredResponseOwner } from "./idempotency.records.js";
import { IdempotencyRepository, LOCK_NOT_AVAILABLE, systemPurgeExpiredKeys } from "./idempotency.repository.js";
import { IDEMPOTENCY_KEY_HEADER, callerIdentity, classifyKeyedRequest, idempotencyKeyOrThrow, refusesIdempotencyKey, requestFingerprint } from "./idempotency.request.js";
import type { IdempotencyKeyRow } from "./idempotency.table.js";

// Retry-safe mutations (issue #9 item 5). A POSTed mutation with an `Idempotency-Key` runs in ONE
// database transaction whose handle the request's context uses for everything — the organization
// lookup, the loaders, the services (whose own transactions become savepoints). The key's row is the
// first write; the response is written into it just before the commit. So the stored result is exactly
// what committed, or nothing is stored and nothing committed. On PostgreSQL a concurrent request with
// the same key blocks on the unique index until the first commits, then replays its result.
//
// The commit happens in a willSendResponse hook, not after Apollo returns: the access-log write (also a
// willSendResponse hook) goes through the database handle itself, and on PGlite — one connection, whose
// open transaction holds an exclusive mutex — it would wait forever for a transaction that waits for it.
// The hooks run concurrently; this one captures the result and commits before the log's first statement
// can run. The access log stays its own transaction, as for every request.

/** Settings (config: IDEMPOTENCY_TTL_HOURS, IDEMPOTENCY_WAIT_SECONDS). */
export interface IdempotencySettings {
  /** How long a stored response is replayed. */
  readonly ttlHours: number;
  /** PostgreSQL: how long a retry waits for a still-running first request with its key before IDEMPOTENCY_KEY_IN_FLIGHT. */
  readonly waitSeconds: number;
}

export const DEFAULT_IDEMPOTENCY_SETTINGS: IdempotencySettings = Object.freeze({ ttlHours: 24, waitSeconds: 10 });

/** Results a client should retry: never stored, and the transaction rolls back so the retry runs again. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(["SERVICE_UNAVAILABLE", "RATE_LIMITED", "INTERNAL_SERVER_ERROR"]);

export const IDEMPOTENT_REPLAYED_HEADER = "idempotent-replayed";
/** How the access log names an operation answered from a stored response. */
export const REPLAY_SUFFIX = " (idempotent replay)";

const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1_000;

/** A keyed mutation between its claim and its commit. */
interface Pending {
  readonly open: OpenTransaction;
  readonly repo: IdempotencyRepository;
  readonly id: string;
  readonly owner: StoredResponseOwner;
}

/** One HTTP GraphQL request as the server hands it over. */
export interface IdempotentHttpRequest {
  /** The request's headers, each with every value received (Node's `headersDistinct`). */
  readonly headers: NodeJS.Dict<string[]>;
  /** The parsed body. */
  readonly body: unknown;
  /** Builds the request's context on `database`: the database itself, or the request's transaction. */
  readonly context: (database: Database) => Promise<HubContext>;
  /** Runs the request through Apollo with that context. */
  readonly run: (context: () => Promise<HubContext>) => Promise<HTTPGraphQLResponse>;
}

export class IdempotentMutations {
  // By the request's access recorder: Apollo hands plugins a shallow copy of the context, not the object.
  private readonly pending = new WeakMap<HubContext["audit"], Pending>();
  private readonly settings: IdempotencySettings;
  private readonly now: () => Date;
  private purging: Promise<void> | null = null;
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: {
      readonly db: Pick<DbHandle, "db" | "kind">;
      readonly cipher: FieldCipher;
      /** The hub's access-log writer: a replay discloses the stored response again. */
      readonly accessLog: Pick<AccessLogWriter, "append">;
      readonly logger: Logger;
      readonly schema: GraphQLSchema;
      /** The parser's token limit (MAX_TOKENS), for reading the operation type of a keyed request. */
      readonly maxTokens: number;
      readonly settings?: Partial<IdempotencySettings> | undefined;
      /** Injectable clock for created/expires times (tests). */
      readonly now?: (() => Date) | undefined;
    },
  ) {
    this.settings = { ...DEFAULT_IDEMPOTENCY_SETTINGS, ...deps.settings };
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Answers one request: without a key, or for anything but a mutation, exactly as `run` does; for a
   * keyed mutation, the stored response of its first run (replayed) or a new run recorded with the key.
   */
  async execute(request: IdempotentHttpRequest): Promise<HTTPGraphQLResponse> {
    const { headers, body, context, run } = request;
    const plain = () => run(() => context(this.deps.db.db));
    let key: string | null;
    let keyed: ReturnType<typeof classifyKeyedRequest>;
    try {
      key = idempotencyKeyOrThrow(headers[IDEMPOTENCY_KEY_HEADER]);
      if (key === null) return plain();
      keyed = classifyKeyedRequest(body, { maxTokens: this.deps.maxTokens, refuses: (field) => refusesIdempotencyKey(this.deps.schema, field) });
    } catch (err) {
      if (err instanceof IdempotencyError) return errorResponse(err, 400);
      throw err;
    }
    if (keyed.kind === "NOT_A_MUTATION") return plain();
    if (keyed.kind === "UNSUPPORTED") {
      const refused = new IdempotencyError("IDEMPOTENCY_NOT_SUPPORTED", `${keyed.fields.join(", ")} cannot be made retry-safe with an Idempotency-Key; send it without one`);
      return errorResponse(refused, 400);
    }
    this.purgeNowAndThen();

    let open: OpenTransaction;
    try {
      open = await openTransaction(this.deps.db.db);
    } catch (err) {
      return this.failure(err);
    }
    try {
      let ctx: HubContext;
      try {
        ctx = await context(open.tx);
      } catch (err) {
        // Apollo answers a failed context as it always does (503 for an unreachable database).
        await open.rollback();
        return await run(() => Promise.reject(err));
      }
      const principal = ctx.principal;
      if (!principal) {
        // No caller, no key to scope: the operation is refused as unauthenticated. Such a context holds
        // no viewer, so nothing in it uses the finished transaction.
        await open.rollback();
        return await run(async () => ctx);
      }
      const owner: StoredResponseOwner = { caller: callerIdentity(principal), keyHash: this.deps.cipher.blindIndex(key, "idempotency-key") };
      const requestHash = this.deps.cipher.blindIndex(requestFingerprint(keyed.request), "idempotency-request");
      const repo = new IdempotencyRepository(open.tx, owner.caller);
      let claim: { readonly claimed: string } | { readonly found: IdempotencyKeyRow };
      try {
        claim = await this.claim(repo, { keyHash: owner.keyHash, requestHash });
      } catch (err) {
        await open.rollback();
        if (databaseErrorOf(err)?.code === LOCK_NOT_AVAILABLE) return errorResponse(keyInFlight(), 409);
        return this.failure(err);
      }
      if ("found" in claim) {
        // Nothing was written: end the transaction before the replay's access-log write (PGlite).
        await open.rollback();
        return await this.replay({ ctx, owner, requestHash, row: claim.found, accept: headers.accept?.join(", ") });
      }
      this.pending.set(ctx.audit, { open, repo, id: claim.claimed, owner });
      return await run(async () => ctx);
    } finally {
      // A request Apollo refused before any plugin hook ran (no executed operation) commits nothing.
      await open.rollback();
    }
  }

  /** The plugin that records a keyed mutation's result with its key and commits (list it before the access log). */
  plugin(): ApolloServerPlugin<HubContext> {
    return {
      requestDidStart: async ({ contextValue }) => {
        const pending = this.pending.get(contextValue.audit);
        if (!pending) return;
        return { willSendResponse: (requestContext) => this.finish(pending, requestContext) };
      },
    };
  }

  /** Waits for a purge under way (call after the HTTP server stopped, before the database closes). */
  async stop(): Promise<void> {
    await this.purging;
  }

  /**
   * Claims the key, or finds the caller's row for it. An expired row (not purged yet) is removed and
   * the key claimed anew. On PostgreSQL the wait for a concurrent first request is bounded: past it,
   * the claim fails with LOCK_NOT_AVAILABLE.
   */
  private async claim(repo: IdempotencyRepository, hashes: { keyHash: string; requestHash: string }): Promise<{ claimed: string } | { found: IdempotencyKeyRow }> {
    const { keyHash, requestHash } = hashes;
    const bounded = this.deps.db.kind === "postgres";
    if (bounded) await repo.boundLockWaits(this.settings.waitSeconds * 1000);
    for (let attempt = 0; attempt < 3; attempt++) {
      const createdAt = this.now();
      const expiresAt = new Date(createdAt.getTime() + this.settings.ttlHours * 3_600_000);
      const claimed = await repo.claim({ keyHash, requestHash, createdAt, expiresAt });
      if (claimed) {
        if (bounded) await repo.unboundLockWaits();
        return { claimed };
      }
      const found = await repo.find(keyHash);
      // Gone meanwhile (purged, or replaced by another retry after expiry): claim again.
      if (!found) continue;
      if (found.expiresAt.getTime() > createdAt.getTime()) return { found };
      await repo.removeExpired(found.id, createdAt);
    }
    throw new Error("an idempotency key could not be claimed in three attempts");
  }

  /** Same key: the same request gets the stored response (logged as a disclosure); another request CONFLICT. */
  private async replay(args: {
    ctx: HubContext;
    owner: StoredResponseOwner;
    requestHash: string;
    row: IdempotencyKeyRow;
    accept: string | undefined;
  }): Promise<HTTPGraphQLResponse> {
    const { ctx, owner, requestHash, row, accept } = args;
    if (row.requestHash !== requestHash) {
      return errorResponse(new IdempotencyError("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different request; a new request needs a new key"), 422);
    }
    // Committed rows always hold a response (see the table); a null one is treated as still running.
    if (row.responseEnc === null) return errorResponse(keyInFlight(), 409);
    let stored: StoredResponse;
    try {
      stored = openResponse(this.deps.cipher, owner, row.responseEnc);
    } catch (err) {
      return this.failure(err);
    }
    if (stored.access && ctx.principal) {
      const p = ctx.principal;
      const entry: AccessEntry = {
        at: new Date(),
        requestId: ctx.requestId,
        subject: p.subject,
        orgCode: p.org.code,
        orgKind: p.org.kind,
        role: p.role,
        purpose: ctx.purpose,
        operation: `${stored.access.operation}${REPLAY_SUFFIX}`,
        disclosures: stored.access.disclosures.map((d) => ({ ...d })),
      };
      try {
        await this.deps.accessLog.append([entry]);
      } catch (err) {
        // As for any response: a disclosure that cannot be traced does not happen.
        this.deps.logger.error({ requestId: ctx.requestId, err: { type: (err as Error)?.name, sqlstate: databaseErrorOf(err)?.code } }, "access log write failed");
        return this.failure(err, false);
      }
    }
    return {
      status: stored.status,
      headers: new HeaderMap([
        ["content-type", replayContentType(accept)],
        [IDEMPOTENT_REPLAYED_HEADER, "true"],
      ]),
      body: { kind: "complete", string: stored.body },
    };
  }

  /**
   * willSendResponse of a keyed mutation: the result of an operation that ran and is not a retryable
   * failure is sealed into the key's row and committed; anything else rolls back, the key included.
   */
  private async finish(pending: Pending, rc: GraphQLRequestContextWillSendResponse<HubContext>): Promise<void> {
    const { response } = rc;
    // Everything up to the first await runs before the other hooks (the access log's write) get going.
    if (response.body.kind !== "single") return pending.open.rollback();
    const result = response.body.singleResult;
    // No `data`: the operation never ran (unparsable, invalid, variables refused). Fix and resend, same key.
    if (result.data === undefined) return pending.open.rollback();
    const status = response.http.status ?? 200;
    const retryable = status >= 500 || status === 429 || (result.errors ?? []).some((e) => RETRYABLE_CODES.has(String(e.extensions?.code)));
    if (retryable) {
      // Rolled back: whatever part of the operation succeeded did not happen, so show none of it.
      if (result.data) result.data = null;
      return pending.open.rollback();
    }
    const stored: StoredResponse = { status, body: apolloJson(result), access: disclosed(rc) };
    const sealed = sealResponse(this.deps.cipher, pending.owner, stored);
    try {
      await pending.open.commit(() => pending.repo.complete(pending.id, sealed));
    } catch (err) {
      // Not committed — or committed with the acknowledgement lost: either way a retry with the key is right.
      const ctx = rc.contextValue;
      this.deps.logger.error({ requestId: ctx.requestId, err: { type: (err as Error)?.name, sqlstate: databaseErrorOf(err)?.code } }, "idempotent mutation did not commit");
      const down = isDatabaseUnavailable(err);
      const error = down ? formatted(databaseUnavailable()) : INTERNAL_ERROR;
      response.body.singleResult = { errors: [error], data: null };
      response.http.status = down ? 503 : 500;
      if (down) response.http.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
    }
  }

  /** A failure of the idempotency path itself: 503 when the database is unreachable, else a logged 500. */
  private failure(err: unknown, log = true): HTTPGraphQLResponse {
    if (isDatabaseUnavailable(err)) {
      return errorResponse(databaseUnavailable(), 503);
    }
    if (log) this.deps.logger.error({ err: { type: (err as Error)?.name, sqlstate: databaseErrorOf(err)?.code } }, "idempotent request failed");
    return jsonResponse(500, { errors: [INTERNAL_ERROR] });
  }

  /** Lazily, at most once a minute on a keyed request: expired rows go (in the background, one statement). */
  private purgeNowAndThen(): void {
    const now = this.now();
    if (this.purging || now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    this.purging = systemPurgeExpiredKeys(this.deps.db.db, { now, limit: PURGE_BATCH })
      .then(
        (deleted) => {
          if (deleted > 0) this.deps.logger.debug({ deleted }, "expired idempotency keys purged");
        },
        (err: unknown) => {
          this.deps.logger.warn({ err: { type: (err as Error)?.name, sqlstate: databaseErrorOf(err)?.code } }, "purging expired idempotency keys failed");
        },
      )
      .finally(() => {
        this.purging = null;
      });
  }
}

const keyInFlight = () =>
  new IdempotencyError("IDEMPOTENCY_KEY_IN_FLIGHT", "the first request with this Idempotency-Key is still running; retry shortly for its result", {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });

const INTERNAL_ERROR: GraphQLFormattedError = Object.freeze({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });

/** A HubError as formatError shows it. */
function formatted(error: HubError): GraphQLFormattedError {
  return { message: error.message, extensions: { ...error.details, code: error.code, reason: error.reason } };
}

function errorResponse(error: HubError, status: number): HTTPGraphQLResponse {
  const response = jsonResponse(status, { errors: [formatted(error)] });
  const retryAfter = error.details.retryAfterSeconds;
  if (retryAfter !== undefined) response.headers.set("retry-after", String(retryAfter));
  return response;
}

function jsonResponse(status: number, body: { errors: GraphQLFormattedError[] }): HTTPGraphQLResponse {
  return { status, headers: new HeaderMap([["content-type", "application/json; charset=utf-8"]]), body: { kind: "complete", string: `${JSON.stringify(body)}\n` } };
}

/** The body as Apollo serializes a single result (errors, data, extensions; JSON and a newline). */
function apolloJson(result: { errors?: unknown; data?: unknown; extensions?: unknown }): string {
  return `${JSON.stringify({ errors: result.errors, data: result.data, extensions: result.extensions })}\n`;
}

/** Apollo's two JSON media types for a single result: the GraphQL one only for a client that accepts nothing else. */
function replayContentType(accept: string | undefined): string {
  const wantsGraphQL = accept !== undefined && /application\/graphql-response\+json/i.test(accept) && !/application\/json|\*\/\*/i.test(accept);
  return wantsGraphQL ? "application/graphql-response+json; charset=utf-8" : "application/json; charset=utf-8";
}

/** What the response showed, as the access log records it (the same entry accessLogPlugin writes). */
function disclosed(rc: GraphQLRequestContextWillSendResponse<HubContext>): StoredResponse["access"] {
  const ctx = rc.contextValue;
  if (!ctx.principal || ctx.audit.isEmpty) return null;
  const { operation, document, schema, request } = rc;
  const fields = (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [`Mutation.${s.name.value}`] : []));
  const shown = operation && document ? shownFields(schema, document, operation, request.variables) : undefined;
  const entry = ctx.audit.entry({ principal: ctx.principal, requestId: ctx.requestId, operation: "", purpose: ctx.purpose, at: new Date(), shown });
  return { operation: fields.join(",") || "Mutation", disclosures: entry.disclosures };
}
