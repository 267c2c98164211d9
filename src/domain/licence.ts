// Licence numbers: one licence per request, so its number follows the request's.

/** REP-2026-000123 → LIC-2026-000123. */
export const licenceNumberFor = (reference: string): string => reference.replace(/^REP-/, 'LIC-');

/** A verification code as printed: 20 hex digits in groups of four ("3f9a-…"). */
export const formatLicenceCode = (code: string): string => code.match(/.{1,4}/g)?.join('-') ?? code;

/** What a person typed as a code, as stored: hex digits only, lower case (dashes, spaces and case ignored). */
export const normaliseLicenceCode = (typed: string): string => typed.toLowerCase().replace(/[^0-9a-f]/g, '');

/** LIC-2026-000123, however it was typed (case, spaces around it). */
export const LICENCE_NUMBER_PATTERN = /^LIC-\d{4}-\d{6}$/;

/** A licence as the desk sorts them: in force (or starting later), ending soon, ended, revoked. */
export const LICENCE_STATES = ['active', 'ending', 'ended', 'revoked'] as const;
export type LicenceState = (typeof LICENCE_STATES)[number];
