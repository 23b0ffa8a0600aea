/** What a task's report says of conditions, approval gates, outputs and plan growth. */
export interface TaskFlowFields {
  /** what the task wrote to $AGENTFLEET_OUTPUTS (a JSON object) */
  outputs: Record<string, unknown> | null;
  /** an approval gate's decision: who, when, the note (null while it waits, or without a gate) */
  approval: ApprovalRecord | null;
  /** a failure a dependent listing it with `after: any` handled: it does not fail the run */
  handled: boolean;
  /** skipped: 'condition' (its `when:` was false, or a dependency's) or 'failure' (a dependency failed) */
  skipReason: 'condition' | 'failure' | null;
  /** `expands: true`: how many tasks its plan fragment added */
  expanded: number | null;
  /** the dependencies it lists with `after: any` */
  anyDeps: string[];
}

/** A decision on an approval gate. */
export interface ApprovalRecord {
  decision: 'approve' | 'reject';
  /** "ana@laptop", or "timeout" */
  by: string;
  /** ISO 8601 */
  at: string;
  note: string | null;
  timedOut: boolean;
}
