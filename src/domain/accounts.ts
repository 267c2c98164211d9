// The people who work the desk: their accounts as the rest of the service knows them, and
// how the audit log names whoever made a change.
export type Role = 'staff' | 'admin';
export const isRole = (value: unknown): value is Role => value === 'staff' || value === 'admin';

/** A desk account: never its password hash. */
export interface User {
  id: number;
  email: string;
  role: Role;
  disabledAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

/** Who made a change, as the audit log records it. */
export interface Actor {
  id: number | null;
  /** The user's email, or 'cli' / 'system'. */
  label: string;
}

export const SYSTEM: Actor = { id: null, label: 'system' };
export const CLI: Actor = { id: null, label: 'cli' };
/** The requester, acting on their own page (their name is personal data: the audit log does not hold it). */
export const REQUESTER: Actor = { id: null, label: 'requester' };
