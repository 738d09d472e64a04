import { getNamedType, isCompositeType, isObjectType, type GraphQLSchema } from "graphql";
import { turnFor, type Lane } from "../turns.js";
import { RequestLimitError } from "./limits.errors.js";

// A request's deadline, and turns for everyone. Resolvers that fetch (root fields and every field
// returning an object or a list of objects — where loaders and queries start) are guarded on entry:
//  - past the request's deadline they start no more work (PostgreSQL's statement_timeout, set to the
//    same value, stops a statement already running; the embedded database cannot interrupt one,
//    which is why the operation limits bound each);
//  - they are yield points (src/shared/turns.ts): after a slice of work the next one waits for a turn
//    of the event loop, so one heavy request is cut into slices and other callers' requests are read
//    and answered between them. Scalar fields read what was already fetched and are not guarded.

export class Deadline {
  /** `at` is an instant of `now` (performance.now() unless a test moves its own clock). */
  private constructor(
    private readonly at: number,
    readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  static after(timeoutMs: number, now: () => number = () => performance.now()): Deadline {
    return new Deadline(now() + timeoutMs, timeoutMs, now);
  }

  get remainingMs(): number {
    return this.at - this.now();
  }

  get expired(): boolean {
    return this.now() > this.at;
  }

  checkOrThrow(): void {
    if (this.expired) throw deadlineExceeded(this.timeoutMs);
  }
}

export const deadlineExceeded = (timeoutMs: number): RequestLimitError =>
  new RequestLimitError("REQUEST_DEADLINE", `the request ran longer than ${timeoutMs} ms and was stopped; ask for less, or retry later`, {
    limit: timeoutMs,
  });

/** What the guarded resolvers read from the context. */
export interface DeadlineContext {
  readonly deadline?: Deadline | null;
  readonly lane?: Lane | null;
}

const GUARDED = Symbol("deadline-guarded");


/**
 * Wraps, once, every resolver that starts work: root fields and fields of composite type. A mutation is
 * checked at its root field only: once it has run, its payload is answered whatever the time, so a
 * committed write is never reported as stopped.
 */
export function guardResolversWithDeadline(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t != null));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const isRoot = roots.has(type);
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve || (resolve as { [GUARDED]?: true })[GUARDED]) continue;
      if (!isRoot && !isCompositeType(getNamedType(field.type))) continue;
      const guarded: typeof resolve = (source, args, context: DeadlineContext, info) => {
        const checked = isRoot || info.operation.operation !== "mutation";
        const turn = checked ? turnFor(context?.lane) : undefined;
        if (turn) {
          // Counted as waiting in the request's lane: its loaders hold their batch until this resolver
          // has started and asked for its keys (turns.ts).
          const lane = context?.lane;
          lane?.handoutReady();
          return turn.then(() => {
            try {
              if (context?.deadline?.expired) context.deadline.checkOrThrow();
              return resolve(source, args, context, info);
            } finally {
              lane?.handoutDone();
            }
          });
        }
        const deadline = context?.deadline;
        if (checked && deadline && deadline.expired) deadline.checkOrThrow();
        return resolve(source, args, context, info);
      };
      (guarded as { [GUARDED]?: true })[GUARDED] = true;
      field.resolve = guarded;
    }
  }
  return schema;
}
