import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { assertSingleAwsCdkLib, awsCdkLibCopyProblems, awsCdkLibFrom } from '../../lib/readiness/single-copy';

describe('one copy of aws-cdk-lib', () => {
  test('an app built from the same copy passes, and cdk-nag resolves the same copy', () => {
    const app = new App();
    new sns.Topic(new Stack(app, 'S'), 'T');
    expect(awsCdkLibCopyProblems(app)).toEqual([]);
    expect(() => assertSingleAwsCdkLib(app)).not.toThrow();
    const nag = awsCdkLibFrom(path.dirname(require.resolve('cdk-nag')));
    expect(nag).toBe(path.dirname(require.resolve('aws-cdk-lib/package.json')));
  });

  test('an app from another copy of aws-cdk-lib fails loudly in enforceReadiness and evaluateReadiness', () => {
    // The app is built from this file's aws-cdk-lib; after resetModules the gate loads aws-cdk-lib
    // afresh, as a library with its own nested copy would: its classes are not the app's.
    const app = new App();
    new CfnResource(new Stack(app, 'S'), 'Topic', { type: 'AWS::SNS::Topic' });
    jest.resetModules();
    const fresh = require('../../lib/readiness/single-copy') as typeof import('../../lib/readiness/single-copy');
    const gate = require('../../lib/readiness/gate') as typeof import('../../lib/readiness/gate');
    expect(fresh.awsCdkLibCopyProblems(app)).toEqual([
      expect.stringMatching(/^the app or stage 'App' was created with another copy of aws-cdk-lib than the readiness library's/),
      expect.stringMatching(/^the resource S\/Topic was created with another copy of aws-cdk-lib/),
    ]);
    expect(() => gate.enforceReadiness(app, { stage: 'prod' })).toThrow(
      /Two copies of aws-cdk-lib are loaded, so cdk-nag's rules \(instanceof checks\) would find nothing: .*npm ls aws-cdk-lib/,
    );
    expect(() => gate.evaluateReadiness(app, { stage: 'dev' })).toThrow(/Two copies of aws-cdk-lib/);
    // The same app passes the check of its own copy.
    expect(awsCdkLibCopyProblems(app)).toEqual([]);
  });
});
