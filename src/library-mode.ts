// Imported first by main.ts, before any library is loaded. graphql-js decides once, when it is loaded,
// whether to run its development-only checks (every instanceOf also compares type names across module
// copies) by reading NODE_ENV; Apollo reads it for defaults the hub sets explicitly anyway. The served
// hub — development or production — runs libraries in production mode; NODE_ENV keeps its meaning for
// the hub's own configuration (dev issuer, introspection, error detail), read from HUB_NODE_ENV. The
// test suite and the CLIs still load graphql-js in development mode, where its checks catch mistakes.

/** NODE_ENV as the operator set it (absent: development), for loadConfig. */
export const HUB_NODE_ENV: string | undefined = process.env.NODE_ENV;

process.env.NODE_ENV = "production";
