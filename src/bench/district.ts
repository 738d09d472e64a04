import type { DbHandle } from "../db/client.js";
import { seedDemoDistrict, type DemoSeedCounts } from "../demo/seed.js";
import type { FieldCipher } from "../privacy/crypto.js";

export type BenchSeedCounts = DemoSeedCounts;

/** The demo district (or a larger one with the same generator), seeded through the hub's seed path. */
export async function seedBenchDistrict(handle: DbHandle, cipher: FieldCipher, households?: number): Promise<BenchSeedCounts> {
  return seedDemoDistrict(handle.db, cipher, households === undefined ? undefined : { households });
}
