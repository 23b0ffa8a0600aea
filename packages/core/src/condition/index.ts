export { celName, OUTCOME_FIELDS, OUTCOME_STATUSES, REVIEW_VERDICTS, FORBIDDEN_KEYS } from './names.js';
export { checkCondition, conditionNames, type ConditionCheck } from './check.js';
export { evaluateCondition, type ConditionResult, type DependencyOutcome } from './evaluate.js';
