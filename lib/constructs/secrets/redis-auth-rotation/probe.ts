import type { ConnectionOptions } from 'tls';
import { Redis } from 'ioredis';
import { RedisEndpoint, TokenProbe } from './steps';

export interface TlsProbeOptions {
  /** Extra `tls.connect` options (a test CA, for example). ElastiCache certificates chain to Amazon's public CA. */
  readonly tls?: ConnectionOptions;
  /** Connect and command timeout. Default 5 s. */
  readonly timeoutMs?: number;
}

/**
 * A probe that connects over TLS with the token (AUTH), runs PING and expects PONG.
 * One attempt, no reconnects: a refused token must fail fast and say so.
 */
export function createTlsProbe(options: TlsProbeOptions = {}): TokenProbe {
  const timeout = options.timeoutMs ?? 5_000;
  return async (endpoint: RedisEndpoint, token: string) => {
    const client = new Redis({
      host: endpoint.host,
      port: endpoint.port,
      password: token,
      tls: { ...options.tls },
      lazyConnect: true,
      connectTimeout: timeout,
      commandTimeout: timeout,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      reconnectOnError: () => false,
    });
    // ioredis reports the cause (WRONGPASS, a TLS failure) as an 'error' event and then rejects with
    // "Connection is closed."; keep the cause so that the caller can say why.
    let cause: Error | undefined;
    client.on('error', (e: Error) => {
      cause ??= e;
    });
    try {
      await client.connect();
      const reply = await client.ping();
      if (reply !== 'PONG') throw new Error(`unexpected reply to PING`);
    } catch (e) {
      throw cause && cause !== e ? new Error(`${cause.message} (${(e as Error).message})`) : e;
    } finally {
      client.disconnect();
    }
  };
}
