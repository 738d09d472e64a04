import "reflect-metadata";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderAccessPolicy } from "../docs/access-policy.js";

// Regenerates schema/access-policy.md from the policy code; a test fails when the committed file drifts.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const target = path.join(root, "schema", "access-policy.md");
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, renderAccessPolicy());
process.stdout.write(`wrote ${path.relative(root, target)}\n`);
