import type { RunReport } from '@agentfleet/store';
import { attemptsSection } from './sections/attempts.js';
import { approvalsSection } from './sections/approvals.js';
import { branchesSection } from './sections/branches.js';
import { flowSection } from './sections/flow.js';
import { growthSection } from './sections/growth.js';
import { outputsSection } from './sections/outputs.js';
import { integrationSection } from './sections/integration.js';
import { messagesSection } from './sections/messages.js';
import { problemsSection } from './sections/problems.js';
import { reviewsSection } from './sections/reviews.js';
import { sandboxSection } from './sections/sandbox.js';
import { summarySection } from './sections/summary.js';
import { tasksSection } from './sections/tasks.js';
import { verificationSection } from './sections/verification.js';
import { waitsSection } from './sections/waits.js';

/** The sections of `fleet report RUN`, in order; each returns its lines, or none when it has nothing to say. */
const SECTIONS: ((r: RunReport) => string[])[] = [summarySection, tasksSection, waitsSection, problemsSection, flowSection, approvalsSection, growthSection, outputsSection, messagesSection, attemptsSection, reviewsSection, verificationSection, sandboxSection, integrationSection, branchesSection];

/** `fleet report RUN` in Markdown: what passed, what failed, what it cost, where the work is. */
export function reportMarkdown(r: RunReport): string {
  return `${SECTIONS.flatMap((section) => section(r)).join('\n')}\n`;
}
