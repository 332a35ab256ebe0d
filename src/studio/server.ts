import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { UsageError } from '../errors.js';
import { stopEnsembles } from '../services/ensembles.js';
import { RunManager } from '../services/runs.js';
import { createStudioApp, type StudioOptions } from './app.js';
import type { StudioApp } from './deps.js';

export interface StudioServer {
  /** http://host:port, with the port actually bound (port 0 asks for a free one). */
  url: string;
  host: string;
  port: number;
  app: StudioApp;
  runs: RunManager;
  /** Stops accepting requests and ends open streams; the runs this server started stop, left 'interrupted' (resumable), and so do its ensembles. */
  close(): Promise<void>;
}

/** Binds host:port, then serves the Studio there (the app is made once the port is known: the Host check needs it). */
export async function startStudio(options: StudioOptions): Promise<StudioServer> {
  const server = createServer();
  await listen(server, options.host, options.port);
  const port = (server.address() as AddressInfo).port;
  const runs = options.runs ?? new RunManager(options.workspace);
  const app = createStudioApp({ ...options, port, runs });
  server.on('request', getRequestListener(app.fetch));
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostInUrl}:${port}`,
    host: options.host,
    port,
    app,
    runs,
    close: async () => {
      await Promise.all([runs.close(), stopEnsembles()]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams stay open until their run ends: close them too.
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new UsageError(`Port ${port} on ${host} is in use: choose another with --port`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new UsageError(`Cannot listen on ${host}: not an address of this machine (--host)`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}
