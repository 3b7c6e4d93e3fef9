/**
 * Errors the user can act on. Each becomes one line on stderr and exit code 2, never a stack trace.
 */

export const EXIT_READY = 0;
export const EXIT_MISSING = 1;
export const EXIT_ERROR = 2;

export type VerifyErrorKind =
  | 'usage'
  | 'report'
  | 'no-credentials'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'access-denied'
  | 'throttled'
  | 'network'
  | 'aws';

export class VerifyError extends Error {
  public readonly exitCode = EXIT_ERROR;
  /** The AWS API error code behind it (`AccessDeniedException`, ...), when there is one. */
  public apiErrorCode?: string;

  constructor(public readonly kind: VerifyErrorKind, message: string) {
    super(message);
    this.name = 'VerifyError';
  }
}

/** What the command was doing when a call failed: shown in AccessDenied and throttling messages. */
export interface AwsCallContext {
  /** IAM action, e.g. `cloudwatch:DescribeAlarms`. */
  readonly action: string;
  /** Resource the call was about (stack name, alarm names, secret ARN). */
  readonly resource: string;
  readonly region?: string;
  readonly profile?: string;
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const INVALID = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'AuthFailure',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'NotAuthorized']);
// The SDK's own list of throttling codes (util-retry), plus what these three services return.
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'RequestThrottled',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'TimeoutError']);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function errorCode(err: SdkLikeError): string {
  return err.name && err.name !== 'Error' ? err.name : err.Code ?? err.code ?? 'Error';
}

/** The first sentence of an AWS message, without anything that could be long or sensitive. */
function firstLine(message: string | undefined): string {
  const line = (message ?? '').split('\n')[0].trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function refreshHint(profile?: string): string {
  return profile
    ? `aws sso login --profile ${profile}, or renew the profile's keys`
    : 'aws sso login, or export new AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN';
}

/** True for the errors the credential provider chain throws when it finds nothing. */
export function isNoCredentials(err: unknown): boolean {
  const e = err as SdkLikeError;
  return (
    e?.name === 'CredentialsProviderError' ||
    /Could not load credentials from any providers/i.test(e?.message ?? '') ||
    /Could not resolve credentials using profile/i.test(e?.message ?? '')
  );
}

/** Turns an SDK or credential-provider error into a one-line `VerifyError` that keeps the API error code. */
export function toVerifyError(err: unknown, ctx: AwsCallContext): VerifyError {
  if (err instanceof VerifyError) return err;
  const result = classify(err, ctx);
  const code = errorCode((err ?? {}) as SdkLikeError);
  if (code !== 'Error') result.apiErrorCode = code;
  else if ((err as SdkLikeError)?.code) result.apiErrorCode = (err as SdkLikeError).code;
  return result;
}

function classify(err: unknown, ctx: AwsCallContext): VerifyError {
  const e = (err ?? {}) as SdkLikeError;
  const code = errorCode(e);
  const message = e.message ?? String(err);
  const where = ctx.region ? ` in ${ctx.region}` : '';

  if (/Region is missing/i.test(message)) {
    return new VerifyError('usage', 'No AWS region: pass --region, set AWS_REGION, or set region in the profile.');
  }
  if (EXPIRED.has(code) || /(token|session|credentials).*(expired|is expired)|expired.*(token|session)/i.test(message)) {
    return new VerifyError(
      'expired-credentials',
      `AWS credentials have expired (${code === 'Error' ? 'expired token' : code}): refresh them (${refreshHint(ctx.profile)}) and run again.`,
    );
  }
  if (isNoCredentials(err) || code === 'TokenProviderError') {
    if (ctx.profile) {
      return new VerifyError(
        'no-credentials',
        `No AWS credentials for profile "${ctx.profile}": check ~/.aws/config and ~/.aws/credentials, or run aws sso login --profile ${ctx.profile}.`,
      );
    }
    return new VerifyError(
      'no-credentials',
      'No AWS credentials found: pass --profile, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    );
  }
  if (INVALID.has(code)) {
    return new VerifyError(
      'invalid-credentials',
      `AWS rejected the credentials (${code}) calling ${ctx.action}${where}: check the access key or profile.`,
    );
  }
  if (DENIED.has(code) || e.$metadata?.httpStatusCode === 403) {
    return new VerifyError(
      'access-denied',
      `Access denied: ${ctx.action} on ${ctx.resource}${where} (${code}). Grant ${ctx.action} to the caller; the README lists the policy the command needs.`,
    );
  }
  if (THROTTLED.has(code) || e.$metadata?.httpStatusCode === 429) {
    const attempts = e.$metadata?.attempts;
    return new VerifyError(
      'throttled',
      `Throttled: ${ctx.action}${where} was still throttled after ${attempts ?? 'several'} attempt${attempts === 1 ? '' : 's'} with backoff (${code}). Run again later, or raise AWS_MAX_ATTEMPTS.`,
    );
  }
  if (NETWORK.has(code) || NETWORK.has(e.code ?? '')) {
    return new VerifyError(
      'network',
      `Cannot reach AWS for ${ctx.action}${where} (${e.code ?? code}): check the network, proxy or AWS_ENDPOINT_URL_* settings.`,
    );
  }
  return new VerifyError('aws', `${ctx.action} on ${ctx.resource}${where} failed: ${code}: ${firstLine(message)}`);
}
