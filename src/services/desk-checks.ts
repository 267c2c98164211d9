// The rules for what the desk types into the quote and licence forms, in words they can act on (422 with a
// message per field, the form shown again).
import type { DeskFields, LicenceChange, QuoteChange } from '../db/repos/desk-requests.js';
import { AppError, type FieldError } from '../errors.js';
import { isIsoDate } from '../domain/dates.js';

export interface QuoteInput {
  /** null: send the indicative quote as computed. */
  finalFeeMinor: number | null;
  feeReason: string;
  validUntil: string;
}

export interface LicenceInput {
  start: string;
  end: string;
  creditLine: string;
  linkBack: string;
}

const MAX_FEE_MINOR = 100_000_000_00;

function fail(errors: FieldError[]): never {
  throw new AppError(422, 'invalid_desk_input', errors.map((error) => error.message).join(' '), errors);
}

export function checkQuote(input: QuoteInput, fields: DeskFields, now: string): QuoteChange {
  const errors: FieldError[] = [];
  const problem = (path: string, message: string) => errors.push({ path, message });
  const reason = input.feeReason.trim();
  if (input.finalFeeMinor === null) {
    if (fields.quote_total_minor === null) {
      problem('final_fee', 'This request has no indicative fee: set a final fee.');
    }
  } else {
    if (!Number.isSafeInteger(input.finalFeeMinor) || input.finalFeeMinor < 0 || input.finalFeeMinor > MAX_FEE_MINOR) {
      problem('final_fee', 'Enter the final fee as an amount such as 450 or 450.00.');
    }
    if (!reason) problem('fee_reason', 'Say why the fee differs from the indicative quote.');
    if (reason.length > 2000) problem('fee_reason', 'Keep the reason under 2,000 characters.');
  }
  if (!isIsoDate(input.validUntil)) problem('valid_until', 'Enter the validity date as YYYY-MM-DD.');
  else if (input.validUntil < now.slice(0, 10)) problem('valid_until', 'The quote must be valid until today or later.');
  if (errors.length) fail(errors);
  const feeReason = input.finalFeeMinor === null ? null : reason;
  return { finalFeeMinor: input.finalFeeMinor, feeReason, validUntil: input.validUntil };
}

export function checkLicence(input: LicenceInput): Omit<LicenceChange, 'number' | 'code' | 'conditionsVersion'> {
  const errors: FieldError[] = [];
  const problem = (path: string, message: string) => errors.push({ path, message });
  const creditLine = input.creditLine.trim();
  const linkBack = input.linkBack.trim();
  if (!isIsoDate(input.start)) problem('licence_start', 'Enter the start date as YYYY-MM-DD.');
  if (!isIsoDate(input.end)) problem('licence_end', 'Enter the end date as YYYY-MM-DD.');
  else if (isIsoDate(input.start) && input.end <= input.start) {
    problem('licence_end', 'The end date must be after the start date.');
  }
  if (!creditLine || creditLine.length > 300) problem('credit_line', 'Enter the credit line (up to 300 characters).');
  let url: URL | undefined;
  try {
    url = new URL(linkBack);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || linkBack.length > 2000) {
    problem('link_back', 'Enter the address to link back to, starting with https://.');
  }
  if (errors.length) fail(errors);
  return { start: input.start, end: input.end, creditLine, linkBack };
}

/** "450", "450.5", "1,250.00" → minor units for a currency with `digits` decimals; undefined when not an amount. */
export function parseAmount(raw: string, digits: number): number | undefined {
  const amount = raw.trim().replace(/[,\s\u00a0]/g, '');
  const match = new RegExp(`^(\\d{1,12})(?:\\.(\\d{1,${Math.max(digits, 1)}}))?$`).exec(amount);
  if (!match || (digits === 0 && match[2])) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
}
