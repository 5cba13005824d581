// `changeset status` and `changeset version` without touching the repository: the manifests and
// pending changesets are copied into a scratch git repository, and the version result is checked
// against the status plan.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot, run } from './workspace.mjs';

const changesetBin = (root) => join(root, 'node_modules', '.bin', 'changeset');

/**
 * Returns the planned releases [{name, type, oldVersion, newVersion}] and problems (sentences):
 * every released package must get the new version and a CHANGELOG.md section for it, private
 * packages must not be versioned, and internal `workspace:` ranges must stay `workspace:` (pnpm
 * rewrites them when packing).
 */
export function changesetVersionDryRun(root = repoRoot) {
  const scratch = mkdtempSync(join(tmpdir(), 'hrnetjs-changeset-'));
  try {
    const copy = join(scratch, 'repo');
    const files = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'package.json', 'pnpm-workspace.yaml', '.changeset/*', '*/*/package.json'], { cwd: root })
      .split('\n')
      .filter(Boolean);
    for (const file of files) {
      if (!existsSync(join(root, file))) continue;
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(root, file), join(copy, file));
    }
    // One commit on the base branch: `changeset status` then works whatever the CI checkout is
    // (detached HEAD, shallow clone, no local "main").
    const baseBranch = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8')).baseBranch ?? 'main';
    run('git', ['init', '-q'], { cwd: copy });
    run('git', ['symbolic-ref', 'HEAD', `refs/heads/${baseBranch}`], { cwd: copy });
    run('git', ['add', '-A'], { cwd: copy });
    run('git', ['-c', 'user.name=release-check', '-c', 'user.email=release-check@localhost', 'commit', '-qm', 'scratch'], { cwd: copy });
    const statusFile = join(scratch, 'status.json');
    run(changesetBin(root), ['status', `--output=${statusFile}`], { cwd: copy });
    const releases = JSON.parse(readFileSync(statusFile, 'utf8')).releases.filter((r) => r.type !== 'none');
    if (releases.length === 0) return { releases, problems: [] };
    run(changesetBin(root), ['version'], { cwd: copy });

    const problems = [];
    const manifests = files.filter((f) => /^(packages|apps|tools)\/[^/]+\/package\.json$/.test(f)).map((f) => ({ file: f, before: JSON.parse(readFileSync(join(root, f), 'utf8')), after: JSON.parse(readFileSync(join(copy, f), 'utf8')) }));
    for (const release of releases) {
      const m = manifests.find((x) => x.before.name === release.name);
      if (!m) {
        problems.push(`changeset version: ${release.name} not found`);
        continue;
      }
      if (m.after.version !== release.newVersion) problems.push(`changeset version: ${release.name} is ${m.after.version}, status planned ${release.newVersion}`);
      const changelog = join(copy, dirname(m.file), 'CHANGELOG.md');
      if (!existsSync(changelog) || !readFileSync(changelog, 'utf8').includes(`## ${release.newVersion}`)) {
        problems.push(`changeset version: ${dirname(m.file)}/CHANGELOG.md has no "## ${release.newVersion}" section`);
      }
    }
    for (const m of manifests) {
      if (m.before.private && m.after.version !== m.before.version) problems.push(`changeset version: private ${m.before.name} was versioned`);
      for (const [dep, range] of Object.entries(m.after.dependencies ?? {})) {
        const was = m.before.dependencies?.[dep];
        if (String(was).startsWith('workspace:') && range !== was) problems.push(`changeset version: ${m.before.name} → ${dep} became "${range}" (was "${was}")`);
      }
    }
    return { releases, problems };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
