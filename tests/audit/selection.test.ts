import { getNamedType, isObjectType, Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { shownFields, type ShownFields } from "../../src/audit/index.js";
import { CASE_CATALOGUE } from "../../src/modules/cases/cases.policy.js";
import { HOUSEHOLD_CATALOGUE, PERSON_CATALOGUE } from "../../src/modules/households/households.policy.js";
import { NEED_CATALOGUE } from "../../src/modules/needs/needs.policy.js";
import { buildHubSchema } from "../../src/schema.js";

// Which fields of which type an operation showed: what the access log counts as disclosed.

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildHubSchema();
});

function shownBy(source: string, variables?: Record<string, unknown>, operationName?: string): ShownFields {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  )!;
  return shownFields(schema, document, operation, variables);
}

/** The listed fields of a type that count as shown. */
const of = (shown: ShownFields, type: string, fields: string[]) => fields.filter((f) => shown(type, f));

describe("shownFields", () => {
  const PERSON = ["name", "idNumber", "phone", "monthlyIncome", "seriousIllness"];

  it("counts selected fields through nested relations, and nothing else", () => {
    const shown = shownBy(`{ cases(first: 5) { nodes { caseNo household { address members { name } } } } }`);
    expect(of(shown, "Case", ["caseNo", "status", "monthlyBenefit"])).toEqual(["caseNo"]);
    expect(of(shown, "Household", ["address", "housingSituation"])).toEqual(["address"]);
    expect(of(shown, "Person", PERSON)).toEqual(["name"]);
  });

  it("follows aliases, inline fragments, named fragments and edges", () => {
    const shown = shownBy(`
      query { a: cases(first: 1) { edges { node { ... on Case { status } } } } household(id: "x") { ...h } }
      fragment h on Household { members { ...p } }
      fragment p on Person { phone b: idNumber __typename }`);
    expect(of(shown, "Case", ["status", "type"])).toEqual(["status"]);
    expect(of(shown, "Person", PERSON)).toEqual(["idNumber", "phone"]);
  });

  it("counts fields named by arguments on the records returned: filters inline or in variables, lookups", () => {
    expect(of(shownBy(`{ cases(first: 5, filter: { status: APPROVED }) { nodes { id } } }`), "Case", ["status", "type"])).toEqual(["status"]);
    const viaVariables = shownBy(`query ($f: CaseFilter) { cases(first: 5, filter: $f) { totalCount } }`, { f: { type: "MEDICAL", status: "APPROVED" } });
    expect(of(viaVariables, "Case", ["status", "type"])).toEqual(["status", "type"]);
    // A null filter field filters nothing, so it shows nothing.
    const nulled = shownBy(`query ($f: CaseFilter) { cases(first: 5, filter: $f) { totalCount } }`, { f: { type: "MEDICAL", status: null } });
    expect(of(nulled, "Case", ["status", "type"])).toEqual(["type"]);
    expect(of(shownBy(`query ($n: String!) { personByIdNumber(idNumber: $n) { id } }`, { n: "x" }), "Person", PERSON)).toEqual(["idNumber"]);
  });

  it("reads arguments as execution does: a variable's default value counts exactly like a value sent", () => {
    const defaulted = shownBy(`query ($f: CaseFilter = { status: APPROVED }) { cases(first: 5, filter: $f) { totalCount } }`);
    expect(of(defaulted, "Case", ["status", "type"])).toEqual(["status"]);
    const overridden = shownBy(`query ($f: CaseFilter = { status: APPROVED }) { cases(first: 5, filter: $f) { totalCount } }`, { f: { type: "MEDICAL" } });
    expect(of(overridden, "Case", ["status", "type"])).toEqual(["type"]);
    const defaultedScalar = shownBy(`query ($n: String = "13990119800101123X") { personByIdNumber(idNumber: $n) { id } }`);
    expect(of(defaultedScalar, "Person", PERSON)).toEqual(["idNumber"]);
  });

  it("reads only the operation that ran", () => {
    const source = `query A { household(id: "x") { address } } query B { household(id: "x") { housingSituation } }`;
    expect(of(shownBy(source, undefined, "B"), "Household", ["address", "housingSituation"])).toEqual(["housingSituation"]);
  });

  it("counts a field the schema does not expose under that name as shown (it cannot tell, so it over-reports)", () => {
    const shown = shownBy(`{ household(id: "x") { id } }`);
    expect(shown("Household", "notAGraphqlField")).toBe(true);
    expect(shown("NotAType", "anything")).toBe(true);
    expect(shown("Household", "address")).toBe(false);
  });

  it("can be precise: every projected field is exposed under its own name on the type of its entity", () => {
    for (const catalogue of [CASE_CATALOGUE, HOUSEHOLD_CATALOGUE, PERSON_CATALOGUE, NEED_CATALOGUE]) {
      const type = schema.getType(catalogue.entity);
      expect(isObjectType(type), catalogue.entity).toBe(true);
      const exposed = isObjectType(type) ? type.getFields() : {};
      expect(Object.keys(exposed), catalogue.entity).toEqual(expect.arrayContaining(Object.keys(catalogue.fields)));
      // And the other way round: no value derived from a projected field under another name (it would
      // be shown without its category counting); besides relations, only the redaction list.
      const underOtherNames = Object.values(exposed).filter((f) => !(f.name in catalogue.fields) && f.name !== "redactions" && !isObjectType(getNamedType(f.type)));
      expect(underOtherNames.map((f) => f.name), catalogue.entity).toEqual([]);
    }
  });

  it("stops at recursive fragments instead of looping", () => {
    const document = parse(`{ household(id: "x") { ...a } } fragment a on Household { address ...a }`, { noLocation: true });
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(shownFields(schema, document, operation, undefined)("Household", "address")).toBe(true);
  });
});
