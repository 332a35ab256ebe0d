import { writeFile } from 'node:fs/promises';
import { Resvg } from '@resvg/resvg-js';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TitleComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
// Each of these registers itself. Only the parts drawn here: importing all of `echarts/charts` and
// `echarts/components` takes twice as long.
import 'echarts/lib/chart/bar';
import 'echarts/lib/chart/line';
import 'echarts/lib/component/grid';
import 'echarts/lib/component/legendPlain';
import 'echarts/lib/component/markLine';
import 'echarts/lib/component/title';
import { PlanAlignError } from '../errors.js';
import type { MetricUnit } from '../reporting/metrics.js';
import { writeAtomically } from '../reporting/atomic.js';
import { FONT_FAMILY, FONT_FAMILY_CSS, FONT_FILES, measureCssText, textWidth } from './font.js';
import { formatAxisValue } from './format.js';

/**
 * Charts without a browser: ECharts lays the chart out and writes SVG on the server, resvg turns the
 * SVG into PNG with the bundled font only. Same spec, same bytes, on any machine.
 */

echarts.use([SVGRenderer]);
// ECharts measures text for its layout; with no canvas it guesses from a width table. Measure with
// the font the PNG is drawn in instead (deterministic, and right for bold and non-ASCII text).
echarts.setPlatformAPI({ measureText: (text, font) => ({ width: measureCssText(text, font) }) });

interface ChartBase {
  title: string;
  subtitle?: string;
  /** Title of the horizontal axis, under it; none when the categories speak for themselves (years). */
  xLabel?: string;
  /** Title of the value axis, written above it, e.g. "Employer cost". The unit is in the tick labels. */
  yLabel: string;
  /** How the value-axis ticks read: usd → $1.2M, fraction → 45 %, count → 4,500. */
  unit: MetricUnit;
  /** One per point along the horizontal axis: numbers (years) are thinned when crowded, text is wrapped. */
  categories: readonly (string | number)[];
  /** In CSS pixels; the PNG is width × height × scale. Default 800 × 450. */
  width?: number;
  height?: number;
}

/** A p10–p90 (or any) band drawn as a shaded area behind its series' line. */
export interface ChartBand {
  /** Its legend entry, e.g. "p10–p90"; unique among the chart's series names and band labels. */
  label: string;
  lower: readonly (number | null)[];
  upper: readonly (number | null)[];
}

export interface LineSeries {
  name: string;
  /** One per category; null leaves a gap. */
  values: readonly (number | null)[];
  /** Shaded behind the line, in the line's colour: nested bands (P5–P95 around P25–P75) darken where they overlap. */
  bands?: readonly ChartBand[];
}

export interface BarSeries {
  name: string;
  values: readonly (number | null)[];
}

/** Lines over the categories. The value axis fits the data (it need not start at zero). */
export interface LineChartSpec extends ChartBase {
  kind: 'line';
  series: readonly LineSeries[];
}

/** Grouped bars, one group per category. The value axis always includes zero. */
export interface BarChartSpec extends ChartBase {
  kind: 'bar';
  series: readonly BarSeries[];
}

export type ChartSpec = LineChartSpec | BarChartSpec;

export interface PngOptions {
  /** Pixels per CSS pixel: 2 for sharp images on high-density screens and in workbooks. Default 1. */
  scale?: number;
}

/** Okabe–Ito: told apart with every common colour-vision deficiency; yellow last (weak on white). */
/** Opacity of a band's fill. */
const BAND_OPACITY = 0.2;

export const CHART_PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;
/** After the palette, lines repeat its colours dashed, then dotted. */
const LINE_TYPES = ['solid', 'dashed', 'dotted'] as const;

const DEFAULT_WIDTH = 800;
const DEFAULT_HEIGHT = 450;
const MAX_PIXELS_PER_SIDE = 8000;
const PAD = 16;
const TITLE_SIZE = 18;
const SUBTITLE_SIZE = 13;
const LABEL_SIZE = 12;
const TITLE_LINE = 22;
const SUBTITLE_LINE = 17;
const LABEL_LINE = 15;
const TEXT_COLOUR = '#1f2328';
const MUTED_COLOUR = '#4b5563';
const LEGEND_ICON_WIDTH = 22;
/** ECharts puts a legend name 5 px after its icon. */
const LEGEND_TEXT_GAP = 5;
const LEGEND_ITEM_GAP = 18;
const LEGEND_ROW_HEIGHT = 18;
/** Above this many points a line shows no point markers: they would merge into a thick line. */
const MAX_POINTS_WITH_MARKERS = 40;

type Option = echarts.ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TitleComponentOption
>;

function fail(spec: { title?: unknown }, problem: string): never {
  throw new PlanAlignError(`chart '${String(spec.title)}': ${problem}`);
}

function checkValues(spec: ChartSpec, what: string, values: readonly (number | null)[]): void {
  if (values.length !== spec.categories.length) {
    fail(spec, `${what} has ${values.length} values for ${spec.categories.length} categories`);
  }
  const bad = values.findIndex((v) => v !== null && !Number.isFinite(v));
  if (bad >= 0) fail(spec, `${what} value ${bad + 1} (${String(values[bad])}) is not a finite number or null`);
}

function checkSpec(spec: ChartSpec): void {
  if (spec.kind !== 'line' && spec.kind !== 'bar') fail(spec, `kind must be 'line' or 'bar', not '${String((spec as { kind: unknown }).kind)}'`);
  if (spec.title.trim() === '') fail(spec, 'the title is empty');
  if (spec.categories.length === 0) fail(spec, 'no categories');
  if (spec.series.length === 0) fail(spec, 'no series');
  for (const [side, size] of [['width', spec.width], ['height', spec.height]] as const) {
    if (size !== undefined && !(Number.isInteger(size) && size >= 200 && size <= MAX_PIXELS_PER_SIDE)) {
      fail(spec, `${side} ${size} is not a whole number of pixels from 200 to ${MAX_PIXELS_PER_SIDE}`);
    }
  }
  const names = new Set<string>();
  const unique = (name: string): void => {
    if (names.has(name)) fail(spec, `two series or bands are named '${name}'`);
    names.add(name);
  };
  for (const series of spec.series) {
    unique(series.name);
    checkValues(spec, `series '${series.name}'`, series.values);
    for (const band of bandsOf(series)) {
      unique(band.label);
      checkValues(spec, `band '${band.label}' lower`, band.lower);
      checkValues(spec, `band '${band.label}' upper`, band.upper);
      const inverted = band.lower.findIndex((low, i) => low !== null && band.upper[i] != null && low > band.upper[i]!);
      if (inverted >= 0) fail(spec, `band '${band.label}' has lower above upper at category ${String(spec.categories[inverted])}`);
    }
  }
}

/**
 * Greedy word wrap to `maxWidth` pixels (a word longer than that stays whole). Done here rather than
 * by ECharts, whose wrapping measures characters through a cache it drops when measuring is slow.
 */
function wrap(text: string, maxWidth: number, sizePx: number, bold = false): string[] {
  const lines: string[] = [];
  for (const word of text.trim().split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && textWidth(`${lines[last]} ${word}`, sizePx, bold) <= maxWidth) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Legend entries placed in rows that fit the width, so ECharts never has to wrap them itself. */
function legendRows(names: readonly string[], available: number): string[][] {
  const rows: string[][] = [];
  let rowWidth = 0;
  for (const name of names) {
    // + 2: a line icon's stroke reaches a pixel past each end of the icon.
    const width = LEGEND_ICON_WIDTH + LEGEND_TEXT_GAP + textWidth(name, LABEL_SIZE) + 2;
    const row = rows[rows.length - 1];
    if (row !== undefined && rowWidth + LEGEND_ITEM_GAP + width <= available) {
      row.push(name);
      rowWidth += LEGEND_ITEM_GAP + width;
    } else {
      rows.push([name]);
      rowWidth = width;
    }
  }
  return rows;
}

function bandsOf(series: LineSeries | BarSeries): readonly ChartBand[] {
  return 'bands' in series ? (series.bands ?? []) : [];
}

/** A darker line at zero when the values run both sides of it (deltas against a baseline). */
function zeroLine(spec: ChartSpec): MarkLineComponentOption | undefined {
  const values = spec.series.flatMap((s) => [...s.values, ...bandsOf(s).flatMap((b) => [...b.lower, ...b.upper])]);
  const numbers = values.filter((v): v is number => v !== null);
  if (!(Math.min(...numbers) < 0 && Math.max(...numbers) > 0)) return undefined;
  return {
    silent: true,
    symbol: 'none',
    label: { show: false },
    emphasis: { disabled: true },
    lineStyle: { color: '#6b7280', type: 'solid', width: 1 },
    data: [{ yAxis: 0 }],
  };
}

function seriesOptions(spec: ChartSpec): Option['series'] {
  const showSymbol = spec.categories.length <= MAX_POINTS_WITH_MARKERS;
  const common = { silent: true, emphasis: { disabled: true } } as const;
  const markLine = zeroLine(spec);
  return spec.series.flatMap((series, i): (LineSeriesOption | BarSeriesOption)[] => {
    const color = CHART_PALETTE[i % CHART_PALETTE.length];
    const onFirst = i === 0 ? { markLine } : {};
    if (spec.kind === 'bar') {
      return [{ ...common, ...onFirst, type: 'bar', name: series.name, data: [...series.values], color, barMaxWidth: 48, barGap: '15%' }];
    }
    const line: LineSeriesOption = {
      ...common,
      ...onFirst,
      type: 'line',
      name: series.name,
      data: [...series.values],
      color,
      z: 3,
      lineStyle: { width: 2.5, type: LINE_TYPES[Math.floor(i / CHART_PALETTE.length) % LINE_TYPES.length] },
      symbol: 'circle',
      symbolSize: 6,
      showSymbol,
      connectNulls: false,
    };
    // A band is two stacked, unlined series: the lower bound, then (upper − lower) filled down to it.
    // `stackStrategy: 'all'` stacks negative values too (a band around a delta may cross zero).
    const bands = bandsOf(series).flatMap((band, k): LineSeriesOption[] => {
      const stack = { stack: `band-${i}-${k}`, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, z: 2 } as const;
      const thickness = band.lower.map((low, j) => (low === null || band.upper[j] == null ? null : band.upper[j]! - low));
      return [
        { ...common, ...stack, type: 'line', name: `${band.label} (lower bound)`, data: [...band.lower], color },
        { ...common, ...stack, type: 'line', name: band.label, data: thickness, color, areaStyle: { color, opacity: BAND_OPACITY } },
      ];
    });
    return [...bands, line];
  });
}

function chartOption(spec: ChartSpec, width: number): Option {
  const text = { fontFamily: FONT_FAMILY_CSS };
  const titleLines = wrap(spec.title, width - 2 * PAD, TITLE_SIZE, true);
  const subtitleLines = spec.subtitle ? wrap(spec.subtitle, width - 2 * PAD, SUBTITLE_SIZE) : [];
  const titles: TitleComponentOption[] = [
    {
      text: titleLines.join('\n'),
      subtext: subtitleLines.join('\n'),
      left: PAD,
      top: PAD,
      padding: 0,
      itemGap: 4,
      textStyle: { ...text, fontSize: TITLE_SIZE, lineHeight: TITLE_LINE, fontWeight: 'bold', color: TEXT_COLOUR },
      subtextStyle: { ...text, fontSize: SUBTITLE_SIZE, lineHeight: SUBTITLE_LINE, color: MUTED_COLOUR },
    },
  ];
  let top = PAD + titleLines.length * TITLE_LINE + (subtitleLines.length > 0 ? 4 + subtitleLines.length * SUBTITLE_LINE : 0);

  // A band's swatch shows it as drawn: the k-th nested band lies over k wider ones, each 20 % opaque.
  const legendEntries: Array<{ name: string; color: string; opacity?: number }> = [];
  spec.series.forEach((series, i) => {
    const color = CHART_PALETTE[i % CHART_PALETTE.length]!;
    legendEntries.push({ name: series.name, color });
    bandsOf(series).forEach((band, k) => legendEntries.push({ name: band.label, color, opacity: 1 - (1 - BAND_OPACITY) ** (k + 1) }));
  });
  const legends: LegendComponentOption[] = [];
  if (legendEntries.length > 1) {
    top += 10;
    for (const row of legendRows(legendEntries.map((e) => e.name), width - 2 * PAD)) {
      legends.push({
        left: PAD,
        top,
        padding: 0,
        itemWidth: LEGEND_ICON_WIDTH,
        itemHeight: 12,
        itemGap: LEGEND_ITEM_GAP,
        textStyle: { ...text, fontSize: LABEL_SIZE, lineHeight: LABEL_LINE, color: TEXT_COLOUR },
        selectedMode: false,
        data: row.map((name) => {
          const entry = legendEntries.find((e) => e.name === name)!;
          return entry.opacity !== undefined
            ? { name, icon: 'rect', itemStyle: { color: entry.color, opacity: entry.opacity } }
            : { name, icon: spec.kind === 'bar' ? 'rect' : undefined };
        }),
      });
      top += LEGEND_ROW_HEIGHT;
    }
  }

  top += 12;
  const axisTitle = { ...text, fontSize: LABEL_SIZE, lineHeight: LABEL_LINE, fontWeight: 'normal', color: MUTED_COLOUR } as const;
  titles.push({ text: spec.yLabel, left: PAD, top, padding: 0, textStyle: axisTitle });
  top += LABEL_LINE + 6;
  if (spec.xLabel) titles.push({ text: spec.xLabel, left: 'center', bottom: PAD, padding: 0, textStyle: axisTitle });

  const numericCategories = spec.categories.every((c) => typeof c === 'number');
  // Room per category before the value labels' width is known: a conservative guess of 80 px for them.
  const slot = (width - 2 * PAD - 80) / spec.categories.length - 8;
  const axisLabel = { ...text, fontSize: LABEL_SIZE, lineHeight: LABEL_LINE, color: MUTED_COLOUR };
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: text,
    title: titles,
    legend: legends,
    grid: {
      left: PAD,
      right: PAD,
      top,
      bottom: PAD + (spec.xLabel ? LABEL_LINE + 8 : 0),
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: {
      type: 'category',
      data: spec.categories.map((c) => (numericCategories ? String(c) : wrap(String(c), slot, LABEL_SIZE).join('\n'))),
      boundaryGap: spec.kind === 'bar',
      axisLine: { onZero: false, lineStyle: { color: '#9ca3af' } },
      axisTick: { alignWithLabel: true, lineStyle: { color: '#9ca3af' } },
      axisLabel: { ...axisLabel, interval: numericCategories ? 'auto' : 0 },
    },
    yAxis: {
      type: 'value',
      scale: spec.kind === 'line',
      minInterval: spec.unit === 'count' ? 1 : undefined,
      axisLabel: { ...axisLabel, formatter: (value: number) => formatAxisValue(spec.unit, value) },
      splitLine: { lineStyle: { color: '#e5e7eb' } },
    },
    series: seriesOptions(spec),
  };
}

/**
 * zrender numbers its SVG ids and CSS classes with counters global to the process; renumber them in
 * order of appearance so one spec gives the same bytes whatever was rendered before it.
 */
function canonicalIds(svg: string): string {
  const classes = new Map<string, string>();
  return svg
    .replace(/\bzr\d+-/g, 'zr0-')
    .replace(/\bzr0-cls-\d+\b/g, (id) => {
      let renamed = classes.get(id);
      if (renamed === undefined) {
        renamed = `zr0-cls-${classes.size}`;
        classes.set(id, renamed);
      }
      return renamed;
    });
}

/** The chart as a standalone SVG document (text as text, in the Arimo/Arial family). */
export function renderSvg(spec: ChartSpec): string {
  checkSpec(spec);
  const width = spec.width ?? DEFAULT_WIDTH;
  const height = spec.height ?? DEFAULT_HEIGHT;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(chartOption(spec, width));
    return canonicalIds(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/** The chart as a PNG of (width × scale) × (height × scale) pixels, drawn with the bundled font only. */
export function renderPng(spec: ChartSpec, options: PngOptions = {}): Buffer {
  const scale = options.scale ?? 1;
  const width = (spec.width ?? DEFAULT_WIDTH) * scale;
  const height = (spec.height ?? DEFAULT_HEIGHT) * scale;
  if (!(scale > 0) || !Number.isInteger(width) || !Number.isInteger(height) || Math.max(width, height) > MAX_PIXELS_PER_SIDE) {
    fail(spec, `scale ${scale} does not give a whole number of pixels up to ${MAX_PIXELS_PER_SIDE} a side`);
  }
  const resvg = new Resvg(renderSvg(spec), {
    font: {
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: 'zoom', value: scale },
  });
  return resvg.render().asPng();
}

/** Renders `spec` and writes it to `path` atomically (through a temporary file in the same folder). */
export async function writeChart(path: string, spec: ChartSpec, format: 'svg' | 'png', options: PngOptions = {}): Promise<void> {
  const data = format === 'svg' ? renderSvg(spec) : renderPng(spec, options);
  await writeAtomically(path, (temp) => writeFile(temp, data));
}
