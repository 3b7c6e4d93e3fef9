import { DEV, PROD, STAGING } from '../../lib/config/stages';
import { isFargateSize, validateStageConfig } from '../../lib/config/validate-config';

describe('service and edge config validation', () => {
  test.each([DEV, STAGING, PROD])('the shipped $stage service config is valid and targets 10,000 concurrent users', (config) => {
    expect(() => validateStageConfig(config)).not.toThrow();
    expect(config.service.capacity.targetConcurrentUsers).toBe(10000);
  });

  test('prod fails when max tasks x concurrency per task misses the target', () => {
    expect(() => validateStageConfig({ ...PROD, service: { ...PROD.service, maxTasks: 19 } })).toThrow(
      /service\.maxTasks = 19: maxTasks x capacity\.concurrencyPerTask must reach capacity\.targetConcurrentUsers/,
    );
    // Dev may be smaller than the target: the rule reports it as a warning there.
    expect(() => validateStageConfig({ ...DEV, service: { ...DEV.service, maxTasks: 3 } })).not.toThrow();
  });

  test('prod runs a task per AZ; everywhere at least 2 tasks and room to scale', () => {
    expect(() => validateStageConfig({ ...PROD, service: { ...PROD.service, minTasks: 2, desiredTasks: 2 } })).toThrow(/service\.minTasks = 2: prod runs at least one task per availability zone/);
    expect(() => validateStageConfig({ ...DEV, service: { ...DEV.service, minTasks: 1, desiredTasks: 1 } })).toThrow(/service\.minTasks = 1: run at least 2 tasks/);
    expect(() => validateStageConfig({ ...DEV, service: { ...DEV.service, maxTasks: 2 } })).toThrow(/service\.maxTasks = 2: use more than service\.minTasks/);
  });

  test('images are pinned outside dev and certificates are ACM ARNs in the right region', () => {
    expect(() => validateStageConfig({ ...STAGING, service: { ...STAGING.service, image: 'public.ecr.aws/nginx/nginx:latest' } })).toThrow(/service\.image = "public\.ecr\.aws\/nginx\/nginx:latest": pin a version tag or digest/);
    expect(() => validateStageConfig({ ...PROD, service: { ...PROD.service, image: 'nginx' } })).toThrow(/service\.image = "nginx": use a registry reference with a tag or digest/);
    expect(() => validateStageConfig({ ...PROD, service: { ...PROD.service, certificateArn: PROD.service.certificateArn.replace('eu-west-1', 'us-east-1') } })).toThrow(/service\.certificateArn = .*ACM certificate in the primary region/);
    expect(() => validateStageConfig({ ...PROD, edge: { ...PROD.edge, certificateArn: undefined } })).toThrow(/edge\.certificateArn = \(missing\): CloudFront needs an ACM certificate in us-east-1/);
  });

  test('WAF limits: within the WAF range and stricter on sensitive paths', () => {
    expect(() => validateStageConfig({ ...PROD, service: { ...PROD.service, waf: { ...PROD.service.waf, sensitivePathRateLimitPer5Min: 5000 } } })).toThrow(
      /service\.waf\.sensitivePathRateLimitPer5Min = 5000: use at least 10 and less than service\.waf\.rateLimitPer5Min/,
    );
    expect(() => validateStageConfig({ ...PROD, service: { ...PROD.service, waf: { ...PROD.service.waf, rateLimitPer5Min: 5 } } })).toThrow(/service\.waf\.rateLimitPer5Min = 5/);
  });

  test('the worker dead-letters after at most 10 receives and sizes are Fargate sizes', () => {
    expect(() => validateStageConfig({ ...PROD, service: { ...PROD.service, worker: { ...PROD.service.worker, maxReceiveCount: 100 } } })).toThrow(/service\.worker\.maxReceiveCount = 100/);
    expect(() => validateStageConfig({ ...PROD, service: { ...PROD.service, memoryMiB: 1536 } })).toThrow(/service\.memoryMiB = 1536: use a Fargate size/);
    expect(isFargateSize(1024, 2048)).toBe(true);
    expect(isFargateSize(8192, 18432)).toBe(false); // 4 GiB steps at 8 vCPU
  });
});

describe('edge config validation', () => {
  test('outside dev, a CDN needs its own domain (the default certificate accepts TLS 1.0)', () => {
    expect(() => validateStageConfig({ ...STAGING, edge: { ...STAGING.edge, domainNames: [], certificateArn: undefined } })).toThrow(/edge\.domainNames = \[\]: serve the CDN on your own domain/);
    expect(() => validateStageConfig({ ...DEV, edge: { ...DEV.edge, cdn: true } })).not.toThrow();
  });
});
