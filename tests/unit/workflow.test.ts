// The workflow table: every (status, action) pair is allowed or refused as the
// desk's process says, and refusals never change anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACTIONS,
  REQUESTER_ACTIONS,
  CLOSED,
  STATUSES,
  allowedActions,
  transition,
  TransitionError,
  type Action,
  type RequesterAction,
  type Status,
} from '../../src/domain/workflow.js';
import { CLOSED_SQL } from '../../src/db/repos/retention.js';
import { readMigrations } from '../../src/db/migrate.js';
import { ageLabel, isOverdue, workingDaysBefore } from '../../src/domain/overdue.js';

const EXPECTED: Record<Status, Partial<Record<Action | RequesterAction, Status>>> = {
  new: {
    start_review: 'in_review',
    decline: 'declined',
    withdraw: 'withdrawn',
    mark_spam: 'spam',
    license_now: 'licensed',
    withdraw_request: 'withdrawn',
  },
  in_review: {
    send_quote: 'quoted',
    decline: 'declined',
    withdraw: 'withdrawn',
    mark_spam: 'spam',
    withdraw_request: 'withdrawn',
  },
  quoted: {
    send_quote: 'quoted',
    license: 'licensed',
    decline: 'declined',
    withdraw: 'withdrawn',
    accept_quote: 'accepted',
    decline_quote: 'declined',
    withdraw_request: 'withdrawn',
  },
  accepted: { license: 'licensed', decline: 'declined', withdraw: 'withdrawn', withdraw_request: 'withdrawn' },
  licensed: {},
  declined: {},
  withdrawn: {},
  spam: {},
};

for (const from of STATUSES) {
  for (const action of [...ACTIONS, ...REQUESTER_ACTIONS]) {
    const to = EXPECTED[from][action];
    test(`${from} + ${action} → ${to ?? 'refused'}`, () => {
      if (to) assert.equal(transition(from, action), to);
      else
        assert.throws(
          () => transition(from, action),
          (e: unknown) => e instanceof TransitionError && e.status === 409,
        );
    });
  }
}

test('allowedActions lists exactly the allowed ones', () => {
  for (const from of STATUSES)
    assert.deepEqual(
      allowedActions(from),
      ACTIONS.filter((a) => EXPECTED[from][a]),
    );
});

test('working days skip the weekend', () => {
  // Monday 10:00 minus 2 working days is Thursday 10:00.
  assert.equal(workingDaysBefore(new Date('2026-11-30T10:00:00Z'), 2).toISOString(), '2026-11-26T10:00:00.000Z');
  assert.equal(workingDaysBefore(new Date('2026-11-26T10:00:00Z'), 2).toISOString(), '2026-11-24T10:00:00.000Z');
});

test('overdue: only requests awaiting the desk, after N working days without action', () => {
  const friday = '2026-11-27T10:00:00Z';
  assert.equal(isOverdue('new', friday, new Date('2026-11-30T10:00:00Z'), 2), false);
  assert.equal(isOverdue('new', friday, new Date('2026-12-01T10:00:01Z'), 2), true);
  assert.equal(isOverdue('in_review', friday, new Date('2026-12-01T10:00:01Z'), 2), true);
  assert.equal(isOverdue('quoted', friday, new Date('2026-12-10T10:00:00Z'), 2), false);
  assert.equal(isOverdue('new', friday, new Date('2026-12-01T10:00:01Z'), 3), false);
});

test('age labels', () => {
  const now = new Date('2026-11-30T10:00:00Z');
  assert.equal(ageLabel('2026-11-30T09:50:00Z', now), '10 min');
  assert.equal(ageLabel('2026-11-29T10:00:00Z', now), '24 h');
  assert.equal(ageLabel('2026-11-25T10:00:00Z', now), '5 days');
});

test('the closed statuses are the final ones, and the retention index lists them as the retention query does', () => {
  for (const status of STATUSES) assert.equal(CLOSED.includes(status), allowedActions(status).length === 0, status);
  const index = readMigrations().find((m) => m.name.startsWith('0014_'))!.sql;
  assert.ok(index.includes(`status IN (${CLOSED_SQL})`), index);
});
