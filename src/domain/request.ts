// The licensing request as the domain sees it, after validation against schemas/licensing-request.schema.json
// (the schema is the source of truth for fields and limits; these types mirror it for the compiler).

import type { ComputedQuote } from './quote-types.js';
import type { Status } from './workflow.js';

export type Locale = 'en' | 'fr' | 'ar';

/** A request's reference, e.g. REP-2026-000042 (the year, then a six-digit number within it). */
export const REFERENCE_PATTERN = /^REP-\d{4}-\d{6}$/;

export type OrganisationType =
  | 'newspaper'
  | 'magazine'
  | 'broadcaster'
  | 'online_publication'
  | 'news_agency'
  | 'ngo'
  | 'academic'
  | 'corporate'
  | 'government'
  | 'individual'
  | 'other';

export type Medium =
  'online' | 'print' | 'print_and_online' | 'broadcast' | 'newsletter' | 'intranet' | 'social_media' | 'book' | 'other';

export type Territory = 'single_country' | 'region' | 'worldwide';
type Portion = 'full' | 'extract';

interface Requester {
  name: string;
  email: string;
  phone?: string;
  jobTitle?: string;
}

interface Organisation {
  name: string;
  type: OrganisationType;
  country: string;
  website?: string;
  nonProfit: boolean;
}

export interface Article {
  url: string;
  title: string;
  portion: Portion;
  extractWords?: number;
}

export interface Usage {
  medium: Medium;
  territory: Territory;
  countries?: string[];
  language: string;
  translation: boolean;
  audience: number;
  startDate: string; // YYYY-MM-DD
  durationMonths: number;
  exclusive: boolean;
  commercial: boolean;
  images: boolean;
}

export interface LicensingRequest {
  locale?: Locale;
  requester: Requester;
  organisation: Organisation;
  articles: Article[];
  usage: Usage;
  message?: string;
  consent: true;
}

/** What the quote engine needs: a licensing request without who is asking. */
export interface QuoteInput {
  organisation?: Partial<Organisation>;
  articles: Article[];
  usage: Usage;
}

/** A licensing request as stored: what the requester sent, with its reference, status and quote. */
export interface StoredRequest extends LicensingRequest {
  id: number;
  reference: string;
  accessToken: string;
  status: Status;
  locale: Locale;
  quote: ComputedQuote;
  createdAt: string;
  updatedAt: string;
}
