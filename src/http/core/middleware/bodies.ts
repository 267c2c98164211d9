// Body parsers with small limits (DESIGN: JSON 64 kB, forms 128 kB): a larger body is a 413.
import express from 'express';

/** The public licensing form: up to 20 article rows of 4 fields and the rest. */
export const publicFormBody = express.urlencoded({ extended: false, limit: '128kb', parameterLimit: 1000 });

/** Desk and admin forms. */
export const deskFormBody = express.urlencoded({ extended: false, limit: '128kb', parameterLimit: 200 });

/** strict: only objects and arrays at the top; the schema then wants an object. */
export const jsonBody = express.json({ limit: '64kb', strict: true, type: 'application/json' });
