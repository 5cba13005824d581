// Tests of .ci/run's closing lines (node --test) on saved turbo + vitest logs (fixtures/ci-logs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { closingLines, summarizeTestLog } from '../lib/ci-summary.mjs';

const log = (name) => readFileSync(new URL(`./fixtures/ci-logs/${name}`, import.meta.url), 'utf8');
const last = (name, exitCode, release) => closingLines(summarizeTestLog(log(name), exitCode), release).at(-1);

test('all passing: 0 failed, and release checks stay out of the test count', () => {
  assert.equal(last('all-pass.log', 0, { passed: 6, failed: [] }), '2 passed, 0 failed, 0 skipped');
  const lines = closingLines(summarizeTestLog(log('all-pass.log'), 0), { passed: 6, failed: [] });
  assert.ok(lines.includes('release checks: 6 passed, 0 failed'));
});

test('a test file that throws at import counts as a failure though every test passed', () => {
  const s = summarizeTestLog(log('import-error.log'), 1);
  assert.deepEqual(s.tests, { passed: 1, failed: 0, skipped: 0 });
  assert.equal(s.files, 1);
  assert.equal(last('import-error.log', 1), '1 passed, 1 failed, 0 skipped (0 tests, 1 test files, 0 errors, 0 tasks, 0 release checks)');
});

test('a failed test and an import error in one package count once each', () => {
  const s = summarizeTestLog(log('mixed.log'), 1);
  assert.deepEqual(s.tests, { passed: 3, failed: 1, skipped: 1 });
  assert.equal(s.failedFiles, 2);
  assert.equal(s.files, 1); // the file with the failed test is not counted again
  assert.equal(s.failed, 2);
});

test('a package with no test files and a failed typecheck count as failed tasks', () => {
  const none = summarizeTestLog(log('no-tests.log'), 1);
  assert.deepEqual(none.tasks, ['@hrnetjs/pose-head#test']);
  assert.deepEqual(none.noTests, ['@hrnetjs/pose-head#test']);
  assert.equal(none.failed, 1);
  const tc = summarizeTestLog(log('typecheck.log'), 1);
  assert.deepEqual(tc.tasks, ['@hrnetjs/pose-head#typecheck']);
  assert.equal(last('typecheck.log', 1), '1 passed, 1 failed, 0 skipped (0 tests, 0 test files, 0 errors, 1 tasks, 0 release checks)');
});

test('a non-zero exit with nothing recognisable in the log is still a failure', () => {
  assert.equal(summarizeTestLog('', 1).failed, 1);
  assert.equal(summarizeTestLog(log('all-pass.log'), 2).failed, 1);
});

test('failed release checks are named on their own line and make the closing line non-zero', () => {
  const lines = closingLines(summarizeTestLog(log('all-pass.log'), 0), { passed: 5, failed: ['docs'] });
  assert.equal(lines.at(-2), 'release checks: 5 passed, 1 failed (docs)');
  assert.equal(lines.at(-1), '2 passed, 1 failed, 0 skipped (0 tests, 0 test files, 0 errors, 0 tasks, 1 release checks)');
});

test('vitest errors outside tests count', () => {
  const text = '@x/a:test:  Test Files  1 passed (1)\n@x/a:test:       Tests  4 passed (4)\n@x/a:test:      Errors  1 error\n';
  assert.equal(summarizeTestLog(text, 1).failed, 1);
});
