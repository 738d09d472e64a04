// Money is integer fen (分) in storage and arithmetic; the API shows decimal yuan strings.

const YUAN = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/;

export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new TypeError(`fen must be a safe integer, got ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Parses `"1234.5"`, `"1234.50"` or `1234.5` to fen; returns null when not a valid amount. */
export function yuanToFen(input: string | number): number | null {
  const text = typeof input === "number" ? (Number.isFinite(input) ? input.toFixed(2) : "") : input.trim();
  if (typeof input === "number" && Math.round(input * 100) !== Number((input * 100).toFixed(6))) return null;
  const m = YUAN.exec(text);
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -fen : fen;
}
