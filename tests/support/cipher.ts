import { randomBytes } from "node:crypto";
import { FieldCipher } from "../../src/privacy/crypto.js";

/** A cipher with fresh random keys, for tests that never touch a key file. */
export function testCipher(): FieldCipher {
  return new FieldCipher({ activeKeyId: "ktest", keys: new Map([["ktest", randomBytes(32)]]), blindIndexKey: randomBytes(32), auditKey: randomBytes(32) });
}
