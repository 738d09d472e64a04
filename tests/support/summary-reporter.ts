import { writeFileSync } from "node:fs";
import type { Reporter, SerializedError, TestModule, TestRunEndReason } from "vitest/node";

// Prints one plain closing line, `tests: N passed, N failed, N skipped`, after the default reporter's
// output. Counts individual tests (todo counts as skipped). It never claims success falsely: a test file
// that failed without a failed test (an import error, a failing beforeAll/afterAll hook), each unhandled
// error, and an interrupted run's unfinished tests are each counted as one failure.
// With TEST_SUMMARY_FILE set, the same line is also written there (.ci/run prints it last).

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export function countTests(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const module of testModules) {
    let failedHere = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === "passed") counts.passed++;
      else if (state === "skipped") counts.skipped++;
      else failedHere++; // "failed", or "pending" left behind by an interrupted or broken run
    }
    const moduleState = module.state();
    if (failedHere === 0 && (moduleState === "failed" || module.errors().length > 0 || !module.ok())) failedHere = 1;
    counts.failed += failedHere;
  }
  counts.failed += unhandledErrors.length;
  return counts;
}

export function summaryLine(counts: TestCounts): string {
  return `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
}

export class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const counts = countTests(testModules, unhandledErrors);
    // An interrupted or failed run must not read as all green, whatever was collected.
    if (reason !== "passed" && counts.failed === 0) counts.failed = 1;
    const line = summaryLine(counts);
    process.stdout.write(`${line}\n`);
    const file = process.env.TEST_SUMMARY_FILE;
    if (file) writeFileSync(file, `${line}\n`);
  }
}
