import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CheckpointKeyError, generateCheckpointKeyPem, signingKeyFromPem, type CheckpointSigningKey } from "./checkpoint.js";

// The checkpoint signing key on disk: an Ed25519 private key, PKCS#8 PEM, readable by its owner only.
// Production names it (AUDIT_SIGNING_KEY_FILE; config.ts refuses one inside DATA_DIR or readable by
// others); development creates one on first use beside DATA_DIR, never inside it.

export function readSigningKeyFile(file: string): CheckpointSigningKey {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (error) {
    throw new CheckpointKeyError(`cannot read the audit signing key file (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return signingKeyFromPem(pem);
}

/** Development: the key in `file`, created (mode 0600, its folder 0700) when there is none yet. */
export function loadOrCreateSigningKeyFile(file: string): CheckpointSigningKey {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Write-then-rename: a reader sees no key or the whole key, never half of one.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, generateCheckpointKeyPem(), { mode: 0o600 });
    chmodSync(partial, 0o600);
    renameSync(partial, file);
  }
  return readSigningKeyFile(file);
}
