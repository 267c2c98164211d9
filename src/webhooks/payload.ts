// What a webhook carries. Standard format: {type, timestamp, data}, where data names the request by reference and
// status and links to it in the desk, never its personal data (a receiver that needs more reads the API with a
// token). Chat format: one line of text with a link to the desk, as Slack-compatible incoming webhooks take it.

export const EVENT_TYPES = [
  'request.created',
  'request.status_changed',
  'quote.sent',
  'quote.accepted',
  'licence.issued',
  'licence.revoked',
  'message.received',
  'overdue.digest',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The events a chat channel is told of. */
export const CHAT_EVENTS: readonly EventType[] = [
  'request.created',
  'quote.accepted',
  'message.received',
  'licence.issued',
];

interface EventData {
  /** overdue.digest: how many, the oldest references, and the rule. */
  count?: number;
  references?: string[];
  workingDays?: number;
  reference?: string;
  status?: string;
  previousStatus?: string | null;
  licenceNumber?: string | null;
}

const LINES: Record<string, (data: EventData) => string> = {
  'request.created': (d) => `New licensing request ${d.reference}`,
  'request.status_changed': (d) => `${d.reference} is now ${d.status?.replace(/_/g, ' ')}`,
  'quote.sent': (d) => `Quote sent for ${d.reference}`,
  'quote.accepted': (d) => `Quote accepted for ${d.reference}: the licence can be issued`,
  'licence.issued': (d) => `Licence ${d.licenceNumber ?? ''} issued for ${d.reference}`.replace('  ', ' '),
  'licence.revoked': (d) => `Licence ${d.licenceNumber ?? ''} revoked (${d.reference})`.replace('  ', ' '),
  'message.received': (d) => `New message from the requester of ${d.reference}`,
  'overdue.digest': (d) =>
    `${d.count} request${d.count === 1 ? '' : 's'} overdue (no action for over ${d.workingDays} working days): ` +
    `${(d.references ?? []).join(', ')}${(d.count ?? 0) > (d.references ?? []).length ? ', …' : ''}`,
  'webhook.test': () => 'Test message from the licensing desk: this channel will get its notifications',
};

/** The body for an event, the same on every attempt. */
export function webhookBody(
  format: 'standard' | 'chat',
  event: { type: string; at: string; data: string },
  publicBaseUrl: string,
): string {
  const data = JSON.parse(event.data) as EventData;
  const desk = data.reference
    ? `${publicBaseUrl}/staff/requests/${data.reference}`
    : `${publicBaseUrl}/staff/requests${event.type === 'overdue.digest' ? '?overdue=1' : ''}`;
  if (format === 'chat') {
    const line = (LINES[event.type] ?? ((d: EventData) => `${event.type} ${d.reference ?? ''}`))(data);
    // Slack's mrkdwn link; Mattermost, Rocket.Chat and Teams workflows read the same field.
    return JSON.stringify({ text: `${line} — <${desk}|open in the desk>` });
  }
  return JSON.stringify({ type: event.type, timestamp: event.at, data: { ...data, links: { desk } } });
}
