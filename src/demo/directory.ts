import type { OrgKind } from "../modules/organizations/organizations.enums.js";
import type { DemoOrganizationRow } from "./model.js";
import { DEMO_ORGANIZATIONS } from "./organizations.js";
import { stableUuid } from "./prng.js";

/**
 * The demo organizations as rows. Their ids depend only on the code, not on the seed: tokens and
 * bookmarks name organizations, and they should survive a re-seed with another seed.
 */
export function demoOrganizationRows(): DemoOrganizationRow[] {
  return DEMO_ORGANIZATIONS.map((o) => ({
    id: stableUuid("organization", o.code),
    code: o.code,
    kind: o.kind,
    nameZh: o.nameZh,
    nameEn: o.nameEn,
    jurisdictionAreaCode: o.jurisdictionAreaCode,
    issuer: o.issuer,
  }));
}

/** Looks up the organizations the generator links rows to. */
export interface OrgDirectory {
  readonly civilAffairsId: string;
  idOfCode(code: string): string;
  /** The single organization of a kind (bureaus); throws when there is not exactly one. */
  idOfKind(kind: OrgKind): string;
  /** The subdistrict office whose jurisdiction contains a community code. */
  subdistrictIdFor(communityCode: string): string;
  /** The community (居委会) organization of a community code. */
  communityIdFor(communityCode: string): string;
}

export function orgDirectory(rows: readonly DemoOrganizationRow[]): OrgDirectory {
  const find = (test: (row: DemoOrganizationRow) => boolean, what: string): string => {
    const found = rows.filter(test);
    if (found.length !== 1) throw new Error(`demo organizations: expected exactly one ${what}, found ${found.length}`);
    return found[0]!.id;
  };
  return {
    civilAffairsId: find((r) => r.kind === "CIVIL_AFFAIRS", "civil affairs bureau"),
    idOfCode: (code) => find((r) => r.code === code, `organization ${code}`),
    idOfKind: (kind) => find((r) => r.kind === kind, `organization of kind ${kind}`),
    subdistrictIdFor: (communityCode) =>
      find(
        (r) => r.kind === "SUBDISTRICT" && r.jurisdictionAreaCode === `${communityCode.slice(0, 9)}000`,
        `subdistrict for ${communityCode}`,
      ),
    communityIdFor: (communityCode) =>
      find((r) => r.kind === "COMMUNITY" && r.jurisdictionAreaCode === communityCode, `community ${communityCode}`),
  };
}
