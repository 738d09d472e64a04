import http from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { childConfig, runChild } from "../child.js";
import { postgraphilePreset } from "../postgraphile-preset.js";

// PostGraphile v5 served by grafserv on node:http, in its own process (preloaded with ../with-resolvers.mjs).

export interface PostGraphileChildConfig {
  readonly databaseUrl: string;
  readonly poolSize: number;
}

void runChild(async () => {
  const pgl = postgraphile(postgraphilePreset(childConfig<PostGraphileChildConfig>()));
  const serv = pgl.createServ(grafserv);
  const server = http.createServer();
  await serv.addTo(server);
  // Build the schema now, not on the first request.
  await pgl.getSchemaResult();
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await serv.release();
      await pgl.release();
    },
  };
});
