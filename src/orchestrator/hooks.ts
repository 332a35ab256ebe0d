import { HookError } from '../errors.js';
import type { Stage } from '../models/registry.js';

export type HookPoint = 'before_run' | 'after_run' | 'before_year' | 'after_year' | 'before_stage' | 'after_stage';

export interface HookContext {
  point: HookPoint;
  runId: string;
  year?: number;
  stage?: Stage;
}

export type HookFunction = (context: HookContext) => void | Promise<void>;

export interface Hook {
  name: string;
  point: HookPoint;
  run: HookFunction;
}

/** Hooks run in registration order; a hook that throws stops the run with its name in the error. */
export class HookManager {
  private readonly hooks: Hook[] = [];

  register(hook: Hook): this {
    this.hooks.push(hook);
    return this;
  }

  async fire(context: HookContext): Promise<void> {
    for (const hook of this.hooks) {
      if (hook.point !== context.point) continue;
      try {
        await hook.run(context);
      } catch (error) {
        throw new HookError(hook.name, context.point, error, { simulationYear: context.year, stage: context.stage });
      }
    }
  }
}
