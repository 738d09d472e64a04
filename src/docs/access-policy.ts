import type { Principal } from "../auth/principal.js";
import { CASE_CATALOGUE } from "../modules/cases/index.js";
import { CLAIM_CATALOGUE } from "../modules/claims/index.js";
import { GrantRelationship } from "../modules/grants/index.js";
import { HOUSEHOLD_CATALOGUE, PERSON_CATALOGUE } from "../modules/households/index.js";
import { NEED_CATALOGUE, TAG_CATEGORY } from "../modules/needs/index.js";
import { OrgKind, ROLES_BY_ORG_KIND, type Role } from "../modules/organizations/index.js";
import { fenToYuan } from "../shared/money.js";
import { Access, DataCategory, RedactionReason, accessBelow, minAccess } from "../privacy/categories.js";
import { maskAddress, maskBankAccount, maskBirthDate, maskIdNumber, maskMoneyFen, maskName, maskPhone } from "../privacy/mask.js";
import { ACCESS_POLICY, CONSENTABLE_CATEGORIES, CONSENT_REQUIRED_KINDS, policyAccess, withoutConsentCap } from "../privacy/policy.js";
import { decideField, type EntityCatalogue, type FieldRule, type Grant } from "../privacy/project.js";
import { HOUSEHOLD_READS, ROOT_PURPOSES } from "../privacy/purpose.js";
import { JURISDICTION_GRANT, NO_GRANT, PUBLISHED_NEED_GRANT, SELF_GRANT, householdScope, needScope, type RecordScope } from "../privacy/scope.js";

// schema/access-policy.md, rendered from the policy code itself: every cell below comes from a
// call into policy.ts, scope.ts or a catalogue, never from a hand-kept copy, so the document
// cannot say something the code does not do. `npm run policy:doc` writes it; a test fails on drift.

/** One catalogue field, flattened for the document. */
interface FieldEntry {
  readonly entity: string;
  readonly field: string;
  readonly rule: FieldRule<unknown>;
}

const CATALOGUES: readonly (readonly FieldEntry[])[] = [
  fieldsOf(HOUSEHOLD_CATALOGUE),
  fieldsOf(PERSON_CATALOGUE),
  fieldsOf(CASE_CATALOGUE),
  fieldsOf(NEED_CATALOGUE),
  fieldsOf(CLAIM_CATALOGUE),
];
const ALL_FIELDS: readonly FieldEntry[] = CATALOGUES.flat();

function fieldsOf<S extends object>(catalogue: EntityCatalogue<S>): FieldEntry[] {
  return Object.entries(catalogue.fields as Record<string, FieldRule<unknown>>).map(([field, rule]) => ({ entity: catalogue.entity, field, rule }));
}

/** Each masked form with a sample, rendered by calling the mask itself. */
const MASK_SAMPLES: ReadonlyArray<{ readonly name: string; readonly before: string; readonly after: string }> = [
  sample(maskName, "张三丰"),
  sample(maskIdNumber, "139901199001011234"),
  sample(maskBirthDate, "1990-05-17"),
  sample(maskPhone, "17400001234"),
  sample((address: string) => maskAddress(address, "130104001001"), "示例南巷12号3单元101", "maskAddress"),
  sample(maskBankAccount, "9990000000000005678"),
  { name: maskMoneyFen.name, before: `${fenToYuan(123_456)} yuan`, after: `${fenToYuan(maskMoneyFen(123_456))} yuan` },
];

function sample(mask: (value: string) => string, before: string, name = mask.name) {
  return { name, before, after: mask(before) };
}

/** The document's example jurisdiction: a subdistrict of the demo district. */
const EXAMPLE_AREA = "130104001000";

const letter = (access: Access): string => access.charAt(0);
const code = (text: string): string => `\`${text}\``;
const list = (items: Iterable<string>): string => [...items].join(", ");

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const superscript = (n: number): string => [...String(n)].map((d) => SUPERSCRIPT[Number(d)]).join("");

/** Footnotes numbered in order of first use, so the output is deterministic. */
class Footnotes {
  private readonly texts: string[] = [];
  private readonly numbers = new Map<string, number>();

  /** The footnote's number, allocating it on first use. */
  mark(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      this.texts.push(text);
      n = this.texts.length;
      this.numbers.set(text, n);
    }
    return n;
  }

  lines(): string[] {
    return this.texts.map((text, i) => `- ${superscript(i + 1)} ${text}`);
  }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)];
}

/** The kind's remit for a category before any role narrows it; unlisted is WITHHELD (fail closed). */
function remitOf(kind: OrgKind, category: DataCategory): Access {
  return ACCESS_POLICY[kind].remit[category] ?? "WITHHELD";
}

/** Fields that only some kinds may ever see in full. */
function minimumNecessityFields(): Array<FieldEntry & { readonly fullOnlyFor: ReadonlySet<OrgKind> }> {
  return ALL_FIELDS.flatMap((f) => (f.rule.fullOnlyFor ? [{ ...f, fullOnlyFor: f.rule.fullOnlyFor }] : []));
}

function fieldName(f: FieldEntry): string {
  return code(`${f.entity}.${f.field}`);
}

/** Fields of a category that have no masked form: MASKED withholds them. */
function masklessNote(category: DataCategory): string | null {
  const fields = ALL_FIELDS.filter((f) => f.rule.category === category);
  const maskless = fields.filter((f) => !f.rule.mask);
  if (maskless.length === 0) return null;
  if (maskless.length === fields.length) {
    return `no ${category} field has a masked form, so MASKED withholds them all (${list(maskless.map(fieldName))})`;
  }
  return `${list(maskless.map(fieldName))} ${maskless.length === 1 ? "has" : "have"} no masked form and ${maskless.length === 1 ? "is" : "are"} withheld where ${category} is MASKED`;
}

function matrixCell(kind: OrgKind, role: Role, category: DataCategory, notes: Footnotes): string {
  const { access, limitedBy } = policyAccess(kind, role, category);
  const marks: number[] = [];
  if (limitedBy === "ROLE") marks.push(notes.mark(`narrowed by the role; the organization's remit for the category is ${letter(remitOf(kind, category))}`));
  if (access === "FULL") {
    for (const f of minimumNecessityFields()) {
      if (f.rule.category === category && !f.fullOnlyFor.has(kind)) marks.push(notes.mark(`${fieldName(f)} is at most MASKED (minimum necessity, §3)`));
    }
  }
  const cap = withoutConsentCap(kind, category);
  const consentLimited = cap !== undefined && accessBelow(cap, access);
  if (consentLimited) marks.push(notes.mark(`${access} only under the household's live consent; without consent ${cap} (§2)`));
  if (access === "MASKED" || (consentLimited && cap === "MASKED")) {
    const note = masklessNote(category);
    if (note) marks.push(notes.mark(note));
  }
  return letter(access) + marks.sort((x, y) => x - y).map(superscript).join(",");
}

function header(): string[] {
  return [
    "# Access policy",
    "",
    "<!-- Generated by `npm run policy:doc` (src/privacy/policy-doc.ts). Do not edit by hand. -->",
    "",
    "Which organization may see which household data, as the hub enforces it. This document is generated",
    "from the policy code — `src/privacy/policy.ts`, `src/privacy/scope.ts` and the entity catalogues",
    "(`src/modules/*/*.policy.ts`) — by `npm run policy:doc`, and `tests/privacy/policy-doc.test.ts` fails",
    "when the committed file and the code disagree. A diff here is a permission change: review it as one.",
    "",
    "## How to read it",
    "",
    "Every object that carries household data is projected field by field for the caller. Three filters",
    "intersect and the most restrictive one wins (fail closed):",
    "",
    "1. **Remit and role** (§1): the organization kind's remit per data category, which a role inside the",
    "   organization can only narrow. A category a kind's remit does not list is WITHHELD.",
    "2. **Record scope** (§5): which records the caller reaches at all. Outside it a record is *not found*",
    "   (an empty list, a `NOT_FOUND` error), never *forbidden*. The relationship a record is reached",
    "   through can cap categories further (§6).",
    "3. **Consent** (§2): some kinds see some categories only under the household's live consent.",
    "",
    "On top of the categories, minimum necessity (§3) caps single fields for some kinds. §4 lists the",
    "category of every field.",
    "",
    ...table(
      ["Mark", "Access", "Meaning"],
      Access.values.map((a) => [letter(a), a, Access.descriptions[a]]),
    ),
    "",
    "Masked forms (a field with no masked form is withheld where its category is MASKED):",
    "",
    ...table(
      ["Mask", "Example"],
      MASK_SAMPLES.map((s) => [code(s.name), `${code(s.before)} → ${code(s.after)}`]),
    ),
    "",
    "A masked or withheld field is listed in its object's `redactions { field access reason }`; redaction is",
    "never a GraphQL error. The reasons:",
    "",
    ...table(
      ["Reason", "Meaning"],
      RedactionReason.values.map((r) => [code(r), RedactionReason.descriptions[r]]),
    ),
    "",
  ];
}

function matrixSection(): string[] {
  const notes = new Footnotes();
  const rows = OrgKind.values.flatMap((kind) =>
    ROLES_BY_ORG_KIND[kind].map((role) => [kind, role, ...DataCategory.values.map((c) => matrixCell(kind, role, c, notes))]),
  );
  return [
    "## 1. Remit and role: org kind × role × data category",
    "",
    "Before record scope and relationship. A marked cell has a footnote below the table.",
    "",
    ...table(["Kind", "Role", ...DataCategory.values], rows),
    "",
    ...notes.lines(),
    "",
    "Data categories:",
    "",
    ...DataCategory.values.map((c) => `- ${code(c)} — ${DataCategory.descriptions[c]}`),
    "",
  ];
}

function consentSection(): string[] {
  const rows = OrgKind.values
    .filter((kind) => CONSENT_REQUIRED_KINDS.has(kind))
    .flatMap((kind) =>
      DataCategory.values.flatMap((category) => {
        const cap = withoutConsentCap(kind, category);
        if (cap === undefined) return [];
        const roles = ROLES_BY_ORG_KIND[kind];
        const withConsent = roles.map((role) => policyAccess(kind, role, category).access);
        const without = withConsent.map((a) => minAccess(a, cap));
        const show = (levels: readonly Access[]) =>
          new Set(levels).size === 1 ? levels[0]! : roles.map((role, i) => `${role}: ${levels[i]}`).join(", ");
        return [[kind, category, show(withConsent), show(without)]];
      }),
    );
  const lines = [
    "## 2. Consent",
    "",
    `Kinds whose access depends on the household's consent: ${list([...CONSENT_REQUIRED_KINDS].map(code))}.`,
    `Categories a consent can open: ${list([...CONSENTABLE_CATEGORIES].map(code))}. A consent names the recipient`,
    "(organization or kind), purpose, categories and expiry; only live consents count, and a withdrawal is a new record.",
    "",
    ...table(["Kind", "Category", "With consent", "Without consent (ceiling)"], rows),
    "",
  ];
  for (const f of minimumNecessityFields()) {
    if (!CONSENTABLE_CATEGORIES.has(f.rule.category)) continue;
    const kinds = [...CONSENT_REQUIRED_KINDS].filter((k) => !f.fullOnlyFor.has(k));
    if (kinds.length > 0) {
      lines.push(`A consent never lifts ${fieldName(f)} above MASKED for ${list(kinds.map(code))} (minimum necessity, §3).`, "");
    }
  }
  return lines;
}

function minimumNecessitySection(): string[] {
  const rows = minimumNecessityFields().map((f) => {
    // Kinds that would see the category in full (for some role, with consent) but not this field.
    const capped = OrgKind.values.filter(
      (kind) => !f.fullOnlyFor.has(kind) && ROLES_BY_ORG_KIND[kind].some((role) => policyAccess(kind, role, f.rule.category).access === "FULL"),
    );
    return [
      fieldName(f),
      f.rule.category,
      list(OrgKind.values.filter((k) => f.fullOnlyFor.has(k)).map(code)),
      capped.length > 0 ? list(capped.map(code)) : "—",
    ];
  });
  return [
    "## 3. Minimum necessity",
    "",
    "Fields that only the kinds listed may ever see in full; every other kind gets at most the masked form",
    "(reason `MINIMUM_NECESSITY`), whatever its remit or consent says.",
    "",
    ...table(["Field", "Category", "FULL only for", "Masked although the category is FULL for"], rows),
    "",
  ];
}

function catalogueSection(): string[] {
  const lines = [
    "## 4. Fields and their data categories",
    "",
    "Every field the API can return for a household record; a field not listed cannot be shown. \"When MASKED\"",
    "names the masked form; `—` means the field has none and is withheld where its category is MASKED.",
    "",
  ];
  const unused = DataCategory.values.filter((c) => !ALL_FIELDS.some((f) => f.rule.category === c));
  if (unused.length > 0) lines.push(`Categories with no field yet (their policy cells govern future fields): ${list(unused.map(code))}.`, "");
  for (const fields of CATALOGUES) {
    const entity = fields[0]!.entity;
    lines.push(`### ${entity}`, "");
    lines.push(
      ...table(
        ["Field", "Category", "When MASKED", "Minimum necessity"],
        fields.map((f) => [
          code(f.field),
          f.rule.itemCategory ? `by item (${f.rule.category} itself)` : f.rule.category,
          f.rule.mask ? code(f.rule.mask.name) : "—",
          f.rule.fullOnlyFor ? `FULL only for ${list(OrgKind.values.filter((k) => f.rule.fullOnlyFor!.has(k)))}` : "",
        ]),
      ),
      "",
    );
  }
  lines.push(
    "### Items classed one by one",
    "",
    "A field marked \"by item\" shows each item only where the caller may see that item's category in full:",
    `a need's ${code("note")} carries the category of its content; each beneficiary tag the category it reveals.`,
    "A tag outside this list is treated as PROTECTION until it is classed.",
    "",
    ...table(
      ["Beneficiary tag", "Category"],
      (Object.keys(TAG_CATEGORY) as Array<keyof typeof TAG_CATEGORY>).map((tag) => [code(tag), TAG_CATEGORY[tag]]),
    ),
    "",
  );
  return lines;
}

/** A principal with nothing but a kind, to ask scope.ts what the kind reaches. */
function syntheticPrincipal(kind: OrgKind, householdId: string | null): Principal {
  return {
    subject: "policy-doc",
    issuer: "urn:policy-doc",
    role: ROLES_BY_ORG_KIND[kind][0]!,
    purpose: null,
    householdId,
    org: {
      id: "00000000-0000-4000-8000-000000000000",
      code: "POLICY-DOC",
      kind,
      nameZh: "",
      nameEn: null,
      jurisdictionAreaCode: EXAMPLE_AREA,
    },
  };
}

const NAMED_GRANTS: ReadonlyArray<readonly [string, Grant]> = [
  ["JURISDICTION_GRANT", JURISDICTION_GRANT],
  ["SELF_GRANT", SELF_GRANT],
  ["PUBLISHED_NEED_GRANT", PUBLISHED_NEED_GRANT],
  ["NO_GRANT", NO_GRANT],
];

function grantName(grant: Grant): string {
  return NAMED_GRANTS.find(([, g]) => g === grant)?.[0] ?? grant.relationship;
}

function describeScope(scope: RecordScope): string {
  switch (scope.kind) {
    case "AREA":
      return `**AREA** — records whose area code starts with the jurisdiction's prefix (${code(EXAMPLE_AREA)} → ${code(`${scope.areaPrefix}…`)}), under ${code(grantName(scope.grant))}`;
    case "HOUSEHOLD":
      return `**HOUSEHOLD** — only the household named in the token (${code("householdId")}), under ${code(grantName(scope.grant))}`;
    case "GRANTED":
      return "**GRANTED** — only households the organization holds a live grant for (referral, assignment, claim), each under that household's grant (§6)";
    case "PUBLISHED":
      return `**PUBLISHED** — needs published for matching whose area code starts with ${code(`${scope.areaPrefix}…`)}, and the needs the organization holds a live claim on, under ${code(grantName(scope.grant))}; a claimed need's household only through the claim's grant (GRANTED)`;
    case "NONE":
      return "**NONE** — nothing: lookups are not found, lists are empty";
  }
}

function scopeSection(): string[] {
  // Kinds with the same scopes share a row, in OrgKind order.
  const groups = new Map<string, { kinds: OrgKind[]; households: string; needs: string }>();
  for (const kind of OrgKind.values) {
    const p = syntheticPrincipal(kind, kind === "RESIDENT" ? "00000000-0000-4000-8000-000000000001" : null);
    const households = describeScope(householdScope(p));
    const needs = describeScope(needScope(p));
    const key = `${households}|${needs}`;
    const group = groups.get(key) ?? { kinds: [], households, needs };
    group.kinds.push(kind);
    groups.set(key, group);
  }
  const anonymousResident = householdScope(syntheticPrincipal("RESIDENT", null));
  return [
    "## 5. Record scope",
    "",
    `Which records each kind reaches (example jurisdiction ${code(EXAMPLE_AREA)}). Nested records (a case's`,
    "household, a household's members) are projected under the grant of the record they were reached through.",
    "",
    ...table(
      ["Kinds", "Households, members, cases", "Needs"],
      [...groups.values()].map((g) => [list(g.kinds), g.households, g.needs]),
    ),
    "",
    `A RESIDENT token without a ${code("householdId")} reaches ${describeScope(anonymousResident)}.`,
    "",
  ];
}

function relationshipSection(): string[] {
  const rows = NAMED_GRANTS.map(([name, grant]) => [
    code(name),
    grant.relationship,
    ...DataCategory.values.map((c) => {
      const cap = grant.caps?.[c];
      return cap ? letter(cap) : "·";
    }),
  ]);
  const publishedKinds = OrgKind.values.filter((k) => needScope(syntheticPrincipal(k, null)).kind === "PUBLISHED");
  const visible = (kind: OrgKind) =>
    ALL_FIELDS.filter((f) => f.entity === HOUSEHOLD_CATALOGUE.entity || f.entity === PERSON_CATALOGUE.entity)
      .map((f) => ({ f, access: decideField(syntheticPrincipal(kind, null), f.rule, PUBLISHED_NEED_GRANT).access }))
      .filter((d) => d.access !== "WITHHELD")
      .map((d) => `${fieldName(d.f)}${d.access === "FULL" ? "" : ` (${d.access})`}`);
  return [
    "## 6. Relationship ceilings",
    "",
    "The most a relationship discloses, per category, whatever the remit: `·` is not limited by it, a letter",
    "is its ceiling (reason `NOT_ASSIGNED` when it bites).",
    "",
    ...table(["Grant", "Relationship", ...DataCategory.values], rows),
    "",
    `Grants held by an organization (GRANTED scope) are per household: ${list(GrantRelationship.values.map(code))}.`,
    "Every category other than BASIC that none of the organization's live grants on the household authorises",
    "is capped at WITHHELD, and the household's live consents to the organization are applied (§2).",
    "",
    `Through a published need (${code("PUBLISHED_NEED_GRANT")}) the kinds with PUBLISHED need scope see of the`,
    "household and its members only:",
    "",
    ...table(
      ["Kind", "Household and member fields shown"],
      publishedKinds.map((kind) => [kind, list(visible(kind))]),
    ),
    "",
  ];
}

function purposeSection(): string[] {
  return [
    "## 7. Purpose-bound root access",
    "",
    "Which root queries reaching household data each kind may call at all (`privacy/purpose.ts`); any other is",
    "refused with `FORBIDDEN` / `ORG_KIND_NOT_ALLOWED` whatever the record. `personByIdNumber` also needs a role",
    "that reads identity in full (§3).",
    "",
    ...table(
      ["Kind", "Purpose", ...HOUSEHOLD_READS.map(code)],
      OrgKind.values.map((kind) => [kind, ROOT_PURPOSES[kind].purpose, ...HOUSEHOLD_READS.map((r) => (ROOT_PURPOSES[kind].reads.includes(r) ? "✓" : "·"))]),
    ),
    "",
  ];
}

/** The access policy as a Markdown document for reviewers: schema/access-policy.md. Deterministic. */
export function renderAccessPolicy(): string {
  return [
    ...header(),
    ...matrixSection(),
    ...consentSection(),
    ...minimumNecessitySection(),
    ...catalogueSection(),
    ...scopeSection(),
    ...relationshipSection(),
    ...purposeSection(),
  ].join("\n");
}
