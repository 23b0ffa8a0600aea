#!/usr/bin/env node
import { formatProblem, InputError } from '@agentfleet/core';
import { CommanderError } from 'commander';
import { createProgram } from './program.js';

/** Exit codes: 0 ok, 1 internal error, 2 invalid input (plan, config, flags). */
const EXIT_OK = 0;
const EXIT_INTERNAL = 1;
const EXIT_INPUT = 2;

/** Reports an error the way a user should see it and returns the exit code. Never a stack on bad input. */
function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its one-line message (or the help/version text).
    return error.exitCode === 0 ? EXIT_OK : EXIT_INPUT;
  }
  if (error instanceof InputError) {
    process.stderr.write(`${error.problems.map(formatProblem).join('\n')}\n`);
    return EXIT_INPUT;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`fleet: ${message}\n`);
  if (process.env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return EXIT_INTERNAL;
}

// `fleet plan show x | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT_OK);
  throw error;
});

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
