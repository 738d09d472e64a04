import { appendChangeEntries, type ChangeEntry } from "../../audit/index.js";
import type { Viewer } from "../../context.type.js";
import { KeyRotationError, rotateKeyFile } from "../../privacy/rotate.js";
import { FieldKeyError } from "./field-keys.errors.js";

/** The outcome of one rotation, as the API shows it. */
export interface FieldKeyRotation {
  readonly active: string;
  readonly previous: string;
  readonly reencrypted: ReadonlyArray<{ readonly column: string; readonly values: number }>;
  readonly retired: readonly string[];
  readonly stillInUse: ReadonlyArray<{ readonly keyId: string; readonly values: number }>;
}

// Key rotation inside the running hub: what `npm run keys:rotate` does, for the deployment where no
// other process may open the database (embedded PGlite, see db/lock.ts). Reads keep being served
// between the re-encryption batches. Rotations in one process run one after another.

let running: Promise<unknown> = Promise.resolve();

export function rotateFieldKeys(viewer: Viewer, args: { retire: boolean }): Promise<FieldKeyRotation> {
  const run = running.then(() => rotateNow(viewer, args));
  running = run.catch(() => {});
  return run;
}

async function rotateNow(viewer: Viewer, args: { retire: boolean }): Promise<FieldKeyRotation> {
  const { principal, db, cipher } = viewer;
  const file = cipher.source;
  if (!file) throw new FieldKeyError("NO_KEY_FILE", "this hub's field keys are not held in a key file it can rotate");
  try {
    const rotation = await rotateKeyFile({
      db,
      file,
      cipher,
      retire: args.retire,
      onKeyAdded: async ({ previous, active }) => {
        const change: ChangeEntry = {
          at: new Date(),
          requestId: viewer.requestId,
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
        await db.transaction((tx) => appendChangeEntries(tx, [change]));
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
    if (error instanceof KeyRotationError) throw new FieldKeyError("ROTATION_INCOMPLETE", error.message);
    throw error;
  }
}
