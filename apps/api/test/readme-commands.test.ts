import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 15: every command in the README works as written right after the two set-up commands, on a machine where
 * pnpm is not on PATH (scripts/toolchain.sh installs it into ~/.local/node24 without touching the user's PATH).
 * So the README writes `./shop <script>`; this test reads the README's shell code blocks and inline code, checks
 * that every `./shop …` names a real script, that bare `pnpm …` appears only where the README explains what
 * `./shop` does, and runs the cheap commands for real.
 */
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

/** Lines of ```sh blocks (backslash continuations joined) and inline code spans outside code blocks. */
function readmeCommands(markdown: string): { blocks: string[]; spans: string[] } {
  const blocks: string[] = [];
  const spans: string[] = [];
  const fence = /^\s*```(\w*)\s*$/;
  let lang: string | undefined;
  let pending = '';
  for (const line of markdown.split('\n')) {
    const f = fence.exec(line);
    if (f) {
      lang = lang === undefined ? f[1] : undefined;
      continue;
    }
    if (lang === undefined) {
      for (const m of line.matchAll(/`([^`]+)`/g)) spans.push(m[1]!);
      continue;
    }
    if (lang !== 'sh') continue;
    const text = line.replace(/\s+#.*$/, '').trim();
    if (text.endsWith('\\')) {
      pending += text.slice(0, -1) + ' ';
      continue;
    }
    const full = (pending + text).trim();
    pending = '';
    if (full && !full.startsWith('#')) blocks.push(full);
  }
  return { blocks, spans };
}

/** Every `./shop …` / `pnpm …` invocation inside a command line, as its argument words (up to a shell operator). */
function invocations(command: string, tool: './shop' | 'pnpm'): string[][] {
  const found: string[][] = [];
  const escaped = tool.replace(/[./]/g, '\\$&');
  for (const m of command.matchAll(new RegExp(`(?:^|[\\s($=])${escaped}((?:\\s+[^\\s|&;)]+)*)`, 'g'))) {
    found.push(m[1]!.trim().split(/\s+/).filter(Boolean));
  }
  return found;
}

const PNPM_BUILTINS = new Set(['install', 'exec', 'deploy', 'add', 'pack']);
function packageScripts(dir: string): Record<string, string> {
  return (
    JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
}
const workspacePackages: Record<string, string> = {
  '@popbox/api': 'apps/api',
  '@popbox/jobs': 'apps/jobs',
  '@popbox/db': 'packages/db',
  '@popbox/domain': 'packages/domain',
  '@popbox/contracts': 'packages/contracts',
  '@popbox/client': 'packages/client',
};

/** Why an invocation's arguments do not name a runnable script, or undefined when they do. */
function problemOf(args: string[]): string | undefined {
  let dir = '.';
  const rest = [...args];
  while (rest[0]?.startsWith('-')) {
    const flag = rest.shift()!;
    if (flag === '--filter') {
      const pkg = rest.shift()!;
      if (!workspacePackages[pkg]) return `unknown package ${pkg}`;
      dir = workspacePackages[pkg];
    }
  }
  const script = rest[0];
  if (script === undefined) return 'no script named';
  if (script === '<script>' || PNPM_BUILTINS.has(script)) return undefined;
  return script in packageScripts(dir) ? undefined : `no script "${script}" in ${join(dir, 'package.json')}`;
}

/** Spans that explain `./shop` in terms of pnpm, or the Docker build: not commands a reader runs as written. */
const PNPM_EXPLANATIONS = new Set([
  'pnpm <script>',
  'pnpm install && pnpm dev',
  'pnpm install --frozen-lockfile && pnpm build',
  'pnpm deploy --prod',
]);

/** PATH without the directories that hold a pnpm: what a fresh machine's shell has after `./shop dev`. */
function pathWithoutPnpm(): string {
  const entries = (process.env.PATH ?? '').split(delimiter);
  return entries.filter((d) => !existsSync(join(d, 'pnpm'))).join(delimiter);
}
const toolchainInstalled = existsSync(join(homedir(), '.local/node24/bin/pnpm'));

function run(command: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-c', command], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      // The toolchain puts its pnpm on PATH by itself; when it is installed, prove it needs nothing of ours.
      ...(toolchainInstalled ? { PATH: pathWithoutPnpm() } : {}),
      NODE_OPTIONS: '',
      ...env,
    },
  });
}

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const { blocks, spans } = readmeCommands(readme);

// Each real run starts bash, node and pnpm: seconds on a loaded machine, not the unit default of 5.
describe('README commands', { timeout: 60_000 }, () => {
  it('finds the commands (the extraction itself works)', () => {
    expect(blocks).toContain('./shop dev');
    expect(blocks).toContain('./shop test');
    expect(spans).toContain('./shop admin:token');
    expect(spans.length).toBeGreaterThan(50);
  });

  it('every ./shop command names a real package.json script', () => {
    const problems: string[] = [];
    for (const command of [...blocks, ...spans]) {
      for (const args of invocations(command, './shop')) {
        const problem = problemOf(args);
        if (problem) problems.push(`${command}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('no command relies on pnpm being on PATH to run one of this repository’s scripts', () => {
    // `pnpm add`/`pnpm pack` etc. in another project are fine; `pnpm <script of ours>` must be `./shop <script>`.
    const ours = (args: string[]) => {
      const rest = args.filter((a) => !a.startsWith('-'));
      return args.includes('--filter') || (rest[0] !== undefined && rest[0] in packageScripts('.'));
    };
    const bare = [...blocks, ...spans].filter(
      (command) => invocations(command, 'pnpm').some(ours) && !PNPM_EXPLANATIONS.has(command),
    );
    expect(bare).toEqual([]);
    for (const command of PNPM_EXPLANATIONS) {
      for (const args of invocations(command, 'pnpm')) expect(problemOf(args), command).toBeUndefined();
    }
  });

  it('`./shop admin:token` prints a JWT (pnpm not on PATH)', () => {
    const result = run('./shop admin:token');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(JWT);
  });

  it('the curl example sends a real token, and no request at all when there is none', () => {
    const example = blocks.find((b) => b.includes('admin:token') && b.includes('curl'));
    expect(example).toBeDefined();
    // curl stands in as a shell function that prints its arguments: no server needed.
    const stub = 'curl() { printf "%s\\n" "$@"; }; ';
    const ok = run(stub + example!);
    expect(ok.status, ok.stderr).toBe(0);
    const header = ok.stdout.split('\n').find((l) => l.startsWith('Authorization: Bearer '));
    expect(header?.slice('Authorization: Bearer '.length)).toMatch(JWT);
    // admin:token refuses production: the example must stop before curl, not send `Bearer ` with nothing.
    const refused = run(stub + example!, { NODE_ENV: 'production' });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout).not.toContain('Authorization');
  });

  it('`./shop kuji:verify` without arguments prints its usage and exits 2', () => {
    expect(blocks.some((b) => b.includes('./shop -s kuji:verify'))).toBe(true);
    const result = run('./shop -s kuji:verify');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: ./shop kuji:verify');
  });
});
