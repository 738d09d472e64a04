// Page sizes of every connection (first/after); apart from connection.ts so that code without
// type-graphql's decorators (the operation limits, config) can use them.

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
