import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from "graphql";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Principal } from "../auth/principal.js";
import { LookupError } from "./lookups.errors.js";

// Lookups by identifier are oracles: each answer tells whether a number belongs to someone. They are
// single per request (no aliases, no fragments repeating them), rate-limited per caller, and logged
// for the household whose member was looked up (see the services). With masks that leave every ID
// number at least 1,000 candidates (tests/privacy/inference.test.ts) and these limits, no caller can
// enumerate the candidates.

/** Root fields that look a person up by an identifier. */
export const LOOKUP_FIELDS: ReadonlySet<string> = new Set(["personByIdNumber", "assistanceStatus"]);
export const MAX_LOOKUPS_PER_REQUEST = 1;

/** Validation rule: an operation holds at most one lookup field at its root, however it is spelled. */
export function singleLookupRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      const count = countLookups(node.selectionSet, context, new Set());
      if (count <= MAX_LOOKUPS_PER_REQUEST) return;
      const message = `an operation may look up at most ${MAX_LOOKUPS_PER_REQUEST} person by identifier; this one asks for ${count}`;
      context.reportError(
        new GraphQLError(message, {
          nodes: [node],
          originalError: new LookupError("LOOKUPS_PER_REQUEST", message, { limit: MAX_LOOKUPS_PER_REQUEST, value: count }),
        }),
      );
    },
  };
}

function countLookups(set: SelectionSetNode, context: ValidationContext, seenFragments: Set<string>): number {
  let n = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (LOOKUP_FIELDS.has(selection.name.value)) n++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      n += countLookups(selection.selectionSet, context, seenFragments);
    } else {
      const name = selection.name.value;
      // A fragment spread twice counts twice; a cycle is graphql-js's own error, counted once here.
      const fragment = context.getFragment(name);
      if (!fragment || seenFragments.has(name)) continue;
      n += countLookups(fragment.selectionSet, context, new Set([...seenFragments, name]));
    }
  }
  return n;
}

export interface LookupLimit {
  /** Lookups allowed per caller (organization + token subject) … */
  readonly points: number;
  /** … per this many seconds. */
  readonly durationSeconds: number;
}

export const DEFAULT_LOOKUP_LIMIT: LookupLimit = Object.freeze({ points: 30, durationSeconds: 60 });

/**
 * Per-caller budget of lookups, in this process's memory (one hub instance; several instances each
 * keep their own budget — a shared store such as rate-limiter-flexible's PostgreSQL backend would
 * make it one).
 */
export class LookupLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly limit: LookupLimit = DEFAULT_LOOKUP_LIMIT) {
    this.limiter = new RateLimiterMemory({ points: limit.points, duration: limit.durationSeconds });
  }

  async consumeOrThrow(principal: Principal): Promise<void> {
    try {
      await this.limiter.consume(`${principal.org.code}\u0000${principal.subject}`);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new LookupError(
        "LOOKUP_RATE_LIMITED",
        `at most ${this.limit.points} lookups by identifier per ${this.limit.durationSeconds} s; retry in ${retryAfterSeconds} s`,
        { limit: this.limit.points, retryAfterSeconds },
      );
    }
  }
}
