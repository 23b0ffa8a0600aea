import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerPlanCommands } from './commands/plan.js';
import { registerRunCommands } from './commands/run.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerHostCommands } from './commands/hosts.js';
import { registerDownCommand } from './commands/down.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerMonitorCommand } from './commands/monitor.js';
import { registerTopCommand } from './commands/top.js';
import { registerRemoteCommands } from './commands/remote.js';
import { registerUpCommand } from './commands/up.js';
import { registerPruneCommand } from './commands/prune.js';
import { registerBudgetCommand } from './commands/budget.js';
import { registerEvalCommands } from './commands/eval.js';
import { registerApprovalCommands } from './commands/approval.js';

/**
 * The `fleet` program. Each command group registers itself from its own module under
 * commands/. Commander throws instead of exiting (bin.ts picks the exit code).
 */
export function createProgram(): Command {
  const program = new Command('fleet')
    .description('run DAGs of coding-agent tasks on a fleet of worker processes')
    .version(cliVersion(), '-V, --version')
    .option('--config <file>', 'fleet.yaml to use (default: $AGENTFLEET_CONFIG, ./fleet.yaml, ~/.agentfleet/fleet.yaml)')
    .exitOverride()
    // Usage errors as one line: "fleet: unknown command 'chek' (Did you mean check?)".
    .configureOutput({ outputError: (text, write) => write(`fleet: ${text.replace(/^error: /, '').trimEnd().replaceAll('\n', ' ')}\n`) })
    .configureHelp({ sortSubcommands: true })
    .addHelpText('after', '\nExamples:\n  fleet plan check examples/chain.yaml\n  fleet plan show examples/realistic-60.yaml --slots 18');
  registerPlanCommands(program);
  registerRunCommands(program);
  registerDemoCommand(program);
  registerHostCommands(program);
  registerDownCommand(program);
  registerDoctorCommand(program);
  registerMonitorCommand(program);
  registerTopCommand(program);
  registerRemoteCommands(program);
  registerUpCommand(program);
  registerPruneCommand(program);
  registerBudgetCommand(program);
  registerEvalCommands(program);
  registerApprovalCommands(program);
  return program;
}

function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
