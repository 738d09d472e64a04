// The hub's layers, bottom to top. A file may import its own layer and the ones below it, never one
// above; no import cycle anywhere in src/. `npm test` runs these rules (tests/architecture/), and so
// does `npm run lint:deps`. README "Architecture" says what each layer is for.
//
// Membership is by path and exclusive: the GraphQL surface (resolvers, object and input types) is
// matched first wherever it lives, then each layer's own paths minus those of the layers listed with
// it as "not". Adding a folder to src/ without giving it a layer fails the `layer-unassigned` rule.

// (context.type.ts is the request context as TypeScript types, not a GraphQL type.)
const GRAPHQL_FILE = "^src/(?!context\\.type\\.ts$).*\\.(resolver|type|input|args)\\.ts$";
const DATA = [
  "^src/db/",
  "^src/modules/[^/]+/[^/]+\\.(table|enums)\\.ts$",
  "^src/privacy/(categories|privacy\\.table)\\.ts$",
  "^src/audit/audit\\.table\\.ts$",
  // Demo generators are pure data; only the seeder writes, through the domain.
  "^src/demo/(?!seed\\.ts$)",
];

/** Bottom (0) to top. */
const LAYERS = [
  {
    name: "shared",
    doc: "errors, validation, money, areas, ID-number format, config, logger, GraphQL helpers — imports nothing of the hub",
    path: ["^src/shared/", "^src/(config|logger)\\.ts$"],
    pathNot: [GRAPHQL_FILE],
  },
  {
    name: "data",
    doc: "database client, tables and enums of every module, the privacy vocabulary, demo data generators",
    path: DATA,
    pathNot: [GRAPHQL_FILE],
  },
  {
    name: "core",
    doc: "privacy (policy, projection, masks, crypto, record scope) · audit (chains, writers, recorder, verification) · auth (tokens, issuers, principal)",
    path: ["^src/privacy/", "^src/audit/", "^src/auth/"],
    pathNot: [GRAPHQL_FILE, ...DATA, "^src/auth/(allow|viewer)\\.ts$"],
  },
  {
    name: "domain",
    doc: "each module's repository, loaders, policy catalogue, validation and service; the context as types",
    path: ["^src/modules/", "^src/demo/seed\\.ts$", "^src/context\\.type\\.ts$"],
    pathNot: [GRAPHQL_FILE, ...DATA],
  },
  {
    name: "graphql",
    doc: "resolvers, GraphQL object and input types, the @Allow and @CurrentViewer decorators",
    path: [GRAPHQL_FILE, "^src/auth/(allow|viewer)\\.ts$"],
    pathNot: [],
  },
  {
    name: "roots",
    doc: "composition roots: context factory, schema, server (and its WebSocket subscriptions), main (and its first import, library-mode), the audit checkpoint schedule, CLIs, generated documents",
    path: ["^src/(main|library-mode|server|subscription-server|schema|context|checkpoint-schedule|claim-expiry-schedule)\\.ts$", "^src/cli/", "^src/docs/"],
    pathNot: [GRAPHQL_FILE],
  },
  {
    name: "bench",
    doc: "the peer benchmark: a composition root above the others (it starts the hub as main does) and nothing imports it",
    path: ["^src/bench/"],
    pathNot: [GRAPHQL_FILE],
  },
];

const layerRules = LAYERS.flatMap((lower, i) =>
  LAYERS.slice(i + 1).map((higher) => ({
    name: `layer-${lower.name}-not-above`,
    comment: `${lower.name} (${lower.doc}) must not import ${higher.name}`,
    severity: "error",
    from: { path: lower.path, pathNot: lower.pathNot },
    to: { path: higher.path, pathNot: higher.pathNot },
  })),
);

module.exports = {

  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycle anywhere in src/: every part can be read, tested and replaced on its own",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: "module-public-surface",
      comment:
        "Another module is reached through its index.ts (domain surface), its tables and enums, or its GraphQL types — never its internals",
      severity: "error",
      from: { path: "^src/modules/([^/]+)/" },
      to: { path: "^src/modules/[^/]+/", pathNot: ["^src/modules/$1/", "/index\\.ts$", "\\.(table|enums|type)\\.ts$"] },
    },
    {
      name: "module-internals-from-outside",
      comment: "Outside the modules, only composition roots reach a module's files other than its public surface",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/modules/", "^src/(main|server|schema|context)\\.ts$", "^src/cli/", "^src/docs/"] },
      to: { path: "^src/modules/[^/]+/", pathNot: ["/index\\.ts$", "\\.(table|enums|type)\\.ts$"] },
    },
    {
      name: "layer-unassigned",
      comment: "Every file in src/ belongs to a layer (see LAYERS in .dependency-cruiser.cjs): none imports or is imported outside them",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/", pathNot: LAYERS.flatMap((l) => l.path) },
    },
    {
      name: "layer-unassigned",
      comment: "Every file in src/ belongs to a layer (see LAYERS in .dependency-cruiser.cjs): none imports or is imported outside them",
      severity: "error",
      from: { path: "^src/", pathNot: LAYERS.flatMap((l) => l.path) },
      to: { path: "^src/" },
    },
  ],
  options: {
    includeOnly: "^src/",
    // Type-only imports are dependencies too: a service that imports a resolver's type is wired upward.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
