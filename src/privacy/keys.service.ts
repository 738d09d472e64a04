import { appendChangeEntries, type ChangeEntry } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { viewerOf } from "../context.js";
import { ConflictError } from "../shared/errors.js";
import { KeyRotationError, rotateKeyFile } from "./rotate.js";
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
  try {
    const rotation = await rotateKeyFile({
      db: ctx.db,
      file,
      cipher: ctx.cipher,
      retire: args.retire,
      onKeyAdded: async ({ previous, active }) => {
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
      },
    });
    return {
      active: rotation.active,
      previous: rotation.previous,
      reencrypted: rotation.reencrypted.map((c) => ({ column: c.column, values: c.reencrypted })),
      retired: rotation.retired?.removed ?? [],
      stillInUse: Object.entries(rotation.retired?.inUse ?? {}).map(([keyId, values]) => ({ keyId, values })),
    };
  } catch (error) {
    // Names a row id and a key id, never a value; the new key stays active and a rerun continues.
    if (error instanceof KeyRotationError) throw new ConflictError(error.message);
    throw error;
  }
}
