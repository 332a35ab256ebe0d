import { ExitCode, UsageError } from '../../errors.js';
import { isLoopback } from '../../studio/security.js';
import { startStudio } from '../../studio/server.js';
import { OPENAPI_PATH } from '../../studio/app.js';
import { Workspace } from '../../workspace/workspace.js';
import { parseInteger } from '../options.js';

/** `planalign studio`: the HTTP API (and the web app when built) over a workspace, until Ctrl-C. */
export async function studioCommand(options: { workspace?: string; port: string; host: string; token?: string }): Promise<number> {
  const port = parseInteger(options.port, '--port');
  if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${port}`);
  const token = options.token ?? (process.env.PLANALIGN_STUDIO_TOKEN || undefined);
  if (!isLoopback(options.host) && token === undefined) {
    throw new UsageError(
      `--host ${options.host} lets other machines reach the Studio: give a --token (or PLANALIGN_STUDIO_TOKEN) that every request must carry`,
    );
  }
  const ws = options.workspace === undefined ? Workspace.openDefault() : Workspace.open(options.workspace, { create: true });
  const studio = await startStudio({ workspace: ws, host: options.host, port, ...(token === undefined ? {} : { token }) });
  process.stdout.write(
    `PlanAlign Studio on ${studio.url} (workspace ${ws.root})\n` +
      `API: ${studio.url}${OPENAPI_PATH}${token === undefined ? '' : ' (send the token: Authorization: Bearer <token>)'}\n` +
      'Ctrl-C stops it.\n',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await studio.close();
  return ExitCode.Success;
}
