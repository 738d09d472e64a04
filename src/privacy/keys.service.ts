import { appendChangeEntries, type ChangeEntry } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { viewerOf } from "../context.js";
import { ConflictError } from "../shared/errors.js";
import { KeyRotationError, addActiveKey, reencryptAll, retireUnusedKeys } from "./rotate.js";
import type { FieldKeyRotationType } from "./keys.type.js";

// Key rotation inside the running hub: what `npm run keys:rotate` does, for the deployment where no
// other process may open the database (embedded PGlite, see db/lock.ts). Reads keep being served
// between the re-encryption batches. Rotations in one process run one after another.

let running: Promise<unknown> = Promise.resolve();

export function rotateFieldKeys(ctx: HubContext, args: { retire: boolean }): Promise<FieldKeyRotationType> {
  const run = running.then(() => rotateNow(ctx, args));
  running = run.catch(() => {});
  return run;
}

async function rotateNow(ctx: HubContext, args: { retire: boolean }): Promise<FieldKeyRotationType> {
  const { principal } = viewerOf(ctx);
  const file = ctx.cipher.source;
  if (!file) throw new ConflictError("this hub's field keys are not held in a key file it can rotate");
  const { previous, active } = addActiveKey(file);
  ctx.cipher.reloadKeys();
  const change: ChangeEntry = {
    at: new Date(),
    requestId: ctx.requestId,
    subject: principal.subject,
    orgCode: principal.org.code,
    role: principal.role,
    entityType: "FieldKeys",
    entityId: "active",
    householdId: null,
    field: "activeKeyId",
    oldValue: previous,
    newValue: active,
    sensitive: false,
  };
  await ctx.db.transaction((tx) => appendChangeEntries(tx, [change], ctx.cipher.auditKey));
  try {
    const columns = await reencryptAll({ db: ctx.db, cipher: ctx.cipher });
    const result: FieldKeyRotationType = {
      active,
      previous,
      reencrypted: columns.map((c) => ({ column: c.column, values: c.reencrypted })),
      retired: [],
      stillInUse: [],
    };
    if (args.retire) {
      const { removed, inUse } = await retireUnusedKeys(ctx.db, file);
      ctx.cipher.reloadKeys();
      result.retired = removed;
      result.stillInUse = Object.entries(inUse).map(([keyId, values]) => ({ keyId, values }));
    }
    return result;
  } catch (error) {
    // Names a row id and a key id, never a value; the new key stays active and a rerun continues.
    if (error instanceof KeyRotationError) throw new ConflictError(error.message);
    throw error;
  }
}
