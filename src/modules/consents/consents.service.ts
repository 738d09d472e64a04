import { appendChangeEntries, changeEntriesFor } from "../../audit/index.js";
import type { HubContext } from "../../context.js";
import { viewerOf } from "../../context.js";
import type { Database } from "../../db/client.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../../db/errors.js";
import { CONSENT_REQUIRED_KINDS } from "../../privacy/policy.js";
import { defineCatalogue } from "../../privacy/project.js";
import { ConflictError, InputError, NotFoundError } from "../../shared/errors.js";
import { uuidOrThrow } from "../../shared/validate.js";
import { householdInScope } from "../households/index.js";
import { OrganizationDirectory, organizationView } from "../organizations/index.js";
import { consentsOfHousehold, findConsent } from "./consents.repository.js";
import { consents, type ConsentRow } from "./consents.table.js";
import type { ConsentType } from "./consents.type.js";
import { validateConsent, validateText, type RecordConsentData } from "./consents.validation.js";

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
async function logConsent(tx: Database, ctx: HubContext, created: ConsentRow, after: Record<string, string | null>): Promise<void> {
  const { principal } = viewerOf(ctx);
  await appendChangeEntries(
    tx,
    changeEntriesFor({ principal, requestId: ctx.requestId, catalogue: CONSENT_CATALOGUE, entityId: created.id, householdId: created.householdId, before: null, after }),
    ctx.cipher.auditKey,
  );
}

async function requireHousehold(ctx: HubContext, householdId: string): Promise<void> {
  if (!(await householdInScope(ctx, householdId))) {
    ctx.audit.denied("Household", "NOT_IN_SCOPE", householdId, householdId);
    throw new NotFoundError("household");
  }
}

export async function recordConsent(ctx: HubContext, input: RecordConsentData): Promise<ConsentType> {
  const { principal } = viewerOf(ctx);
  const householdId = uuidOrThrow(input.householdId, "input.householdId");
  const now = new Date();
  const valid = validateConsent(input, now);
  await requireHousehold(ctx, householdId);
  let recipientOrgId: string | null = null;
  if ("orgCode" in valid.recipient) {
    const org = await new OrganizationDirectory(ctx.db, 0).systemFindByCode(valid.recipient.orgCode);
    if (!org) throw new InputError("recipientOrgCode names no registered organization", "input.recipientOrgCode");
    if (!CONSENT_REQUIRED_KINDS.has(org.kind)) {
      throw new InputError(`organizations of kind ${org.kind} act under legal basis, not consent`, "input.recipientOrgCode");
    }
    recipientOrgId = org.id;
  }
  const row = await ctx.db.transaction(async (tx) => {
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
    await logConsent(tx, ctx, created!, {
      action: "GRANT",
      recipient: recipientOrgId ?? created!.recipientOrgKind,
      categories: valid.categories.join(","),
      expiresAt: valid.expiresAt.toISOString(),
    });
    return created!;
  });
  return (await consentViews(ctx, [row], new Set()))[0]!;
}

export async function withdrawConsent(ctx: HubContext, input: { consentId: string; evidenceRef: string }): Promise<ConsentType> {
  const { principal } = viewerOf(ctx);
  const consentId = uuidOrThrow(input.consentId, "input.consentId");
  const evidenceRef = validateText(input.evidenceRef, "input.evidenceRef", 1, 100);
  const found = await findConsent(ctx.db, consentId);
  if (!found || found.consent.action !== "GRANT" || !(await householdInScope(ctx, found.consent.householdId))) {
    ctx.audit.denied("Consent", "NOT_IN_SCOPE", consentId);
    throw new NotFoundError("consent");
  }
  if (found.withdrawn) throw new ConflictError("this consent has already been withdrawn");
  const grant = found.consent;
  let row: ConsentRow;
  try {
    row = await ctx.db.transaction(async (tx) => {
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
      await logConsent(tx, ctx, created!, { action: "WITHDRAW", withdrawsId: grant.id });
      return created!;
    });
  } catch (err) {
    // Two withdrawals at once: the unique index lets one win.
    if (databaseErrorOf(err)?.code === UNIQUE_VIOLATION) throw new ConflictError("this consent has already been withdrawn");
    throw err;
  }
  return (await consentViews(ctx, [row], new Set()))[0]!;
}

export async function listConsents(ctx: HubContext, householdIdArg: string): Promise<ConsentType[]> {
  const householdId = uuidOrThrow(householdIdArg, "householdId");
  await requireHousehold(ctx, householdId);
  const rows = await consentsOfHousehold(ctx.db, householdId);
  const withdrawn = new Set(rows.flatMap((r) => (r.withdrawsId ? [r.withdrawsId] : [])));
  return consentViews(ctx, rows, withdrawn);
}

async function consentViews(ctx: HubContext, rows: ConsentRow[], withdrawn: ReadonlySet<string>): Promise<ConsentType[]> {
  const now = Date.now();
  const orgs = await ctx.loaders.organizationById.loadMany(rows.flatMap((r) => (r.recipientOrgId ? [r.recipientOrgId] : [])));
  const byId = new Map(orgs.flatMap((o) => (o && !(o instanceof Error) ? [[o.id, o] as const] : [])));
  return rows.map((r) => {
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
