// The real twilio SDK, optionally pointed at another API origin (tests' fake server, a proxy).
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { ChannelSendError } from '../contract.ts';

/**
 * The SDK builds https://api.twilio.com/… URLs itself and only knows Twilio's own edges;
 * this request client keeps everything the SDK built (path, form body, auth, headers) and swaps the origin.
 */
class OriginRewritingClient extends twilio.RequestClient {
  constructor(
    private readonly origin: URL,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, autoRetry: false });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    uri.protocol = this.origin.protocol;
    uri.host = this.origin.host;
    return super.request<TData>({ ...opts, uri: uri.href });
  }
}

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Origin to send API calls to instead of Twilio's; unset means Twilio itself. */
  apiBaseUrl?: string;
  timeoutMs: number;
}

export function createTwilioClient(opts: TwilioClientOptions): twilio.Twilio {
  const httpClient = opts.apiBaseUrl
    ? new OriginRewritingClient(new URL(opts.apiBaseUrl), opts.timeoutMs)
    : new twilio.RequestClient({ timeout: opts.timeoutMs, autoRetry: false });
  return twilio(opts.accountSid, opts.authToken, { httpClient });
}

/** Provider errors → coded errors the outbound worker can act on without reading messages. */
export function classifyTwilioError(error: unknown): ChannelSendError {
  if (error instanceof twilio.RestException) {
    const code = `twilio:${error.code ?? error.status}`;
    // 429 and 5xx are Twilio's way of saying "later"; other 4xx (invalid number, auth) will not get better.
    const retryable = error.status === 429 || error.status >= 500;
    return new ChannelSendError(error.message, code, retryable);
  }
  const message = error instanceof Error ? error.message : String(error);
  // No HTTP answer at all (timeout, connection refused): the request may or may not have reached Twilio.
  return new ChannelSendError(message, 'network', true);
}
