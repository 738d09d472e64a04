import http from "node:http";
import pg from "pg";
import { childConfig, runChild } from "../child.js";
import { RAW_SQL, RELATION_ORDER, type QueryName } from "../workload.js";

// The floor: a bare node:http handler that sends one prepared json_agg statement and writes the text
// PostgreSQL returns. No GraphQL, no token, no projection, no log; the caseworker's scope is fixed.

export interface RawChildConfig {
  readonly databaseUrl: string;
  readonly areaPrefix: string;
  readonly poolSize: number;
}

void runChild(async () => {
  const config = childConfig<RawChildConfig>();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize });
  pool.on("error", () => {});
  const values = [`${config.areaPrefix}%`, RELATION_ORDER];
  const server = http.createServer((req, res) => {
    const name = req.url === "/raw/cases" ? "cases" : req.url === "/raw/needs" ? "needs" : null;
    req.resume(); // the load generator sends the GraphQL body; this peer has nothing to read in it
    if (!name) {
      res.writeHead(404).end();
      return;
    }
    pool
      .query<{ body: string }>({ name: `raw-${name}`, text: RAW_SQL[name as QueryName], values })
      .then(({ rows }) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(rows[0]!.body);
      })
      .catch(() => {
        res.writeHead(500).end();
      });
  });
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
});
