import type { KeyObject } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkpointKeyId, parseSignedCheckpoint, publicKeyFromPem, publicKeyPem, type SignedCheckpoint } from "./checkpoint.js";

// Where checkpoints go: somewhere the database's owner cannot rewrite. The hub only ever appends; a
// verifier reads everything. Replaceable: anything that implements CheckpointSink (an object store
// with retention lock, a WORM volume, a service run by the auditors) can stand in for the directory.

/** One stored checkpoint and where it is stored; `checkpoint` null when the record is not one. */
export interface StoredCheckpoint {
  /** e.g. `checkpoints.jsonl:12`: enough for an operator to find it. */
  readonly ref: string;
  readonly checkpoint: SignedCheckpoint | null;
}

/** What a verifier reads: the checkpoints in append order and the public keys published beside them. */
export interface CheckpointSource {
  /** Where, for messages (a directory, a URL). */
  readonly location: string;
  read(): Promise<StoredCheckpoint[]>;
  /** The published public keys by key id (the id computed from each key, whatever its file is called). */
  publicKeys(): Promise<ReadonlyMap<string, KeyObject>>;
}

export interface CheckpointSink extends CheckpointSource {
  /** Appends one checkpoint; resolves once it is durable. */
  append(checkpoint: SignedCheckpoint): Promise<void>;
  /** Publishes a public key beside the checkpoints, so a verifier needs no secret. Idempotent. */
  publishPublicKey(key: KeyObject): Promise<void>;
}

/** The file, inside the directory, that checkpoints are appended to (one JSON object per line). */
export const CHECKPOINT_FILE = "checkpoints.jsonl";
/** The folder, inside the directory, of public keys: `<key id>.pem`, SPKI PEM. */
export const PUBLIC_KEY_FOLDER = "public-keys";

/**
 * A directory: `checkpoints.jsonl` (append-only, one signed checkpoint per line, in order) and
 * `public-keys/<key id>.pem`. Nothing in it is secret. Appends from one process are serialized; each
 * is one write of one line to a file opened for appending, then fsync.
 */
export class DirectoryCheckpointSink implements CheckpointSink {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly location: string) {}

  append(checkpoint: SignedCheckpoint): Promise<void> {
    const line = `${JSON.stringify({ content: checkpoint.content, signature: checkpoint.signature, timestamp: checkpoint.timestamp })}\n`;
    const run = this.queue.then(async () => {
      await mkdir(this.location, { recursive: true });
      const file = await open(path.join(this.location, CHECKPOINT_FILE), "a", 0o644);
      try {
        await file.write(line);
        await file.sync();
      } finally {
        await file.close();
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  async publishPublicKey(key: KeyObject): Promise<void> {
    const folder = path.join(this.location, PUBLIC_KEY_FOLDER);
    const file = path.join(folder, `${checkpointKeyId(key)}.pem`);
    const pem = publicKeyPem(key);
    if ((await readFile(file, "utf8").catch(() => null)) === pem) return;
    await mkdir(folder, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, pem, { mode: 0o644 });
    await rename(partial, file);
  }

  async read(): Promise<StoredCheckpoint[]> {
    let text: string;
    try {
      text = await readFile(path.join(this.location, CHECKPOINT_FILE), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const out: StoredCheckpoint[] = [];
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = null;
      }
      out.push({ ref: `${CHECKPOINT_FILE}:${i + 1}`, checkpoint: parseSignedCheckpoint(json) });
    });
    return out;
  }

  async publicKeys(): Promise<ReadonlyMap<string, KeyObject>> {
    const folder = path.join(this.location, PUBLIC_KEY_FOLDER);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
      throw error;
    }
    const keys = new Map<string, KeyObject>();
    for (const name of names.filter((n) => n.endsWith(".pem")).sort()) {
      try {
        const key = publicKeyFromPem(await readFile(path.join(folder, name), "utf8"));
        keys.set(checkpointKeyId(key), key);
      } catch {
        // Not an Ed25519 public key: trusts nothing, so it cannot make a checkpoint verify.
      }
    }
    return keys;
  }
}
