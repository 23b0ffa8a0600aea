import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parsePlan } from '@agentfleet/core';
import { initRepository } from '@agentfleet/workspace';
import { openFleet, type GlobalOptions } from '../fleet-context.js';
import { fleetHome } from '../home.js';
import { reportMarkdown } from '../report/markdown.js';
import { watchRun } from '../watch.js';
import { exitCodeOf, submitPlan } from './run.js';

const SAMPLE_FILES: Record<string, string> = {
  'README.md': '# sample\n\nA tiny repository that `fleet demo` lets a fleet of shell agents work on.\n',
  'package.json': '{ "name": "sample", "version": "1.0.0", "type": "module" }\n',
};

/** Six shell tasks in a fan-out / fan-in: each edits files; dependents use what their dependencies wrote. */
export function demoPlan(repoPath: string): string {
  const plan = {
    name: 'demo',
    repo: { url: repoPath, ref: 'main' },
    defaults: { agent: 'shell', timeout: '5m', retries: 1, estimate: '3s' },
    tasks: [
      { id: 'scaffold', title: 'Create the greeting module', run: `mkdir -p src && printf 'export const greeting = "hello";\\n' > src/greeting.js && sleep 1` },
      { id: 'upper', title: 'Add an upper-case variant', deps: ['scaffold'], run: `test -f src/greeting.js && printf 'import { greeting } from "./greeting.js";\\nexport const upper = greeting.toUpperCase();\\n' > src/upper.js && sleep 2` },
      { id: 'repeat', title: 'Add a repeated variant', deps: ['scaffold'], run: `test -f src/greeting.js && printf 'import { greeting } from "./greeting.js";\\nexport const repeat = (n) => Array(n).fill(greeting).join(" ");\\n' > src/repeat.js && sleep 2` },
      { id: 'docs', title: 'Document the module', deps: ['scaffold'], run: `printf '\\n## Usage\\n\\nimport { greeting } from "./src/greeting.js"\\n' >> README.md && sleep 1` },
      { id: 'index', title: 'Export everything', deps: ['upper', 'repeat'], run: `test -f src/upper.js && test -f src/repeat.js && printf 'export * from "./greeting.js";\\nexport * from "./upper.js";\\nexport * from "./repeat.js";\\n' > src/index.js` },
      { id: 'check', title: 'Check the result', deps: ['index', 'docs'], run: `node -e 'import("./src/index.js").then((m) => { if (m.upper !== "HELLO" || m.repeat(2) !== "hello hello") process.exit(1); console.log("ok:", m.upper, m.repeat(2)); })' && grep -q Usage README.md` },
    ],
  };
  return `${JSON.stringify(plan, null, 2)}\n`;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('create a sample git repository and run a sample plan on the local fleet, then print the report')
    .addHelpText('after', '\nExample:\n  fleet demo            # then: fleet report --format json, fleet down')
    .action(async (_opts: unknown, cmd: Command) => {
      const dir = join(fleetHome(), 'demo');
      const repo = join(dir, 'sample-repo');
      await rm(repo, { recursive: true, force: true });
      await initRepository(repo, SAMPLE_FILES);
      const planPath = join(dir, 'plan.json');
      const text = demoPlan(repo);
      await writeFile(planPath, text);
      const plan = parsePlan(text, planPath);
      const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
      try {
        process.stdout.write(`sample repository: ${repo}\nplan: ${planPath} (${plan.tasks.length} shell tasks)\nredis: ${fleet.embedded ? 'embedded' : 'configured'}; fleet: ${fleet.config.hosts.length ? fleet.config.hosts.map((h) => h.name).join(', ') : 'this machine'}\n\n`);
        const runId = await submitPlan(fleet, plan, { schedule: 'deps', integrate: 'demo-result' });
        process.stdout.write(`run ${runId}\n`);
        const status = await watchRun(fleet.store, runId, { plan });
        process.stdout.write(`\n${reportMarkdown(await fleet.store.read.report(runId))}`);
        process.stdout.write(`\nThe result branches are in ${repo} (git -C ${repo} branch --list 'fleet/*'); everything merged: branch demo-result.\nStop the local fleet with: fleet down\n${runId}\n`);
        process.exitCode = exitCodeOf(status);
      } finally {
        await fleet.close();
      }
    });
}
