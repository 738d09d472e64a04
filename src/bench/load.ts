import autocannon from "autocannon";

// One load run: `connections` keep-alive connections, each sending the next request as soon as the
// previous answer is in (closed loop, no pipelining), for `seconds`. Every response's latency is kept,
// so percentiles are exact (autocannon's own summary has no p95).

export interface LoadRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface LoadResult {
  readonly seconds: number;
  readonly responses: number;
  readonly latenciesMs: Float64Array;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Smallest and largest response (bytes on the wire): the same request must get the same answer. */
  readonly minBytes: number;
  readonly maxBytes: number;
}

export async function runLoad(request: LoadRequest, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let minBytes = Number.POSITIVE_INFINITY;
  let maxBytes = 0;
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: request.url,
        method: "POST",
        headers: request.headers,
        body: request.body,
        connections: options.connections,
        pipelining: 1,
        duration: options.seconds,
        timeout: 30,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance!.on("response", (_client, _status, bytes, responseTime) => {
    latencies.push(responseTime);
    if (bytes < minBytes) minBytes = bytes;
    if (bytes > maxBytes) maxBytes = bytes;
  });
  const result = await done;
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    seconds,
    responses: latencies.length,
    latenciesMs: Float64Array.from(latencies).sort(),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    minBytes: latencies.length ? minBytes : 0,
    maxBytes,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
