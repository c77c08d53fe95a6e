// The real twilio SDK, optionally pointed at another API origin (tests' fake server, a proxy).
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

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
