import "reflect-metadata";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildHubSchema, printHubSchema } from "../schema.js";

// Regenerates schema/schema.graphql; a test fails when the committed file drifts from the code.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const target = path.join(root, "schema", "schema.graphql");
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, printHubSchema(await buildHubSchema()));
process.stdout.write(`wrote ${path.relative(root, target)}\n`);
