import type pg from "pg";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { addPgTableCondition } from "postgraphile/utils";
import { AREA_CONDITION } from "./workload.js";

// The PostGraphile peer's configuration: v5's amber preset with its defaults over the hub's tables, plus
// one condition that expresses the hub's record scope, `area_code LIKE prefix || '%'`, on cases and needs
// (PostGraphile's generated conditions are equalities). PostGraphile declares Node >= 22; on Node 20 it
// needs only Promise.withResolvers, which with-resolvers.mjs supplies (preloaded for its process alone).

const areaCondition = (tableName: string) =>
  addPgTableCondition(
    { schemaName: "public", tableName },
    AREA_CONDITION,
    (build) => ({ type: build.graphql.GraphQLString, description: "Division-code prefix (the hub's AREA record scope)" }),
    (value, { sql, sqlTableAlias, sqlValueWithCodec, build }) =>
      typeof value === "string" ? sql`${sqlTableAlias}.area_code like ${sqlValueWithCodec(`${value}%`, build.dataplanPg.TYPES.text)}` : null,
  );

/** The preset over `databaseUrl` with a pool of `poolSize`, or over a pool the caller owns (and ends). */
export function postgraphilePreset(options: { databaseUrl: string; poolSize: number } | { pool: pg.Pool }): GraphileConfig.Preset {
  const service =
    "pool" in options
      ? makePgService({ pool: options.pool, schemas: ["public"] })
      : makePgService({ connectionString: options.databaseUrl, schemas: ["public"], poolConfig: { max: options.poolSize } });
  return {
    extends: [PostGraphileAmberPreset],
    plugins: [areaCondition("cases"), areaCondition("needs")],
    pgServices: [service],
    grafserv: { graphiql: false, watch: false },
    grafast: { explain: false },
  };
}
