// Many `fleet` invocations of the built binary at once (a small pool: each is a Node start),
// and the checks every invalid-input outcome must pass.
import { runFleet, type CliResult } from './fleet-cli.js';

export interface CliCase {
  label: string;
  args: string[];
  env?: Record<string, string | undefined>;
}

export interface CliOutcome extends CliCase, CliResult {}

function runOne(c: CliCase, baseEnv: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliOutcome> {
  return runFleet(c.args, { env: { ...baseEnv, ...c.env }, timeoutMs }).then((r) => ({ ...c, ...r }));
}

/** Runs every case, `concurrency` at a time; outcomes in the order of the cases. */
export async function runFleetCases(cases: readonly CliCase[], baseEnv: NodeJS.ProcessEnv, concurrency = 4, timeoutMs = 30_000): Promise<CliOutcome[]> {
  const out: CliOutcome[] = new Array(cases.length);
  let next = 0;
  const lane = async () => {
    while (next < cases.length) {
      const i = next++;
      out[i] = await runOne(cases[i]!, baseEnv, timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, lane));
  return out;
}

/**
 * What is wrong with an invalid-input outcome, or [] when it is right: exit code 2, a
 * message on stderr, every line of it a message (no stack frame, no Node warning, no
 * error class dump), and when `linePrefix` is given every line starts with it.
 */
export function invalidInputFaults(o: CliOutcome, linePrefix?: RegExp): string[] {
  const faults: string[] = [];
  if (o.code !== 2) faults.push(`exit code ${o.code}, expected 2`);
  const lines = o.stderr.replace(/\n$/, '').split('\n');
  if (!o.stderr.trim()) faults.push('nothing on stderr');
  for (const line of lines) {
    if (/^\s+at\s/.test(line)) faults.push(`stack frame: ${line}`);
    else if (/^\(node:\d+\)|^node:internal|^\s*\^$|^(Type|Range|Reference|Syntax)Error\b|\[object Object\]/.test(line)) faults.push(`not a message: ${line}`);
    else if (line.trim().length < 8) faults.push(`empty or cryptic line: ${JSON.stringify(line)}`);
    else if (linePrefix && !linePrefix.test(line)) faults.push(`line does not start with ${linePrefix}: ${line.slice(0, 200)}`);
  }
  return faults;
}

/** One line per faulty case, for an assertion message that shows them all. */
export function describeFaults(outcomes: readonly CliOutcome[], faultsOf: (o: CliOutcome) => string[]): string[] {
  return outcomes.flatMap((o) => {
    const f = faultsOf(o);
    return f.length ? [`${o.label} [fleet ${o.args.map((a) => JSON.stringify(a)).join(' ')}]: ${f.join('; ')}\n  stderr: ${o.stderr.slice(0, 400)}`] : [];
  });
}
