// What the peer benchmark asks each server, and how their answers are brought to one form and compared.
//
// Two reads, the caseworker's everyday lists: "50 cases with household and members" and "50 needs with
// household and members", in the caller's record scope (its jurisdiction's division-code prefix, the
// hub's `AREA` scope), ordered by case / need number — the hub's keyset order.
//
// The three peers select the same columns:
//   hub          the GraphQL API as a caseworker calls it: projection and the access log on;
//   postgraphile PostGraphile v5 (amber preset) over the same tables, with one added condition
//                (`areaCodeStartsWith`) that expresses the hub's scope: `area_code LIKE prefix || '%'`;
//   raw          one prepared `json_agg` statement per request, no GraphQL, no auth.
//
// What "the same records" means (compareRecordSets): the same records in the same order (ids and
// numbers), each with the same plain columns — type, status, amounts (fen), need category, urgency
// and title; household id, number and address; each member's id, name, birth date and income — and
// the same sealed values. PostGraphile and raw cannot decrypt: they return the stored AES-GCM
// ciphertext of ID numbers and phones, and the CHECKER opens it with the bench's field keys before
// comparing it with the hub's plaintext (the servers under load never decrypt). Members are compared
// as a set per household (by id): the hub orders them by relation to the head (HEAD, SPOUSE, PARENT …,
// a list in the hub's loader), which PostGraphile cannot express (its enum order differs); raw does
// reproduce the hub's order.

export type QueryName = "cases" | "needs";
export const QUERY_NAMES: readonly QueryName[] = ["cases", "needs"];
export type PeerName = "hub" | "postgraphile" | "raw";

export const PAGE_SIZE = 50;

/** The hub loader's member order (modules/households/households.loaders.ts), for the raw statement. */
export const RELATION_ORDER = ["HEAD", "SPOUSE", "PARENT", "GRANDPARENT", "SIBLING", "CHILD", "GRANDCHILD", "OTHER"] as const;

/** Contexts the hub binds to each sealed column (privacy/crypto.ts ENCRYPTED_FIELDS). */
export const SEALED_CONTEXTS = { idNumber: "persons.id_number", phone: "persons.phone" } as const;

const HUB_MEMBERS = "members { id name idNumber phone birthDate monthlyIncome }";
const HUB_HOUSEHOLD = `household { id householdNo address ${HUB_MEMBERS} }`;

/** The hub's operations (what a caseworker's client sends). */
export const HUB_QUERIES: { readonly [Q in QueryName]: string } = {
  cases: `{ cases(first: ${PAGE_SIZE}) { nodes { id caseNo type status monthlyBenefit ${HUB_HOUSEHOLD} } } }`,
  needs: `{ needs(first: ${PAGE_SIZE}) { nodes { id needNo category urgency status title amount ${HUB_HOUSEHOLD} } } }`,
};

/** Name of the condition the PostGraphile peer adds to cases and needs (see servers/postgraphile.ts). */
export const AREA_CONDITION = "areaCodeStartsWith";

/** The same selection through PostGraphile's generated schema (rowId is the primary key; id is its Node ID). */
export function postgraphileQuery(name: QueryName, areaPrefix: string): string {
  if (!/^\d{2,12}$/.test(areaPrefix)) throw new TypeError(`not an area prefix: ${areaPrefix}`);
  const household =
    "householdByHouseholdId { rowId householdNo address " +
    "peopleByHouseholdId { nodes { rowId name idNumberEnc phoneEnc birthDate monthlyIncomeFen } } }";
  const args = `first: ${PAGE_SIZE}, condition: { ${AREA_CONDITION}: "${areaPrefix}" }`;
  return name === "cases"
    ? `{ allCases(${args}, orderBy: CASE_NO_ASC) { nodes { rowId caseNo type status monthlyBenefitFen ${household} } } }`
    : `{ allNeeds(${args}, orderBy: NEED_NO_ASC) { nodes { rowId needNo category urgency status title amountFen ${household} } } }`;
}

const RAW_HOUSEHOLD = `(select json_build_object('id', h.id, 'householdNo', h.household_no, 'address', h.address, 'members',
      coalesce((select json_agg(json_build_object('id', p.id, 'name', p.name, 'idNumber', p.id_number_enc, 'phone', p.phone_enc,
                  'birthDate', p.birth_date, 'monthlyIncomeFen', p.monthly_income_fen)
                order by array_position($2::text[], p.relation_to_head::text), p.birth_date, p.id)
                from persons p where p.household_id = h.id), '[]'::json))
     from households h where h.id = r.household_id and h.area_code like $1)`;

/**
 * The raw peer's one statement per request: $1 the scope's LIKE pattern (`prefix%`), $2 the member
 * order. It returns the whole response body as text, shaped like the hub's `{ data: { <name>: { nodes } } }`.
 * The household re-checks the scope, as the hub's household loader does.
 */
export const RAW_SQL: { readonly [Q in QueryName]: string } = {
  cases: `select json_build_object('data', json_build_object('cases', json_build_object('nodes',
      coalesce(json_agg(json_build_object('id', r.id, 'caseNo', r.case_no, 'type', r.type, 'status', r.status,
        'monthlyBenefitFen', r.monthly_benefit_fen, 'household', ${RAW_HOUSEHOLD}) order by r.case_no), '[]'::json))))::text as body
    from (select * from cases c where c.area_code like $1 order by c.case_no limit ${PAGE_SIZE}) r`,
  needs: `select json_build_object('data', json_build_object('needs', json_build_object('nodes',
      coalesce(json_agg(json_build_object('id', r.id, 'needNo', r.need_no, 'category', r.category, 'urgency', r.urgency,
        'status', r.status, 'title', r.title, 'amountFen', r.amount_fen, 'household', ${RAW_HOUSEHOLD}) order by r.need_no), '[]'::json))))::text as body
    from (select * from needs n where n.area_code like $1 order by n.need_no limit ${PAGE_SIZE}) r`,
};

// --- one form for the three answers ---------------------------------------------------------------

export interface BenchMember {
  readonly id: string;
  readonly name: string | null;
  readonly idNumber: string | null;
  readonly phone: string | null;
  readonly birthDate: string | null;
  readonly monthlyIncomeFen: number | null;
}

export interface BenchHousehold {
  readonly id: string;
  readonly householdNo: string;
  readonly address: string | null;
  readonly members: readonly BenchMember[];
}

export interface BenchRecord {
  readonly id: string;
  /** Case or need number: the sort key. */
  readonly no: string;
  /** Plain columns: cases type, status, monthlyBenefitFen; needs category, urgency, status, title, amountFen. */
  readonly columns: Readonly<Record<string, string | number | null>>;
  readonly household: BenchHousehold | null;
}

/** Opens a sealed value stored in a column (the checker holds the bench's field keys). */
export type OpenSealed = (value: string, context: string) => string;

type Json = Record<string, unknown>;

export class BenchCheckError extends Error {
  override readonly name = "BenchCheckError";
}

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new BenchCheckError(`${where}: expected an object, got ${JSON.stringify(value)?.slice(0, 200)}`);
  return value as Json;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new BenchCheckError(`${where}: expected a list, got ${JSON.stringify(value)?.slice(0, 200)}`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string") throw new BenchCheckError(`${where}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function textOrNull(value: unknown, where: string): string | null {
  return value === null || value === undefined ? null : text(value, where);
}

function intOrNull(value: unknown, where: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isSafeInteger(value)) throw new BenchCheckError(`${where}: expected an integer, got ${JSON.stringify(value)}`);
  return value as number;
}

/** The hub's Money scalar (`"1234.50"`, decimal yuan) as fen. */
function moneyToFen(value: unknown, where: string): number | null {
  if (value === null || value === undefined) return null;
  const m = /^(-)?(\d+)\.(\d{2})$/.exec(text(value, where));
  if (!m) throw new BenchCheckError(`${where}: not a Money value: ${JSON.stringify(value)}`);
  const fen = Number(m[2]) * 100 + Number(m[3]);
  return m[1] ? -fen : fen;
}

/** `data.<field>.nodes` of a GraphQL-shaped body; GraphQL errors are a failed check. */
function nodesOf(body: unknown, field: string, peer: string): unknown[] {
  const top = object(body, peer);
  if (top.errors !== undefined) throw new BenchCheckError(`${peer}: the response has errors: ${JSON.stringify(top.errors).slice(0, 500)}`);
  const data = object(top.data, `${peer}.data`);
  return list(object(data[field], `${peer}.data.${field}`).nodes, `${peer}.data.${field}.nodes`);
}

function columnsOf(name: QueryName, node: Json, where: string, money: (v: unknown, w: string) => number | null, moneyField: { benefit: string; amount: string }): Record<string, string | number | null> {
  return name === "cases"
    ? {
        type: textOrNull(node.type, `${where}.type`),
        status: textOrNull(node.status, `${where}.status`),
        monthlyBenefitFen: money(node[moneyField.benefit], `${where}.${moneyField.benefit}`),
      }
    : {
        category: textOrNull(node.category, `${where}.category`),
        urgency: textOrNull(node.urgency, `${where}.urgency`),
        status: textOrNull(node.status, `${where}.status`),
        title: textOrNull(node.title, `${where}.title`),
        amountFen: money(node[moneyField.amount], `${where}.${moneyField.amount}`),
      };
}

const NUMBER_FIELD: { readonly [Q in QueryName]: string } = { cases: "caseNo", needs: "needNo" };

/** The hub's answer (plaintext sealed values, Money as decimal yuan). */
export function recordsFromHub(name: QueryName, body: unknown): BenchRecord[] {
  return nodesOf(body, name, "hub").map((n, i) => {
    const where = `hub.${name}[${i}]`;
    const node = object(n, where);
    const h = node.household === null ? null : object(node.household, `${where}.household`);
    return {
      id: text(node.id, `${where}.id`),
      no: text(node[NUMBER_FIELD[name]], `${where}.${NUMBER_FIELD[name]}`),
      columns: columnsOf(name, node, where, moneyToFen, { benefit: "monthlyBenefit", amount: "amount" }),
      household: h && {
        id: text(h.id, `${where}.household.id`),
        householdNo: text(h.householdNo, `${where}.household.householdNo`),
        address: textOrNull(h.address, `${where}.household.address`),
        members: list(h.members, `${where}.household.members`).map((m, j) => {
          const w = `${where}.household.members[${j}]`;
          const p = object(m, w);
          return {
            id: text(p.id, `${w}.id`),
            name: textOrNull(p.name, `${w}.name`),
            idNumber: textOrNull(p.idNumber, `${w}.idNumber`),
            phone: textOrNull(p.phone, `${w}.phone`),
            birthDate: textOrNull(p.birthDate, `${w}.birthDate`),
            monthlyIncomeFen: moneyToFen(p.monthlyIncome, `${w}.monthlyIncome`),
          };
        }),
      },
    };
  });
}

function openOrNull(open: OpenSealed, value: unknown, context: string, where: string): string | null {
  const sealed = textOrNull(value, where);
  if (sealed === null) return null;
  try {
    return open(sealed, context);
  } catch (error) {
    throw new BenchCheckError(`${where}: the stored value does not open as ${context}: ${(error as Error).message}`);
  }
}

/** PostGraphile's answer (rowId, *Fen integers, ciphertext of sealed columns, members as a connection). */
export function recordsFromPostGraphile(name: QueryName, body: unknown, open: OpenSealed): BenchRecord[] {
  const field = name === "cases" ? "allCases" : "allNeeds";
  return nodesOf(body, field, "postgraphile").map((n, i) => {
    const where = `postgraphile.${field}[${i}]`;
    const node = object(n, where);
    const h = node.householdByHouseholdId === null ? null : object(node.householdByHouseholdId, `${where}.householdByHouseholdId`);
    return {
      id: text(node.rowId, `${where}.rowId`),
      no: text(node[NUMBER_FIELD[name]], `${where}.${NUMBER_FIELD[name]}`),
      columns: columnsOf(name, node, where, intOrNull, { benefit: "monthlyBenefitFen", amount: "amountFen" }),
      household: h && {
        id: text(h.rowId, `${where}.household.rowId`),
        householdNo: text(h.householdNo, `${where}.household.householdNo`),
        address: textOrNull(h.address, `${where}.household.address`),
        members: list(object(h.peopleByHouseholdId, `${where}.household.peopleByHouseholdId`).nodes, `${where}.household.peopleByHouseholdId.nodes`).map((m, j) => {
          const w = `${where}.household.people[${j}]`;
          const p = object(m, w);
          return {
            id: text(p.rowId, `${w}.rowId`),
            name: textOrNull(p.name, `${w}.name`),
            idNumber: openOrNull(open, p.idNumberEnc, SEALED_CONTEXTS.idNumber, `${w}.idNumberEnc`),
            phone: openOrNull(open, p.phoneEnc, SEALED_CONTEXTS.phone, `${w}.phoneEnc`),
            birthDate: textOrNull(p.birthDate, `${w}.birthDate`),
            monthlyIncomeFen: intOrNull(p.monthlyIncomeFen, `${w}.monthlyIncomeFen`),
          };
        }),
      },
    };
  });
}

/** The raw statement's answer (hub-shaped JSON, *Fen integers, ciphertext of sealed columns). */
export function recordsFromRaw(name: QueryName, body: unknown, open: OpenSealed): BenchRecord[] {
  return nodesOf(body, name, "raw").map((n, i) => {
    const where = `raw.${name}[${i}]`;
    const node = object(n, where);
    const h = node.household === null ? null : object(node.household, `${where}.household`);
    return {
      id: text(node.id, `${where}.id`),
      no: text(node[NUMBER_FIELD[name]], `${where}.${NUMBER_FIELD[name]}`),
      columns: columnsOf(name, node, where, intOrNull, { benefit: "monthlyBenefitFen", amount: "amountFen" }),
      household: h && {
        id: text(h.id, `${where}.household.id`),
        householdNo: text(h.householdNo, `${where}.household.householdNo`),
        address: textOrNull(h.address, `${where}.household.address`),
        members: list(h.members, `${where}.household.members`).map((m, j) => {
          const w = `${where}.household.members[${j}]`;
          const p = object(m, w);
          return {
            id: text(p.id, `${w}.id`),
            name: textOrNull(p.name, `${w}.name`),
            idNumber: openOrNull(open, p.idNumber, SEALED_CONTEXTS.idNumber, `${w}.idNumber`),
            phone: openOrNull(open, p.phone, SEALED_CONTEXTS.phone, `${w}.phone`),
            birthDate: textOrNull(p.birthDate, `${w}.birthDate`),
            monthlyIncomeFen: intOrNull(p.monthlyIncomeFen, `${w}.monthlyIncomeFen`),
          };
        }),
      },
    };
  });
}

export function recordsFrom(peer: PeerName, name: QueryName, body: unknown, open: OpenSealed): BenchRecord[] {
  switch (peer) {
    case "hub":
      return recordsFromHub(name, body);
    case "postgraphile":
      return recordsFromPostGraphile(name, body, open);
    case "raw":
      return recordsFromRaw(name, body, open);
  }
}

const MAX_DIFFERENCES = 10;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function byId<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/**
 * Where `actual` differs from `expected` (the hub's), as readable lines; empty when they are the same
 * records: same count, same order of ids and numbers, same columns, same household and member set.
 */
export function compareRecordSets(expected: readonly BenchRecord[], actual: readonly BenchRecord[]): string[] {
  const out: string[] = [];
  const add = (line: string) => {
    if (out.length < MAX_DIFFERENCES) out.push(line);
  };
  if (expected.length !== actual.length) add(`${actual.length} records, expected ${expected.length}`);
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n && out.length < MAX_DIFFERENCES; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const at = `[${i}] ${e.no}`;
    if (e.id !== a.id || e.no !== a.no) {
      add(`${at}: record ${a.no} (${a.id}), expected ${e.no} (${e.id})`);
      continue;
    }
    for (const key of new Set([...Object.keys(e.columns), ...Object.keys(a.columns)])) {
      if (!same(e.columns[key] ?? null, a.columns[key] ?? null)) add(`${at}.${key}: ${JSON.stringify(a.columns[key])}, expected ${JSON.stringify(e.columns[key])}`);
    }
    if (e.household === null || a.household === null) {
      if (e.household !== a.household) add(`${at}.household: ${a.household ? a.household.householdNo : "null"}, expected ${e.household ? e.household.householdNo : "null"}`);
      continue;
    }
    const eh = e.household;
    const ah = a.household;
    if (eh.id !== ah.id || eh.householdNo !== ah.householdNo || eh.address !== ah.address) {
      add(`${at}.household: ${ah.householdNo} (${ah.id}, ${JSON.stringify(ah.address)}), expected ${eh.householdNo} (${eh.id}, ${JSON.stringify(eh.address)})`);
    }
    const em = byId(eh.members);
    const am = byId(ah.members);
    if (em.length !== am.length || em.some((m, j) => m.id !== am[j]!.id)) {
      add(`${at}.household.members: ${am.map((m) => m.id).join(",")}, expected ${em.map((m) => m.id).join(",")}`);
      continue;
    }
    em.forEach((m, j) => {
      const other = am[j]!;
      for (const key of ["name", "idNumber", "phone", "birthDate", "monthlyIncomeFen"] as const) {
        // Values are not printed: they are (fictional) personal data, and the key says enough.
        if (m[key] !== other[key]) add(`${at}.household.members[${m.id}].${key} differs`);
      }
    });
  }
  return out;
}

/** Members in the order they were returned, for checking that a peer kept the hub's order. */
export function memberOrder(records: readonly BenchRecord[]): string[] {
  return records.flatMap((r) => (r.household ? r.household.members.map((m) => m.id) : []));
}
