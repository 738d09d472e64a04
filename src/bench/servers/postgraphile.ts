import http from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { addPgTableCondition } from "postgraphile/utils";
import { childConfig, runChild } from "../child.js";
import { AREA_CONDITION } from "../workload.js";

// PostGraphile v5 (amber preset, its defaults) over the hub's tables. It declares Node >= 22; on Node 20 it
// needs only Promise.withResolvers, which ../with-resolvers.mjs supplies (the parent preloads it with
// --import for this process alone). The one addition is a condition that expresses the hub's record
// scope, `area_code LIKE prefix || '%'`, on cases and needs (PostGraphile's own conditions are equalities).

export interface PostGraphileChildConfig {
  readonly databaseUrl: string;
  readonly poolSize: number;
}

const areaCondition = (tableName: string) =>
  addPgTableCondition(
    { schemaName: "public", tableName },
    AREA_CONDITION,
    (build) => ({ type: build.graphql.GraphQLString, description: "Division-code prefix (the hub's AREA record scope)" }),
    (value, { sql, sqlTableAlias, sqlValueWithCodec, build }) =>
      typeof value === "string" ? sql`${sqlTableAlias}.area_code like ${sqlValueWithCodec(`${value}%`, build.dataplanPg.TYPES.text)}` : null,
  );

void runChild(async () => {
  const config = childConfig<PostGraphileChildConfig>();
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    plugins: [areaCondition("cases"), areaCondition("needs")],
    pgServices: [makePgService({ connectionString: config.databaseUrl, schemas: ["public"], poolConfig: { max: config.poolSize } })],
    grafserv: { graphiql: false, watch: false },
    grafast: { explain: false },
  });
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
