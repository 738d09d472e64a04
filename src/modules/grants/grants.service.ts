import type { Loaders } from "../../context.type.js";
import { DataCategory } from "../../privacy/categories.js";
import type { Grant } from "../../privacy/project.js";
import { NO_GRANT, type RecordScope } from "../../privacy/scope.js";

/**
 * The grant each household is seen under. For jurisdiction and self scopes it is the scope's own;
 * for GRANTED scopes it is the union of the organization's live grants on that household (their
 * categories as the ceiling) plus the household's live consents to this caller: two batched
 * queries for a whole page, whatever its size.
 */
export async function grantResolver(args: {
  loaders: Pick<Loaders, "grantsByHousehold" | "consentsByHousehold">;
  scope: RecordScope;
  householdIds: readonly string[];
}): Promise<(householdId: string) => Grant> {
  const { scope } = args;
  if (scope.kind !== "GRANTED") return () => scope.grant;
  const { grantsByHousehold, consentsByHousehold } = args.loaders;
  const unique = [...new Set(args.householdIds)];
  const [grants, consents] = await Promise.all([grantsByHousehold.loadMany(unique), consentsByHousehold.loadMany(unique)]);
  // A failed lookup is an outage, not "no grant": report it rather than silently hide the data.
  const failure = [...grants, ...consents].find((r): r is Error => r instanceof Error);
  if (failure) throw failure;
  const byHousehold = new Map<string, Grant>();
  unique.forEach((householdId, i) => {
    const live = grants[i] as Exclude<(typeof grants)[number], Error>;
    const consented = consents[i] as Exclude<(typeof consents)[number], Error>;
    if (live.length === 0) return;
    const allowed = new Set(live.flatMap((g) => g.categories));
    byHousehold.set(householdId, {
      relationship: live[0]!.relationship,
      caps: Object.fromEntries(DataCategory.values.filter((c) => c !== "BASIC" && !allowed.has(c)).map((c) => [c, "WITHHELD"])),
      consented,
    });
  });
  return (householdId) => byHousehold.get(householdId) ?? NO_GRANT;
}
