// A stand-in responder that answers each llm-agent conversation by where it stands: the task
// (the case) it is for, the model asked (so the tier), the turn, and for first turns how many
// conversations of that task and model came before: so parallel trials of many cases get their
// own scripted answers, and "solves it 2 times out of 3" can be scripted.
import type { RecordedRequest, StandinReply } from './standin-base.js';

export interface ConversationTurn {
  /** the task id the llm agent puts first in its prompt ("Task 'add': ...") */
  taskId: string;
  model: string;
  /** 1 for the first model call of a conversation, then one more per assistant message */
  turn: number;
  /** first turns: this is the n-th conversation (from 1) of this task with this model; 0 on later turns */
  trial: number;
  /** a fix round's conversation: its prompt says which check failed */
  fixRound: boolean;
  /** the tool results the conversation holds so far */
  toolResults: string[];
  request: RecordedRequest;
}

type Message = { role?: string; content?: unknown };

export function byConversation(answer: (turn: ConversationTurn) => StandinReply): (req: RecordedRequest) => StandinReply {
  const trials = new Map<string, number>();
  return (request) => {
    const messages = Array.isArray(request.body.messages) ? (request.body.messages as Message[]) : [];
    const first = messages.find((m) => m.role === 'user');
    const prompt = typeof first?.content === 'string' ? first.content : '';
    const taskId = /^Task '([^']+)'/.exec(prompt)?.[1] ?? '?';
    const model = typeof request.body.model === 'string' ? request.body.model : '?';
    const turn = messages.filter((m) => m.role === 'assistant').length + 1;
    let trial = 0;
    if (turn === 1) {
      const key = `${taskId}|${model}`;
      trial = (trials.get(key) ?? 0) + 1;
      trials.set(key, trial);
    }
    const toolResults = messages.filter((m) => m.role === 'tool').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
    return answer({ taskId, model, turn, trial, fixRound: /## Fix round \d+ of \d+/.test(prompt), toolResults, request });
  };
}
