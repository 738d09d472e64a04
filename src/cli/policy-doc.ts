import "reflect-metadata";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderAccessPolicy } from "../docs/access-policy.js";
import { withErrorReasons } from "../docs/error-reasons.js";

// Regenerates schema/access-policy.md from the policy code, and the README's table of error
// reasons from the error classes; tests fail when either committed copy drifts.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const target = path.join(root, "schema", "access-policy.md");
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, renderAccessPolicy());
const readme = path.join(root, "README.md");
writeFileSync(readme, withErrorReasons(readFileSync(readme, "utf8")));
process.stdout.write(`wrote ${path.relative(root, target)} and the error reasons in README.md\n`);
