import { existsSync } from 'node:fs';
import { Database } from '../../db/database.js';
import { ExitCode, UsageError } from '../../errors.js';
import { CheckpointManager } from '../../orchestrator/checkpoints.js';

const ACTIONS = ['list', 'status', 'cleanup', 'validate'] as const;

/** `planalign checkpoints list|status|cleanup|validate --database F`. */
export async function checkpoints(action: string | undefined, options: { database: string; json?: true }): Promise<number> {
  const chosen = action ?? 'status';
  if (!(ACTIONS as readonly string[]).includes(chosen)) {
    throw new UsageError(`Unknown checkpoints action "${chosen}": use ${ACTIONS.join(', ')}`);
  }
  if (!existsSync(options.database)) throw new UsageError(`No database at ${options.database}`, { file: options.database });
  const db = await Database.open(options.database, { readOnly: chosen !== 'cleanup' });
  try {
    const manager = new CheckpointManager(db);
    const out = (value: unknown, text: string[]): void => {
      process.stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${text.join('\n')}\n`);
    };
    switch (chosen) {
      case 'list': {
        const list = await manager.list();
        out(list, [
          list.length === 0 ? 'No checkpoints' : 'Year  Run                                    Created                  Snapshot rows  Events',
          ...list.map(
            (c) =>
              `${c.year}  ${c.runId.padEnd(38)} ${c.createdAt.padEnd(24)} ${String(c.rowCounts.fct_workforce_snapshot ?? 0).padStart(13)}  ${c.rowCounts.fct_yearly_events ?? 0}`,
          ),
        ]);
        return ExitCode.Success;
      }
      case 'status': {
        const list = await manager.list();
        const last = list.at(-1);
        const status = { checkpoints: list.length, lastCompleteYear: last?.year ?? null, runId: last?.runId ?? null };
        out(status, [
          last === undefined
            ? 'No completed year: nothing to resume'
            : `${list.length} completed year(s), last ${last.year} (run ${last.runId}); --resume continues at ${last.year + 1}`,
        ]);
        return ExitCode.Success;
      }
      case 'cleanup': {
        const removed = await manager.cleanup();
        out({ removed }, [removed.length === 0 ? 'Nothing to clean up' : `Removed checkpoints of years without data: ${removed.join(', ')}`]);
        return ExitCode.Success;
      }
      default: {
        const mismatches = await manager.validate();
        const count = (await manager.list()).length;
        out(
          { valid: mismatches.length === 0, checked: count, mismatches },
          mismatches.length === 0
            ? [`All ${count} checkpoint(s) match their years' data`]
            : mismatches.map((m) =>
                m.unverifiable !== undefined
                  ? `Year ${m.year}: not verifiable: ${m.unverifiable}`
                  : `Year ${m.year}, table ${m.table}: content changed since its checkpoint (rows ${m.expectedRows} then, ${m.actualRows} now)`,
              ),
        );
        return mismatches.length === 0 ? ExitCode.Success : ExitCode.ValidationFailure;
      }
    }
  } finally {
    db.close();
  }
}
