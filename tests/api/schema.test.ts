import "reflect-metadata";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildHubSchema, permissionSurface, printHubSchema } from "../../src/schema.js";

describe("the schema", () => {
  it("matches the committed schema/schema.graphql (run `npm run schema:emit` after a change)", async () => {
    const committed = readFileSync(new URL("../../schema/schema.graphql", import.meta.url), "utf8");
    expect(printHubSchema(await buildHubSchema())).toBe(committed);
  });

  it("has an explicit rule for every root operation", async () => {
    const schema = await buildHubSchema();
    const declared = new Set(permissionSurface().filter((p) => p.rule).map((p) => p.operation));
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of Object.keys(root?.getFields() ?? {})) {
        expect(declared, `${root!.name}.${field} has no @Allow rule`).toContain(`${root!.name}.${field}`);
      }
    }
  });

  it("names no table, column or other internal storage detail in any description", async () => {
    const schema = await buildHubSchema();
    const descriptions: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      descriptions.push(type.description ?? "");
      if ("getFields" in type) for (const f of Object.values(type.getFields())) descriptions.push(f.description ?? "");
    }
    const words = /\b(table|column|row|sql|drizzle)s?\b/i;
    const identifiers = /\b[a-z]+_[a-z_]+\b|\b(persons|households|cases|needs|access_log)\.[a-z_]+/;
    expect(descriptions.filter((d) => words.test(d) || identifiers.test(d))).toEqual([]);
  });

  // A diff here is a permission change: review it as one.
  it("exposes this permission surface", () => {
    const surface = permissionSurface().map((p) => {
      const rule = p.rule!;
      const who = rule.public ? "PUBLIC" : rule.kinds === "ANY" ? "ANY AUTHENTICATED" : rule.kinds.join("|");
      return `${p.operation}: ${who}${!rule.public && rule.roles ? ` roles=${rule.roles.join("|")}` : ""}`;
    });
    expect(surface).toMatchInlineSnapshot(`
      [
        "Mutation.cancelNeed: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY roles=ADMIN|CASEWORKER|COORDINATOR",
        "Mutation.claimNeed: CHARITY|VOLUNTEER_ORG roles=PROJECT_MANAGER|COORDINATOR",
        "Mutation.fulfilClaim: CHARITY|VOLUNTEER_ORG roles=PROJECT_MANAGER|COORDINATOR",
        "Mutation.postNeed: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|SOCIAL_WORK_AGENCY roles=ADMIN|CASEWORKER|COORDINATOR|SUPERVISOR|SOCIAL_WORKER",
        "Mutation.publishResource: CHARITY|VOLUNTEER_ORG|HUMAN_RESOURCES|CIVIL_AFFAIRS|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|EMERGENCY_MANAGEMENT roles=PROJECT_MANAGER|COORDINATOR|OFFICER|ADMIN|CASEWORKER",
        "Mutation.recordConsent: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|RESIDENT roles=ADMIN|CASEWORKER|COORDINATOR|RESIDENT",
        "Mutation.registerHousehold: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY roles=ADMIN|CASEWORKER|COORDINATOR",
        "Mutation.releaseClaim: CHARITY|VOLUNTEER_ORG roles=PROJECT_MANAGER|COORDINATOR",
        "Mutation.rotateFieldKeys: CIVIL_AFFAIRS roles=ADMIN",
        "Mutation.setResourceStatus: CHARITY|VOLUNTEER_ORG|HUMAN_RESOURCES|CIVIL_AFFAIRS|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|EMERGENCY_MANAGEMENT roles=PROJECT_MANAGER|COORDINATOR|OFFICER|ADMIN|CASEWORKER",
        "Mutation.withdrawConsent: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|RESIDENT roles=ADMIN|CASEWORKER|COORDINATOR|RESIDENT",
        "Query.accessLog: RESIDENT|CIVIL_AFFAIRS roles=RESIDENT|AUDITOR",
        "Query.assistanceStatus: HEALTHCARE_SECURITY|COURT|JUSTICE",
        "Query.auditChainStatus: CIVIL_AFFAIRS roles=AUDITOR",
        "Query.case: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|HUMAN_RESOURCES|EMERGENCY_MANAGEMENT|SOCIAL_WORK_AGENCY|RESIDENT",
        "Query.cases: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|HUMAN_RESOURCES|EMERGENCY_MANAGEMENT|SOCIAL_WORK_AGENCY|RESIDENT",
        "Query.charityConduct: CIVIL_AFFAIRS|CHARITY|VOLUNTEER_ORG",
        "Query.charityConductSummary: PUBLIC",
        "Query.charityProjects: PUBLIC",
        "Query.claims: CHARITY|VOLUNTEER_ORG|CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY",
        "Query.consents: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|RESIDENT roles=ADMIN|CASEWORKER|COORDINATOR|RESIDENT|AUDITOR",
        "Query.fulfilledNeeds: PUBLIC",
        "Query.household: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|HUMAN_RESOURCES|EMERGENCY_MANAGEMENT|CHARITY|VOLUNTEER_ORG|SOCIAL_WORK_AGENCY|RESIDENT",
        "Query.households: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|HUMAN_RESOURCES|EMERGENCY_MANAGEMENT|CHARITY|VOLUNTEER_ORG|SOCIAL_WORK_AGENCY|RESIDENT",
        "Query.matchesForNeed: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY roles=ADMIN|CASEWORKER|APPROVER|COORDINATOR",
        "Query.matchesForResource: CHARITY|VOLUNTEER_ORG|HUMAN_RESOURCES|CIVIL_AFFAIRS|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|EMERGENCY_MANAGEMENT",
        "Query.me: ANY AUTHENTICATED",
        "Query.need: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|CHARITY|VOLUNTEER_ORG|SOCIAL_WORK_AGENCY|RESIDENT",
        "Query.needs: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|CHARITY|VOLUNTEER_ORG|SOCIAL_WORK_AGENCY|RESIDENT",
        "Query.personByIdNumber: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|HUMAN_RESOURCES|EMERGENCY_MANAGEMENT",
        "Query.registrationReviews: CIVIL_AFFAIRS roles=ADMIN|CASEWORKER|APPROVER",
        "Query.resource: ANY AUTHENTICATED",
        "Query.resources: ANY AUTHENTICATED",
        "Subscription.needActivity: CIVIL_AFFAIRS|SUBDISTRICT|COMMUNITY roles=ADMIN|CASEWORKER|APPROVER|COORDINATOR",
        "Subscription.needMatched: CHARITY|VOLUNTEER_ORG|HUMAN_RESOURCES|CIVIL_AFFAIRS|HEALTHCARE_SECURITY|HEALTH|EDUCATION|HOUSING|EMERGENCY_MANAGEMENT",
      ]
    `);
  });
});
