import { toVerifyError, VerifyError } from '../../lib/verify/errors';

const ctx = { action: 'cloudwatch:DescribeAlarms', resource: 'alarm A', region: 'eu-west-1' };
const sdkError = (name: string, message: string, $metadata: object = {}) => Object.assign(new Error(message), { name, $metadata });

describe('toVerifyError: one actionable line per failure', () => {
  test.each([
    ['no credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'no-credentials', /^No AWS credentials found: pass --profile, set AWS_PROFILE/],
    ['expired token', sdkError('ExpiredToken', 'The security token included in the request is expired'), 'expired-credentials', /^AWS credentials have expired \(ExpiredToken\): refresh them/],
    ['expired SSO session', Object.assign(new Error('The SSO session associated with this profile has expired or is otherwise invalid.'), { name: 'CredentialsProviderError' }), 'expired-credentials', /expired/],
    ['bad key', sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.'), 'invalid-credentials', /AWS rejected the credentials \(InvalidClientTokenId\) calling cloudwatch:DescribeAlarms in eu-west-1/],
    ['access denied', sdkError('AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized', { httpStatusCode: 403 }), 'access-denied', /^Access denied: cloudwatch:DescribeAlarms on alarm A in eu-west-1/],
    ['throttled', sdkError('ThrottlingException', 'Rate exceeded', { httpStatusCode: 400, attempts: 3 }), 'throttled', /still throttled after 3 attempts with backoff \(ThrottlingException\)/],
    ['HTTP 429', sdkError('UnknownError', 'slow down', { httpStatusCode: 429 }), 'throttled', /throttled/],
    ['no region', new Error('Region is missing'), 'usage', /^No AWS region: pass --region/],
    ['unreachable endpoint', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'network', /Cannot reach AWS for cloudwatch:DescribeAlarms in eu-west-1 \(ECONNREFUSED\)/],
    ['anything else', sdkError('InternalFailure', 'boom\nsecond line'), 'aws', /^cloudwatch:DescribeAlarms on alarm A in eu-west-1 failed: InternalFailure: boom$/],
  ])('%s', (_label, err, kind, message) => {
    const v = toVerifyError(err, ctx);
    expect(v).toBeInstanceOf(VerifyError);
    expect(v.kind).toBe(kind);
    expect(v.exitCode).toBe(2);
    expect(v.message).toMatch(message);
    expect(v.message).not.toContain('\n');
  });

  test('a missing profile is named', () => {
    const err = Object.assign(new Error('Could not resolve credentials using profile: [ops] in configuration/credentials file(s).'), { name: 'CredentialsProviderError' });
    expect(toVerifyError(err, { ...ctx, profile: 'ops' }).message).toMatch(/^No AWS credentials for profile "ops"/);
  });
});
