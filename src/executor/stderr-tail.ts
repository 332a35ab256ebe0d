import type { ChildProcess } from 'node:child_process';

/** Lines of a child's stderr kept to explain its death. */
const STDERR_LINES = 20;

/** The last lines a child process wrote to stderr (the local pool's job children, the Studio's run children). */
export class StderrTail {
  private lines: string[] = [];

  constructor(child: ChildProcess) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.lines.push(...chunk.split('\n').filter((l) => l.trim() !== ''));
      this.lines.splice(0, Math.max(0, this.lines.length - STDERR_LINES));
    });
  }

  /** `: <the lines>` to append to a message, or '' when the child wrote nothing. */
  suffix(): string {
    return this.lines.length > 0 ? `: ${this.lines.join('\n')}` : '';
  }

  /** Forgets what was written (a warm child starting its next job). */
  clear(): void {
    this.lines = [];
  }
}
