import pg from 'pg';

export interface NotificationListener {
  /** Ends the LISTEN connection and stops reconnecting. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** A direct (session) connection: a transaction pooler cannot hold a LISTEN. */
  connectionString: string;
  channels: readonly string[];
  onNotification: (channel: string, payload: string | undefined) => void;
  /** Connection trouble; the listener reconnects by itself (after `reconnectMs`). */
  onError?: (err: unknown) => void;
  reconnectMs?: number;
  applicationName?: string;
}

/**
 * LISTENs on `channels` over one dedicated connection and reconnects when it drops (or cannot connect at first:
 * this never throws, it reports through `onError` and keeps trying). Notifications sent while
 * it was down are lost, so callers keep a periodic backstop (the jobs app keeps its cron schedules); after a
 * reconnect `onNotification` is called once per channel with no payload, so work queued meanwhile is picked up.
 */
export async function listenForNotifications(opts: ListenOptions): Promise<NotificationListener> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const reconnectMs = opts.reconnectMs ?? 1_000;

  const connect = async (isReconnect: boolean): Promise<void> => {
    const c = new pg.Client({
      connectionString: opts.connectionString,
      application_name: opts.applicationName ?? 'popbox-listen',
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
    const lost = (err?: unknown) => {
      if (client !== c) return;
      client = undefined;
      c.removeAllListeners();
      c.on('error', () => {});
      void c.end().catch(() => {});
      if (closed) return;
      if (err) opts.onError?.(err);
      retry = setTimeout(() => void connect(true).catch(() => {}), reconnectMs);
      retry.unref();
    };
    c.on('notification', (n) => opts.onNotification(n.channel, n.payload));
    c.on('error', (err) => lost(err));
    c.on('end', () => lost(new Error('LISTEN connection ended')));
    client = c;
    try {
      await c.connect();
      for (const channel of opts.channels) await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      lost(err);
      return;
    }
    if (isReconnect) for (const channel of opts.channels) opts.onNotification(channel, undefined);
  };

  await connect(false);
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => {});
        await c.end().catch(() => {});
      }
    },
  };
}
