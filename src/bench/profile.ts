import path from "node:path";
import { fileURLToPath } from "node:url";

// Where the hub's CPU time goes, from a V8 CPU profile (Profiler.stop of node:inspector): self time per
// function, grouped by package (drizzle, pg, graphql, apollo, …), node core (crypto, http), the
// garbage collector, and the hub's own source folders. Time in a native function (a C++ binding or a
// builtin, which has no script URL) is charged to the nearest JavaScript caller that has one — so
// AES-GCM's native work lands under node's crypto, JSON.stringify under whoever serialises.

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileRow {
  readonly name: string;
  readonly group: string;
  /** Self milliseconds over the whole profile. */
  readonly ms: number;
}

export interface ProfileSummary {
  readonly wallMs: number;
  /** CPU time on the main thread that the profile saw as busy (everything but idle). */
  readonly busyMs: number;
  readonly groups: readonly ProfileRow[];
  readonly functions: readonly ProfileRow[];
}

const PACKAGE_GROUPS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^drizzle-orm$/, "drizzle"],
  [/^(pg|pg-protocol|pg-pool|pg-types|pg-connection-string|postgres-array|postgres-date|postgres-bytea|postgres-interval|pgpass)$/, "pg"],
  [/^graphql$/, "graphql"],
  [/^@apollo\//, "apollo"],
  [/^type-graphql$/, "type-graphql"],
  [/^(pino|sonic-boom|fast-redact|@pinojs\/.*|thread-stream|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify)$/, "pino (logging)"],
  [/^@escape\.tech\//, "graphql-armor"],
  [/^@electric-sql\//, "pglite"],
];

function packageOf(file: string): string | null {
  const at = file.lastIndexOf("/node_modules/");
  if (at < 0) return null;
  const rest = file.slice(at + "/node_modules/".length).split("/");
  return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

/** The group a script URL belongs to; `srcRoot` is the hub's src/ directory. */
export function groupOf(url: string, srcRoot: string): string {
  if (url.startsWith("node:")) {
    if (url.startsWith("node:inspector")) return "profiler";
    if (/^node:(internal\/)?crypto/.test(url)) return "node: crypto";
    if (/^node:(_http|internal\/http|http|net|internal\/stream|stream|internal\/streams|internal\/net)/.test(url)) return "node: http/net/streams";
    return "node: other core";
  }
  if (url.startsWith("wasm://")) return "pglite (wasm)";
  let file = url;
  if (url.startsWith("file://")) {
    try {
      file = fileURLToPath(url);
    } catch {
      file = url;
    }
  }
  const pkg = packageOf(file);
  if (pkg) {
    for (const [pattern, group] of PACKAGE_GROUPS) if (pattern.test(pkg)) return group;
    return pkg;
  }
  const rel = path.relative(srcRoot, file);
  if (!rel.startsWith("..") && !path.isAbsolute(rel)) {
    const parts = rel.split(path.sep);
    if (parts.length === 1) return `hub: ${parts[0]}`;
    if (parts[0] === "modules" && parts.length > 2) return `hub: modules/${parts[1]}`;
    return `hub: ${parts[0]}/`;
  }
  return "other";
}

// A Map, not an object: a function may be called "constructor" or "toString" (graphql-jit's are).
const SPECIAL: ReadonlyMap<string, string> = new Map([
  ["(garbage collector)", "gc"],
  ["(program)", "V8 / native (program)"],
  ["(idle)", "idle"],
  ["(root)", "V8 / native (program)"],
]);

function shortUrl(url: string, srcRoot: string): string {
  const file = url.startsWith("file://") ? fileURLToPath(url) : url;
  const pkgAt = file.lastIndexOf("/node_modules/");
  if (pkgAt >= 0) return file.slice(pkgAt + "/node_modules/".length);
  const rel = path.relative(path.dirname(srcRoot), file);
  return rel.startsWith("..") ? file : rel;
}

/** Node's own plumbing whose time belongs to whoever called it (buffers, events, timers, util). */
function chargedToCaller(url: string): boolean {
  return url.startsWith("node:") && groupOf(url, "") === "node: other core" && !url.startsWith("node:inspector");
}

/**
 * Self time per group and per function (heaviest first). Idle time and the inspector's own work (the
 * profiler being stopped) are left out of both. A frame with no script URL (a native or builtin) and a
 * frame of Node's generic plumbing (node:buffer, node:events …) are charged to their nearest caller
 * outside those, so Buffer work done for pg parsing counts as pg and for field decryption as the hub's
 * crypto code; what has no such caller (the microtask loop) stays "node: other core".
 */
export function summarizeProfile(profile: CpuProfile, srcRoot: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const owner = new Map<number, CpuProfileNode>();
  const ownerOf = (id: number): CpuProfileNode => {
    const cached = owner.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const { url, functionName } = node.callFrame;
    let result = node;
    if (!SPECIAL.has(functionName) && (!url || chargedToCaller(url))) {
      const up = parent.get(id);
      if (up !== undefined && byId.get(up)!.callFrame.functionName !== "(root)") {
        const candidate = ownerOf(up);
        // Plumbing called only from plumbing (or from nothing) keeps its own frame.
        if (candidate.callFrame.url && !chargedToCaller(candidate.callFrame.url)) result = candidate;
        else if (!url) result = candidate;
      }
    }
    owner.set(id, result);
    return result;
  };

  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const o = ownerOf(id);
    selfMicros.set(o.id, (selfMicros.get(o.id) ?? 0) + dt);
  });

  const groups = new Map<string, number>();
  const functions = new Map<string, ProfileRow>();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    const group = SPECIAL.get(frame.functionName) ?? (frame.url ? groupOf(frame.url, srcRoot) : "V8 / native (program)");
    if (group === "idle" || group === "profiler") continue;
    busy += micros;
    groups.set(group, (groups.get(group) ?? 0) + micros);
    // Lines of the hub's .ts files are those of tsx's transform, not of the source: left out.
    const line = frame.url.endsWith(".ts") ? "" : `:${frame.lineNumber + 1}`;
    const name = frame.url ? `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url, srcRoot)}${line}` : frame.functionName || "(native)";
    const prior = functions.get(name);
    functions.set(name, { name, group, ms: (prior?.ms ?? 0) + micros / 1000 });
  }
  const sorted = (rows: ProfileRow[]) => rows.sort((a, b) => b.ms - a.ms);
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: busy / 1000,
    groups: sorted([...groups].map(([group, micros]) => ({ name: group, group, ms: micros / 1000 }))),
    functions: sorted([...functions.values()]),
  };
}
