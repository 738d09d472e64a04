// 12-digit statistical division codes: province(2) city(2) county(2) township(3) village(3).
// A code's scope is its prefix with the trailing all-zero levels removed, so "who may see this
// record" is a prefix comparison and an index range scan.

const AREA_CODE = /^\d{12}$/;
const LEVEL_ENDS = [2, 4, 6, 9, 12] as const;

export function isAreaCode(value: string): boolean {
  return AREA_CODE.test(value);
}

/** `130104001000` → `130104001`; `130104000000` → `130104`; a village code is its own prefix. */
export function areaPrefix(code: string): string {
  if (!isAreaCode(code)) throw new TypeError(`not a 12-digit area code: ${code}`);
  let end = 12;
  for (let i = LEVEL_ENDS.length - 1; i > 0; i--) {
    const start = LEVEL_ENDS[i - 1]!;
    if (/^0+$/.test(code.slice(start, LEVEL_ENDS[i]))) end = start;
    else break;
  }
  return code.slice(0, end);
}

/** Whether `code` lies inside the area whose code is `scopeCode`. */
export function areaContains(scopeCode: string, code: string): boolean {
  return code.startsWith(areaPrefix(scopeCode));
}

/** The code and every enclosing area's code: `130104001001` → [130000000000, 130100000000, 130104000000, 130104001000, 130104001001]. */
export function areaAncestors(code: string): string[] {
  if (!isAreaCode(code)) throw new TypeError(`not a 12-digit area code: ${code}`);
  const out = new Set<string>();
  for (const end of LEVEL_ENDS) out.add(code.slice(0, end).padEnd(12, "0"));
  return [...out];
}
