import {
  CrawlerRunningException,
  GetCrawlerCommand,
  type GlueClient,
  type LastCrawlInfo,
  StartCrawlerCommand,
} from '@aws-sdk/client-glue';
import { type PollOptions, pollUntil } from './poll.js';

/** What one crawl did. */
export interface CrawlRun {
  crawler: string;
  /** True when a crawl was already running and this run waited for it instead of starting one. */
  joined: boolean;
  /** LastCrawl.Status: SUCCEEDED on AWS (moto says COMPLETED). */
  status: string;
  durationMs: number;
}

/** The crawl ended FAILED or CANCELLED; `message` is Glue's LastCrawl.ErrorMessage. */
export class CrawlFailedError extends Error {
  override readonly name = 'CrawlFailedError';
  readonly code = 'CRAWL_FAILED';
  constructor(
    readonly crawler: string,
    readonly status: string,
    readonly logs: string | undefined,
    detail: string,
  ) {
    super(`crawler ${crawler} ${status}: ${detail}`);
  }
}

export interface CrawlOptions extends PollOptions {
  /** Told of each crawler state seen while waiting (RUNNING, STOPPING, READY). */
  onState?: (state: string) => void;
}

const crawlKey = (c: LastCrawlInfo | undefined): string =>
  `${c?.StartTime?.toISOString() ?? ''}|${c?.MessagePrefix ?? ''}`;

/**
 * Runs the Glue crawler to completion: starts it, or joins the crawl already running
 * (CrawlerRunningException), then polls GetCrawler with backoff until the crawler is READY again
 * with a crawl newer than the one before, and checks that crawl's status. A timeout leaves the
 * crawl running (WaitTimeoutError): running the command again joins it.
 */
export async function runCrawler(glue: GlueClient, name: string, options: CrawlOptions): Promise<CrawlRun> {
  const started = performance.now();
  const before = (await glue.send(new GetCrawlerCommand({ Name: name }))).Crawler;
  let joined = before?.State !== 'READY';
  if (!joined) {
    try {
      await glue.send(new StartCrawlerCommand({ Name: name }));
    } catch (err) {
      if (!(err instanceof CrawlerRunningException)) throw err;
      joined = true;
    }
  }
  let seen: string | undefined;
  let sawBusy = joined;
  const last = await pollUntil(
    `Glue crawler ${name}`,
    async () => {
      const crawler = (await glue.send(new GetCrawlerCommand({ Name: name }))).Crawler;
      const state = crawler?.State ?? 'UNKNOWN';
      if (state !== seen) options.onState?.(state);
      seen = state;
      if (state !== 'READY') {
        sawBusy = true;
        return { state, done: false };
      }
      // READY before our crawl shows up would report the previous crawl: wait for a new one.
      const fresh = sawBusy || crawlKey(crawler?.LastCrawl) !== crawlKey(before?.LastCrawl);
      return fresh ? { state, done: true, value: crawler?.LastCrawl } : { state, done: false };
    },
    options,
  );
  const status = last?.Status ?? 'UNKNOWN';
  if (status === 'FAILED' || status === 'CANCELLED') {
    const logs = last?.LogGroup ? `CloudWatch ${last.LogGroup} / ${last.LogStream ?? name}` : undefined;
    throw new CrawlFailedError(name, status, logs, last?.ErrorMessage ?? 'no message');
  }
  return { crawler: name, joined, status, durationMs: performance.now() - started };
}
