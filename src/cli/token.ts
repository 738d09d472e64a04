import { parseArgs } from "node:util";
import { loadOrCreateDevIssuers, mintDevToken } from "../auth/dev-issuer.js";
import { loadConfig } from "../config.js";
import { DEMO_ORGANIZATIONS, findDemoOrganization } from "../demo/organizations.js";
import { Role } from "../modules/organizations/organizations.enums.js";

// `npm run token -- --org CODE --role ROLE` prints a development token and nothing else on stdout.
// `npm run token -- --list` prints the demo organizations, one JSON object per line.

const USAGE = `usage: npm run token -- --org CODE --role ROLE [--household UUID] [--sub ID] [--ttl SECONDS] [--issuer ISS]
       npm run token -- --list`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

// `npm run token -- --list | head` closes the pipe early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

async function run(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        org: { type: "string" },
        role: { type: "string" },
        household: { type: "string" },
        sub: { type: "string" },
        ttl: { type: "string" },
        issuer: { type: "string" },
        list: { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.list) {
    for (const o of DEMO_ORGANIZATIONS) {
      process.stdout.write(`${JSON.stringify({ org: o.code, kind: o.kind, name: o.nameZh, roles: o.roles })}\n`);
    }
    return;
  }
  const config = loadConfig();
  if (!config.devIssuer) fail("the dev issuer is disabled (DEV_ISSUER=false or NODE_ENV=production)");
  if (!values.org || !values.role) fail("--org and --role are required");
  const org = findDemoOrganization(values.org);
  if (!org) fail(`unknown demo organization ${values.org}; see --list`);
  if (!Role.is(values.role) || !org.roles.includes(values.role)) {
    fail(`role ${values.role} does not exist in ${org.code} (${org.kind}); roles: ${org.roles.join(", ")}`);
  }
  if (org.kind === "RESIDENT" && !values.household) fail("a RESIDENT token needs --household <household id>");
  const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 7 * 24 * 3600)) {
    fail("--ttl must be a whole number of seconds between 1 and 604800");
  }
  const dev = await loadOrCreateDevIssuers(config.dataDir);
  const token = await mintDevToken(dev, {
    org,
    role: values.role,
    audience: config.jwt.audience,
    subject: values.sub,
    householdId: values.household,
    ttlSeconds: ttl,
    issuer: values.issuer,
  });
  process.stdout.write(`${token}\n`);
}

run().catch((err: unknown) => fail((err as Error).message));
