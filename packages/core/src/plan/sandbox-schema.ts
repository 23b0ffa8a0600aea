import { z } from 'zod';
import { ENV_NAME_PATTERN, isFleetVariable, NETWORK_MODES, SANDBOX_MODES } from './sandbox-types.js';

// Plan keys of least privilege: `sandbox`, `network` and `env` on a task and in `defaults`.

export const sandboxSchema = z.enum(SANDBOX_MODES);
export const networkSchema = z.enum(NETWORK_MODES);

const envName = z.string().superRefine((n, ctx) => {
  if (!ENV_NAME_PATTERN.test(n)) ctx.addIssue({ code: 'custom', message: `'${n}' is not an environment variable name (letters, digits and _, not starting with a digit)` });
  else if (isFleetVariable(n)) ctx.addIssue({ code: 'custom', message: `'${n}' is one of the fleet's own variables (AGENTFLEET_*, REDIS_URL): no task gets them` });
});

/** `env`: names of the host's variables the task's processes get (the host must forward them). */
export const envNamesSchema = z.array(envName);
