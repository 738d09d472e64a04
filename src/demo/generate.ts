import { parseIsoDate } from "./calendar.js";
import { generateCases } from "./cases.js";
import { demoOrganizationRows, orgDirectory } from "./directory.js";
import { generateHouseholds } from "./households.js";
import type { DemoDistrict } from "./model.js";
import { generateNeeds } from "./needs.js";
import { profileHousehold } from "./profile.js";
import { createPrng } from "./prng.js";
import { generateResources } from "./resources.js";

export type {
  DemoCaseRow,
  DemoDistrict,
  DemoHouseholdRow,
  DemoNeedRow,
  DemoOrganizationRow,
  DemoPersonRow,
  DemoResourceRow,
  DemoTag,
} from "./model.js";
export { DEMO_STANDARDS, DEMO_TAGS } from "./model.js";

export interface DemoDistrictOptions {
  /** PRNG seed; the same seed (and options) always yields the same district. */
  readonly seed?: number;
  /** Number of households; persons, cases and needs scale with it. */
  readonly households?: number;
  /** The demo's "today" (`YYYY-MM-DD`): ages, case dates and windows are relative to it. */
  readonly today?: string;
}

export const DEMO_DEFAULTS = { seed: 20_210_526, households: 320, today: "2026-11-01" } as const;

/**
 * The clearly fictional demo district as plain insert rows with deterministic ids. Pure: no
 * clock, no I/O, no global randomness — the same options give deep-equal output.
 */
export function generateDemoDistrict(options: DemoDistrictOptions = {}): DemoDistrict {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const householdCount = options.households ?? DEMO_DEFAULTS.households;
  const today = options.today ?? DEMO_DEFAULTS.today;
  if (!Number.isSafeInteger(seed)) throw new TypeError(`seed must be a safe integer, got ${seed}`);
  if (!Number.isInteger(householdCount) || householdCount < 0 || householdCount > 999_999) {
    throw new TypeError(`households must be an integer in 0..999999, got ${householdCount}`);
  }
  parseIsoDate(today);

  // One independent stream per section: changing how many needs are drawn never moves a household.
  const root = createPrng(seed);
  const organizations = demoOrganizationRows();
  const orgs = orgDirectory(organizations);
  const households = generateHouseholds({ rng: root.fork("households"), seed, today, count: householdCount });
  const profiles = households.map((h) => profileHousehold(h, today));
  const cases = generateCases({ rng: root.fork("cases"), seed, today, profiles, orgs });
  const needs = generateNeeds({
    rng: root.fork("needs"),
    seed,
    today,
    // About one need for every two households: ~150 for the default 320.
    count: Math.round(householdCount * 0.47),
    profiles,
    cases,
    orgs,
  });
  return {
    organizations,
    households: households.map((h) => h.row),
    persons: households.flatMap((h) => h.members),
    cases,
    needs,
    resources: generateResources({ today, orgs }),
  };
}
