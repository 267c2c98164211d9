// The request workflow: which status each action, the desk's or the requester's, leads to (RULES below; in words in
// the README's workflow table). Every status change goes through transition(); pages only offer allowedActions().
import { AppError } from '../errors.js';

export const STATUSES = [
  'new',
  'in_review',
  'quoted',
  'accepted',
  'licensed',
  'declined',
  'withdrawn',
  'spam',
] as const;
export type Status = (typeof STATUSES)[number];

export const ACTIONS = ['start_review', 'send_quote', 'license', 'decline', 'withdraw', 'mark_spam'] as const;
export type Action = (typeof ACTIONS)[number];

export const REQUESTER_ACTIONS = ['accept_quote', 'license_now', 'decline_quote', 'withdraw_request'] as const;
export type RequesterAction = (typeof REQUESTER_ACTIONS)[number];

const RULES: Record<Action | RequesterAction, { from: readonly Status[]; to: Status }> = {
  start_review: { from: ['new'], to: 'in_review' },
  send_quote: { from: ['in_review', 'quoted'], to: 'quoted' },
  license: { from: ['quoted', 'accepted'], to: 'licensed' },
  decline: { from: ['new', 'in_review', 'quoted', 'accepted'], to: 'declined' },
  withdraw: { from: ['new', 'in_review', 'quoted', 'accepted'], to: 'withdrawn' },
  mark_spam: { from: ['new', 'in_review'], to: 'spam' },
  accept_quote: { from: ['quoted'], to: 'accepted' },
  license_now: { from: ['new'], to: 'licensed' },
  decline_quote: { from: ['quoted'], to: 'declined' },
  withdraw_request: { from: ['new', 'in_review', 'quoted', 'accepted'], to: 'withdrawn' },
};

/** Final statuses: the request is closed (retention counts from then) and no action applies. */
export const CLOSED: readonly Status[] = ['licensed', 'declined', 'withdrawn', 'spam'];

/** Statuses where the desk owes the requester an answer (what "overdue" is about). */
export const AWAITING_DESK: readonly Status[] = ['new', 'in_review'];

export const isStatus = (value: unknown): value is Status => (STATUSES as readonly unknown[]).includes(value);
export const isAction = (value: unknown): value is Action => (ACTIONS as readonly unknown[]).includes(value);

export const canApply = (from: Status, action: Action | RequesterAction) => RULES[action].from.includes(from);

/** The desk's actions from this status. */
export function allowedActions(from: Status): Action[] {
  return ACTIONS.filter((action) => canApply(from, action));
}

export class TransitionError extends AppError {
  constructor(
    readonly from: Status,
    readonly action: Action | RequesterAction,
  ) {
    const message = `A request that is ${STATUS_LABELS[from].toLowerCase()} cannot be ${ACTION_PAST[action]}.`;
    super(409, 'transition_not_allowed', message);
  }
}

/** The status after `action`, or a TransitionError (409) when the action is not allowed from `from`. */
export function transition(from: Status, action: Action | RequesterAction): Status {
  if (!canApply(from, action)) throw new TransitionError(from, action);
  return RULES[action].to;
}

export const STATUS_LABELS: Record<Status, string> = {
  new: 'New',
  in_review: 'In review',
  quoted: 'Quoted',
  accepted: 'Accepted',
  licensed: 'Licensed',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
  spam: 'Spam',
};

const ACTION_PAST: Record<Action | RequesterAction, string> = {
  start_review: 'taken into review',
  send_quote: 'quoted',
  license: 'licensed',
  decline: 'declined',
  withdraw: 'withdrawn',
  mark_spam: 'marked as spam',
  accept_quote: 'accepted',
  license_now: 'licensed at once',
  decline_quote: 'declined',
  withdraw_request: 'withdrawn',
};
