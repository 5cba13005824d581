// The closing lines of .ci/run: one count over every package's vitest output (through turbo) and
// the release checks, built so that "0 failed" can only mean that nothing failed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const num = (re, text) => Number(re.exec(text)?.[1] ?? 0);

/**
 * Reads a `pnpm test` (turbo + vitest) log. Failures counted, each once:
 * - failed tests (vitest `Tests … N failed`);
 * - failed test files in which no test failed (thrown at import, a failing hook): `Test Files N
 *   failed` less the files listed with failed tests (if vitest listed none, every failed file counts);
 * - vitest `Errors N` (unhandled errors while the tests themselves passed);
 * - turbo tasks that failed without any of the above in their output (typecheck errors, `No test
 *   files found`, a crash);
 * - a non-zero exit of `pnpm test` that none of these explains.
 */
export function summarizeTestLog(raw, exitCode = 0) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ESC of ANSI colour codes is what is stripped.
  const text = raw.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');
  const lines = text.split('\n');
  const tests = { passed: 0, failed: 0, skipped: 0 };
  let failedFiles = 0;
  let filesWithFailedTests = 0;
  let errors = 0;
  // Turbo prefixes each line of a task with `pkg:task: `; failures are attributed per task.
  const taskFailures = new Map();
  const bump = (task, n) => task && taskFailures.set(task, (taskFailures.get(task) ?? 0) + n);
  const taskOf = (line) => /^(\S+?):(\S+?): /.exec(line)?.slice(1, 3).join('#');
  for (const line of lines) {
    const task = taskOf(line);
    const body = task ? line.slice(line.indexOf(': ') + 2) : line;
    let m;
    if ((m = /^\s*Tests\s+(.*)$/.exec(body)) && !/^\s*Test Files/.test(body)) {
      tests.passed += num(/(\d+) passed/, m[1]);
      tests.failed += num(/(\d+) failed/, m[1]);
      tests.skipped += num(/(\d+) skipped/, m[1]) + num(/(\d+) todo/, m[1]);
      bump(task, num(/(\d+) failed/, m[1]));
    } else if ((m = /^\s*Test Files\s+(.*)$/.exec(body))) {
      failedFiles += num(/(\d+) failed/, m[1]);
      bump(task, num(/(\d+) failed/, m[1]));
    } else if ((m = /^\s*Errors\s+(\d+) errors?/.exec(body))) {
      errors += Number(m[1]);
      bump(task, Number(m[1]));
    } else if (/^\s*❯ \S+\.test\.\w+ \(\d+ tests? \|.*\d+ failed/.test(body)) {
      filesWithFailedTests += 1;
    }
  }
  const failedTasks = new Set();
  for (const line of lines) {
    const m = /^Failed:\s+(.+)$/.exec(line.trim()) ?? /^(\S+#\S+):\s+ERROR\s+command\b/.exec(line.trim());
    if (m) for (const t of m[1].split(/,\s*/)) if (/^\S+#\S+$/.test(t.trim())) failedTasks.add(t.trim());
  }
  const tasks = [...failedTasks].filter((t) => !(taskFailures.get(t) > 0)).sort();
  const noTests = tasks.filter((t) => lines.some((l) => taskOf(l) === t && /No test files found/.test(l)));
  const files = Math.max(failedFiles - filesWithFailedTests, 0);
  const explained = tests.failed + files + errors + tasks.length;
  const unexplained = exitCode !== 0 && explained === 0 ? 1 : 0;
  return { tests, failedFiles, files, errors, tasks, noTests, unexplained, failed: explained + unexplained };
}

/** The lines .ci/run prints last; the final one is `N passed, N failed, N skipped`. */
export function closingLines(summary, release = { passed: 0, failed: [] }) {
  const { tests, failedFiles, files, errors, tasks, noTests, unexplained } = summary;
  const out = [`tests: ${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped; test files: ${failedFiles} failed`];
  if (files) out.push(`test files failed with no failed test in them (import error, hook): ${files}`);
  if (errors) out.push(`vitest errors outside tests: ${errors}`);
  if (tasks.length) out.push(`tasks failed without a test failure: ${tasks.map((t) => (noTests.includes(t) ? `${t} (no test files)` : t)).join(', ')}`);
  if (unexplained) out.push('pnpm test failed with no failure found in its log');
  out.push(`release checks: ${release.passed} passed, ${release.failed.length} failed${release.failed.length ? ` (${release.failed.join(', ')})` : ''}`);
  const failed = summary.failed + release.failed.length;
  const parts = [`${tests.failed} tests`, `${files} test files`, `${errors} errors`, `${tasks.length + unexplained} tasks`, `${release.failed.length} release checks`];
  out.push(`${tests.passed} passed, ${failed} failed, ${tests.skipped} skipped${failed ? ` (${parts.join(', ')})` : ''}`);
  return out;
}

// CLI: node ci-summary.mjs <log> <pnpm test exit code> <release checks passed> [failed release check…]
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [log, exitCode, releasePassed, ...releaseFailed] = process.argv.slice(2);
  const summary = summarizeTestLog(readFileSync(log, 'utf8'), Number(exitCode));
  for (const line of closingLines(summary, { passed: Number(releasePassed), failed: releaseFailed.filter(Boolean) })) console.log(line);
}
