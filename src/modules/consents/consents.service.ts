import { appendChangeEntries, changeEntriesFor } from "../../audit/index.js";
import type { Viewer } from "../../context.type.js";
import type { Database } from "../../db/client.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../../db/errors.js";
import { CONSENT_REQUIRED_KINDS } from "../../privacy/policy.js";
import { defineCatalogue } from "../../privacy/project.js";
import { textOrThrow, uuidOrThrow } from "../../shared/validate.js";
import { HouseholdError, householdInScope } from "../households/index.js";
import { OrganizationDirectory, organizationView } from "../organizations/index.js";
import { consentsOfHousehold, findConsent } from "./consents.repository.js";
import { consents, type ConsentRow } from "./consents.table.js";
import { ConsentError } from "./consents.errors.js";
import { validateConsent, type RecordConsentData } from "./consents.validation.js";
import type { ConsentView } from "./consents.views.js";

// Consent metadata (who, for what, until when) is not household data; the change log may show it.
const CONSENT_CATALOGUE = defineCatalogue<{ id: string; householdId: string; action: string; recipient: string; categories: string; expiresAt: string; withdrawsId: string }>(
  "Consent",
  { id: "id", household: "householdId" },
  {
    id: { category: "BASIC" },
    householdId: { category: "BASIC" },
    action: { category: "BASIC" },
    recipient: { category: "BASIC" },
    categories: { category: "BASIC" },
    expiresAt: { category: "BASIC" },
    withdrawsId: { category: "BASIC" },
  },
);

/** The change-log entries of a new consent record, in the record's own transaction. */
async function logConsent(tx: Database, viewer: Viewer, created: ConsentRow, after: Record<string, string | null>): Promise<void> {
  await appendChangeEntries(
    tx,
    changeEntriesFor({ principal: viewer.principal, requestId: viewer.requestId, catalogue: CONSENT_CATALOGUE, entityId: created.id, householdId: created.householdId, before: null, after }),
  );
}

async function requireHousehold(viewer: Viewer, householdId: string): Promise<void> {
  if (!(await householdInScope(viewer, householdId))) {
    viewer.audit.denied("Household", "NOT_IN_SCOPE", householdId, householdId);
    throw new HouseholdError("HOUSEHOLD_NOT_FOUND", "household not found");
  }
}

export async function recordConsent(viewer: Viewer, input: RecordConsentData): Promise<ConsentView> {
  const { principal } = viewer;
  const householdId = uuidOrThrow(input.householdId, "input.householdId");
  const now = new Date();
  const valid = validateConsent(input, now);
  await requireHousehold(viewer, householdId);
  let recipientOrgId: string | null = null;
  if ("orgCode" in valid.recipient) {
    const org = await new OrganizationDirectory(viewer.db, 0).systemFindByCode(valid.recipient.orgCode);
    if (!org) throw ConsentError.atField("UNKNOWN_RECIPIENT", "recipientOrgCode names no registered organization", "input.recipientOrgCode");
    if (!CONSENT_REQUIRED_KINDS.has(org.kind)) {
      throw ConsentError.atField("RECIPIENT_NOT_CONSENT_BASED", `organizations of kind ${org.kind} act under legal basis, not consent`, "input.recipientOrgCode");
    }
    recipientOrgId = org.id;
  }
  const row = await viewer.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(consents)
      .values({
        householdId,
        action: "GRANT",
        recipientOrgId,
        recipientOrgKind: "orgKind" in valid.recipient ? valid.recipient.orgKind : null,
        purpose: valid.purpose,
        categories: valid.categories,
        validFrom: now,
        expiresAt: valid.expiresAt,
        evidenceRef: valid.evidenceRef,
        recordedByOrgId: principal.org.id,
        recordedBySubject: principal.subject,
      })
      .returning();
    await logConsent(tx, viewer, created!, {
      action: "GRANT",
      recipient: recipientOrgId ?? created!.recipientOrgKind,
      categories: valid.categories.join(","),
      expiresAt: valid.expiresAt.toISOString(),
    });
    return created!;
  });
  return (await consentViews(viewer, [row], new Set()))[0]!;
}

export async function withdrawConsent(viewer: Viewer, input: { consentId: string; evidenceRef: string }): Promise<ConsentView> {
  const { principal } = viewer;
  const consentId = uuidOrThrow(input.consentId, "input.consentId");
  const evidenceRef = textOrThrow(input.evidenceRef, { field: "input.evidenceRef", min: 1, max: 100 });
  const found = await findConsent(viewer.db, consentId);
  if (!found || found.consent.action !== "GRANT" || !(await householdInScope(viewer, found.consent.householdId))) {
    viewer.audit.denied("Consent", "NOT_IN_SCOPE", consentId);
    throw new ConsentError("CONSENT_NOT_FOUND", "consent not found");
  }
  if (found.withdrawn) throw new ConsentError("CONSENT_ALREADY_WITHDRAWN", "this consent has already been withdrawn");
  const grant = found.consent;
  let row: ConsentRow;
  try {
    row = await viewer.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(consents)
        .values({
          householdId: grant.householdId,
          action: "WITHDRAW",
          withdrawsId: grant.id,
          purpose: grant.purpose,
          categories: grant.categories,
          evidenceRef,
          recordedByOrgId: principal.org.id,
          recordedBySubject: principal.subject,
        })
        .returning();
      await logConsent(tx, viewer, created!, { action: "WITHDRAW", withdrawsId: grant.id });
      return created!;
    });
  } catch (err) {
    // Two withdrawals at once: the unique index lets one win.
    if (databaseErrorOf(err)?.code === UNIQUE_VIOLATION) throw new ConsentError("CONSENT_ALREADY_WITHDRAWN", "this consent has already been withdrawn");
    throw err;
  }
  return (await consentViews(viewer, [row], new Set()))[0]!;
}

export async function listConsents(viewer: Viewer, householdIdArg: string): Promise<ConsentView[]> {
  const householdId = uuidOrThrow(householdIdArg, "householdId");
  await requireHousehold(viewer, householdId);
  const rows = await consentsOfHousehold(viewer.db, householdId);
  const withdrawn = new Set(rows.flatMap((r) => (r.withdrawsId ? [r.withdrawsId] : [])));
  return consentViews(viewer, rows, withdrawn);
}

async function consentViews(viewer: Viewer, rows: ConsentRow[], withdrawn: ReadonlySet<string>): Promise<ConsentView[]> {
  const now = Date.now();
  const orgs = await viewer.loaders.organizationById.loadMany(rows.flatMap((r) => (r.recipientOrgId ? [r.recipientOrgId] : [])));
  const byId = new Map(orgs.flatMap((o) => (o && !(o instanceof Error) ? [[o.id, o] as const] : [])));
  return rows.map((r) => {
    // A consent record names the household and whom it trusts with what: every read is logged.
    viewer.audit.disclosed("Consent", r.id, r.householdId, []);
    const isWithdrawn = withdrawn.has(r.id);
    const org = r.recipientOrgId ? byId.get(r.recipientOrgId) : undefined;
    return {
      id: r.id,
      householdId: r.householdId,
      action: r.action,
      withdrawsId: r.withdrawsId,
      recipientOrganization: org ? organizationView(org) : null,
      recipientOrgKind: r.recipientOrgKind,
      purpose: r.purpose,
      categories: r.categories,
      validFrom: r.validFrom.toISOString(),
      expiresAt: r.expiresAt?.toISOString() ?? null,
      evidenceRef: r.evidenceRef,
      withdrawn: isWithdrawn,
      live: r.action === "GRANT" && !isWithdrawn && r.validFrom.getTime() <= now && (r.expiresAt?.getTime() ?? 0) > now,
      createdAt: r.createdAt.toISOString(),
    };
  });
}
