// Prints the plain closing line CI reads ("tests: N passed, N failed, N skipped") and, under
// CI=true, fails the run when any test was skipped: a missing prerequisite is a failure there.
import type { Reporter } from 'vitest/reporters';
import type { RunnerTask, RunnerTestFile } from 'vitest';

export default class CiSummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = []): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    const walk = (t: RunnerTask, path: string) => {
      const name = path ? `${path} > ${t.name}` : t.name;
      if (t.type === 'suite') {
        for (const c of t.tasks) walk(c, name);
        if (t.tasks.length === 0 && t.result?.state === 'fail') failed++;
        return;
      }
      if (t.mode === 'skip' || t.mode === 'todo' || t.result?.state === 'skip') skipped.push(name);
      else if (t.result?.state === 'pass') passed++;
      else if (t.result?.state === 'fail') failed++;
    };
    for (const f of files) {
      if (f.result?.state === 'fail' && f.tasks.length === 0) failed++;
      for (const t of f.tasks) walk(t, f.name);
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
    if (process.env.CI === 'true' && skipped.length > 0) {
      process.stderr.write(`under CI=true no test may skip itself; skipped:\n${skipped.map((s) => `  - ${s}`).join('\n')}\n`);
      process.exitCode = 1;
    }
  }
}
