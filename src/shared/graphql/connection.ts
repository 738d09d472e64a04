import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { ValidationError } from "../errors.js";

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./page-size.js";

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

@ObjectType({ description: "Relay page information" })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: "Always false: pages only go forward (first/after)" })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Opaque cursor from a previous page's endCursor" })
  after?: string | null;
}

export interface Page<T> {
  readonly nodes: readonly T[];
  readonly edges: readonly { cursor: string; node: T }[];
  readonly pageInfo: PageInfo;
  /** Counted when read (a getter): only an operation that selects totalCount runs the count. */
  readonly totalCount: Promise<number>;
}

export interface PageRequest {
  /** Rows to return. */
  readonly limit: number;
  /** The sort key after which to start, decoded from the cursor. */
  readonly afterKey: string | null;
}

const CURSOR_PREFIX = "v1:";

export function encodeCursor(key: string): string {
  return Buffer.from(CURSOR_PREFIX + key, "utf8").toString("base64url");
}

/** Validates paging arguments; bad ones are the caller's mistake, reported as BAD_USER_INPUT. */
export function pageRequest(args: PageArgs, keyPattern: RegExp): PageRequest {
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw ValidationError.atField("PAGE_SIZE_OUT_OF_RANGE", `first must be between 1 and ${MAX_PAGE_SIZE}`, "first");
  }
  if (args.after == null) return { limit, afterKey: null };
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(args.after) ? Buffer.from(args.after, "base64url").toString("utf8") : "";
  const key = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : "";
  if (!keyPattern.test(key)) throw ValidationError.atField("INVALID_CURSOR", "after is not a cursor from this list", "after");
  return { limit, afterKey: key };
}

/** Builds a page from `limit + 1` fetched rows (the extra row only says whether more exist). */
export function toPage<R, T>(args: {
  rows: readonly R[];
  limit: number;
  totalCount: () => Promise<number>;
  keyOf: (row: R) => string;
  view: (row: R) => T;
}): Page<T> {
  const rows = args.rows.slice(0, args.limit);
  const edges = rows.map((row) => ({ cursor: encodeCursor(args.keyOf(row)), node: args.view(row) }));
  const count = args.totalCount;
  return {
    nodes: edges.map((e) => e.node),
    edges,
    get totalCount() {
      return count();
    },
    pageInfo: {
      hasNextPage: args.rows.length > args.limit,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Connection and edge object types for a node type (`HouseholdConnection`, `HouseholdEdge`). */
export function connectionOf<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "Records in scope matching the filter" })
    totalCount!: number;
  }
  return Connection;
}
