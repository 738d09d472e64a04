import type { Principal } from "../../src/auth/principal.js";
import { ROLES_BY_ORG_KIND, type OrgKind, type Role } from "../../src/modules/organizations/organizations.enums.js";

/** A principal for pure policy tests (no database, no token). */
export function principal(kind: OrgKind, role: Role = ROLES_BY_ORG_KIND[kind][0]!, area = "130104000000"): Principal {
  return {
    subject: `test-${kind.toLowerCase()}`,
    issuer: "urn:test",
    role,
    purpose: null,
    householdId: kind === "RESIDENT" ? "00000000-0000-4000-8000-000000000001" : null,
    org: {
      id: "00000000-0000-4000-8000-0000000000aa",
      code: `T-${kind}`,
      kind,
      nameZh: "测试机构",
      nameEn: null,
      jurisdictionAreaCode: area,
    },
  };
}
