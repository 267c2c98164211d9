// One home for what the service takes as an email address (desk accounts, erasure look-ups, configured
// senders). The requester's address is checked by the JSON Schema's "email" format.

/** local@domain: no spaces, no angle brackets, one @. Deliberately loose: the mail server has the last word. */
const ADDRESS = '[^\\s@<>]+@[^\\s@<>]+';
const ADDRESS_ONLY = new RegExp(`^${ADDRESS}$`);
/** "Name <local@domain>" or the bare address, as MAIL_FROM and DESK_EMAIL may be written. */
const MAILBOX = new RegExp(`^([^<>\\r\\n]*<)?${ADDRESS}>?$`);

const MAX_EMAIL_LENGTH = 254;

export const isEmailAddress = (value: string): boolean => value.length <= MAX_EMAIL_LENGTH && ADDRESS_ONLY.test(value);

export const isMailbox = (value: string): boolean => MAILBOX.test(value);

/** Desk accounts are found by the address in lower case, whatever case was typed. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
