import { MODELS, STAGES, type Stage } from '../models/registry.js';
import type { ValidationRule } from '../validation/rules.js';

/**
 * The execution plan: which models and rules run for which year, in which stage. It is a plain
 * serialisable value: `--dry-run --json` prints exactly what the executor walks.
 */
export interface StagePlan {
  stage: Stage;
  models: string[];
  rules: string[];
}

export interface YearPlan {
  year: number;
  stages: StagePlan[];
}

export interface SimulationPlan {
  startYear: number;
  endYear: number;
  seed: number;
  configHash: string;
  census: string;
  database: string;
  years: YearPlan[];
}

export function buildPlan(input: Omit<SimulationPlan, 'years'>, rules: readonly ValidationRule[]): SimulationPlan {
  const years: YearPlan[] = [];
  for (let year = input.startYear; year <= input.endYear; year += 1) {
    years.push({
      year,
      stages: STAGES.map((stage) => ({
        stage,
        models: MODELS.filter((m) => m.stage === stage).map((m) => m.name),
        rules: stage === 'VALIDATION' ? rules.map((r) => r.name) : [],
      })),
    });
  }
  return { ...input, years };
}

/** The plan of a validated config: what `--dry-run` prints and the orchestrator walks. */
export function planForConfig(
  config: { hash: string; config: { simulation: { start_year: number; end_year: number; random_seed: number } } },
  census: string,
  database: string,
  rules: readonly ValidationRule[],
  years?: { startYear: number; endYear: number },
): SimulationPlan {
  const sim = config.config.simulation;
  return buildPlan(
    {
      startYear: years?.startYear ?? sim.start_year,
      endYear: years?.endYear ?? sim.end_year,
      seed: sim.random_seed,
      configHash: config.hash,
      census,
      database,
    },
    rules,
  );
}

export function describePlan(plan: SimulationPlan): string[] {
  const lines = [
    `Plan: ${plan.years.length} year(s) ${plan.startYear}–${plan.endYear}, seed ${plan.seed}, config ${plan.configHash.slice(0, 12)}`,
    `  census   ${plan.census}`,
    `  database ${plan.database}`,
  ];
  for (const year of plan.years) {
    lines.push(`Year ${year.year}`);
    for (const stage of year.stages) {
      const work = [...stage.models, ...stage.rules.map((r) => `rule:${r}`)];
      lines.push(`  ${stage.stage.padEnd(19)} ${work.length > 0 ? work.join(', ') : '(nothing)'}`);
    }
  }
  return lines;
}
