import type { ProgressEvent, ProgressSink } from '../orchestrator/progress.js';

/**
 * Renders progress on stderr: on a terminal, one line per year rewritten as its stages advance;
 * otherwise (CI, pipes, files) plain lines. With `quiet`, only notices are printed.
 */
export function consoleProgress(stream: NodeJS.WriteStream, quiet: boolean): ProgressSink {
  const tty = stream.isTTY === true;
  return {
    emit(event: ProgressEvent): void {
      switch (event.kind) {
        case 'notice':
          stream.write(`Note: ${event.message}\n`);
          return;
        case 'run_started':
          if (!quiet) stream.write(`Simulating ${event.startYear}–${event.endYear} (run ${event.runId})\n`);
          return;
        case 'stage_started':
          if (!quiet && tty) stream.write(`\r\x1b[K  ${event.year}  ${event.stage.toLowerCase()}...`);
          return;
        case 'stage_completed':
          if (!quiet && !tty) stream.write(`  ${event.year}  ${event.stage.toLowerCase()} done in ${event.seconds.toFixed(2)}s\n`);
          return;
        case 'year_completed':
          if (!quiet) {
            const s = event.summary;
            stream.write(
              `${tty ? '\r\x1b[K' : ''}  ${event.year}  done in ${event.seconds.toFixed(2)}s: ${s.activeHeadcount} active, ${s.hires} hires, ${s.experiencedTerminations + s.newHireTerminations} terminations\n`,
            );
          }
          return;
        default:
          return;
      }
    },
  };
}
