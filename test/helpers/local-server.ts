import * as net from 'net';

/** A TCP port on 127.0.0.1 that was free a moment ago, for a server the test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `describe` for a suite that needs a locally installed server: skipped when it is missing, except with
 * CI=true, where the suite runs and its beforeAll fails loudly.
 */
export function describeWhenInstalled(installed: boolean): jest.Describe {
  return installed || process.env.CI === 'true' ? describe : describe.skip;
}
