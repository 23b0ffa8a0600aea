import type { NotifySpec } from '@agentfleet/core';
import type { Notice } from '@agentfleet/store';
import type { Message } from './messages.js';

const EMOJI: Record<Message['tone'], string> = { ok: '✅', bad: '❌', wait: '⏸️', info: 'ℹ️' };

/** The request body a webhook of this format takes. */
export function payload(format: NotifySpec['format'], n: Notice, m: Message): unknown {
  switch (format) {
    case 'slack':
      // Slack's mrkdwn: &, < and > are escaped; <url|label> is a link
      return { text: `${EMOJI[m.tone]} ${slackEscape(m.text)}${m.url ? ` <${m.url}|open in the console>` : ''}` };
    case 'discord':
      // content is at most 2000 characters; no @everyone / role pings from task messages
      return { content: `${EMOJI[m.tone]} ${m.text}${m.url ? `\n${m.url}` : ''}`.slice(0, 2000), allowed_mentions: { parse: [] } };
    case 'json':
      return { id: n.id, type: n.type, at: new Date(n.at).toISOString(), ...n.fields, text: m.text, url: m.url };
  }
}

function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
