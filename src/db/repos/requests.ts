// The requests table and its articles: writing a validated request and reading it back.
import type { Db } from '../connection.js';
import type { Article, LicensingRequest, Locale, StoredRequest } from '../../domain/request.js';

export type { StoredRequest };
import type { ComputedQuote } from '../../domain/quote-types.js';
import type { Status } from '../../domain/workflow.js';

export interface RequestRow {
  id: number;
  reference: string;
  access_token: string;
  status: Status;
  locale: Locale;
  requester_name: string;
  requester_email: string;
  requester_phone: string | null;
  requester_job_title: string | null;
  org_name: string;
  org_type: string;
  org_country: string;
  org_website: string | null;
  org_non_profit: number;
  medium: string;
  territory: string;
  countries: string;
  language: string;
  translation: number;
  audience: number;
  start_date: string;
  duration_months: number;
  exclusive: number;
  commercial: number;
  images: number;
  message: string | null;
  quote_json: string;
  quote_total_minor: number | null;
  currency: string;
  refer_to_desk: number;
  rate_card_version: string;
  created_at: string;
  updated_at: string;
}

interface ArticleRow {
  request_id: number;
  position: number;
  url: string;
  title: string;
  portion: 'full' | 'extract';
  extract_words: number | null;
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

function rowToRequest(row: RequestRow, articles: ArticleRow[]): StoredRequest {
  return {
    id: row.id,
    reference: row.reference,
    accessToken: row.access_token,
    status: row.status,
    locale: row.locale,
    requester: {
      name: row.requester_name,
      email: row.requester_email,
      phone: orUndefined(row.requester_phone),
      jobTitle: orUndefined(row.requester_job_title),
    },
    organisation: {
      name: row.org_name,
      type: row.org_type as StoredRequest['organisation']['type'],
      country: row.org_country,
      website: orUndefined(row.org_website),
      nonProfit: row.org_non_profit === 1,
    },
    articles: articles.map((article): Article => ({
      url: article.url,
      title: article.title,
      portion: article.portion,
      extractWords: orUndefined(article.extract_words),
    })),
    usage: {
      medium: row.medium as StoredRequest['usage']['medium'],
      territory: row.territory as StoredRequest['usage']['territory'],
      countries: row.countries ? row.countries.split(' ') : undefined,
      language: row.language,
      translation: row.translation === 1,
      audience: row.audience,
      startDate: row.start_date,
      durationMonths: row.duration_months,
      exclusive: row.exclusive === 1,
      commercial: row.commercial === 1,
      images: row.images === 1,
    },
    message: orUndefined(row.message),
    consent: true,
    quote: JSON.parse(row.quote_json) as ComputedQuote,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewRequest {
  request: LicensingRequest;
  locale: Locale;
  quote: ComputedQuote;
  accessToken: string;
  now: string;
  /** The licensed request this one asks to renew (from its renewal link). */
  renewsRequestId?: number;
}

export function requestsRepo(db: Db) {
  const bumpCounter = db.prepare(
    `INSERT INTO reference_counters (year, last) VALUES (?, 1)
     ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
  );
  const insert = db.prepare(`INSERT INTO requests (
      reference, access_token, locale, requester_name, requester_email, requester_phone, requester_job_title,
      org_name, org_type, org_country, org_website, org_non_profit,
      medium, territory, countries, language, translation, audience, start_date, duration_months,
      exclusive, commercial, images, message, quote_json, quote_total_minor, currency, refer_to_desk,
      rate_card_version, created_at, updated_at, renews_request_id)
    VALUES (@reference, @access_token, @locale,
      @requester_name, @requester_email, @requester_phone, @requester_job_title,
      @org_name, @org_type, @org_country, @org_website, @org_non_profit,
      @medium, @territory, @countries, @language, @translation, @audience, @start_date, @duration_months,
      @exclusive, @commercial, @images, @message, @quote_json, @quote_total_minor, @currency, @refer_to_desk,
      @rate_card_version, @created_at, @updated_at, @renews_request_id)`);
  const insertArticle = db.prepare(`INSERT INTO request_articles
    (request_id, position, url, title, portion, extract_words) VALUES (?, ?, ?, ?, ?, ?)`);
  // The desk's full-text row, written once with the articles (migrations/0018 says why not by trigger),
  // and the filters' terms from the request row just inserted (migrations/0024).
  const insertSearch = db.prepare(`INSERT INTO request_search
    (rowid, reference, requester, organisation, articles, facets)
    VALUES (@id, @reference, @requester, @organisation, @articles,
      (SELECT facets FROM request_search_facets WHERE id = @id))`);
  const byToken = db.prepare('SELECT * FROM requests WHERE access_token = ?');
  const byReference = db.prepare('SELECT * FROM requests WHERE reference = ?');
  const byId = db.prepare('SELECT * FROM requests WHERE id = ?');
  const articlesOf = db.prepare('SELECT * FROM request_articles WHERE request_id = ? ORDER BY position');

  const load = (row: RequestRow | undefined) =>
    row ? rowToRequest(row, articlesOf.all(row.id) as ArticleRow[]) : undefined;

  return {
    /** Call inside a write transaction: the reference counter and the rows move together. */
    insert({ request, locale, quote, accessToken, now, renewsRequestId }: NewRequest): {
      id: number;
      reference: string;
    } {
      const year = Number(now.slice(0, 4));
      const { last } = bumpCounter.get(year) as { last: number };
      const reference = `REP-${year}-${String(last).padStart(6, '0')}`;
      const { requester, organisation, usage } = request;
      const bit = (value: boolean) => (value ? 1 : 0);
      const { lastInsertRowid } = insert.run({
        reference,
        access_token: accessToken,
        locale,
        requester_name: requester.name,
        requester_email: requester.email,
        requester_phone: orNull(requester.phone),
        requester_job_title: orNull(requester.jobTitle),
        org_name: organisation.name,
        org_type: organisation.type,
        org_country: organisation.country,
        org_website: orNull(organisation.website),
        org_non_profit: bit(organisation.nonProfit),
        medium: usage.medium,
        territory: usage.territory,
        countries: (usage.countries ?? []).join(' '),
        language: usage.language,
        translation: bit(usage.translation),
        audience: usage.audience,
        start_date: usage.startDate,
        duration_months: usage.durationMonths,
        exclusive: bit(usage.exclusive),
        commercial: bit(usage.commercial),
        images: bit(usage.images),
        message: orNull(request.message),
        quote_json: JSON.stringify(quote),
        quote_total_minor: quote.totalMinor,
        currency: quote.currency,
        refer_to_desk: bit(quote.referToDesk),
        rate_card_version: quote.rateCardVersion,
        created_at: now,
        updated_at: now,
        renews_request_id: renewsRequestId ?? null,
      });
      const id = Number(lastInsertRowid);
      request.articles.forEach((article, i) =>
        insertArticle.run(id, i + 1, article.url, article.title, article.portion, orNull(article.extractWords)),
      );
      insertSearch.run({
        id,
        reference,
        requester: `${requester.name} ${requester.email}`,
        organisation: organisation.name,
        articles: request.articles.map((article) => `${article.title} ${article.url}`).join(' '),
      });
      return { id, reference };
    },
    findByAccessToken: (token: string) => load(byToken.get(token) as RequestRow | undefined),
    findByReference: (reference: string) => load(byReference.get(reference) as RequestRow | undefined),
    findById: (id: number) => load(byId.get(id) as RequestRow | undefined),
  };
}

export type RequestsRepo = ReturnType<typeof requestsRepo>;
