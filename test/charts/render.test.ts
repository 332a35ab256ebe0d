import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { FONT_FILES, textWidth } from '../../src/charts/font.js';
import { formatAxisValue } from '../../src/charts/format.js';
import { renderPng, renderSvg, writeChart, type ChartSpec } from '../../src/charts/render.js';
import { PlanAlignError } from '../../src/errors.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();
const years = [2025, 2026, 2027, 2028, 2029];

const costChart: ChartSpec = {
  kind: 'line',
  title: 'Total employer plan cost',
  subtitle: 'Match and core, by scenario',
  yLabel: 'Employer cost',
  unit: 'usd',
  categories: years,
  series: [
    { name: 'baseline', values: [1_210_000, 1_305_000, 1_402_500, 1_498_000, 1_610_000] },
    { name: 'auto-enroll 6 %', values: [1_350_000, 1_480_000, null, 1_720_000, 1_850_000] },
  ],
};

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The text of every <text> element of an SVG, unescaped. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&'),
  );
}

/** A bar chart whose value axis runs from 0 to `max`, so its ticks are predictable. */
function barChart(unit: 'usd' | 'fraction' | 'count', max: number): ChartSpec {
  return { kind: 'bar', title: `Unit ${unit}`, yLabel: 'Value', unit, categories: ['A', 'B'], series: [{ name: 'v', values: [max / 2, max] }] };
}

describe('chart rendering', () => {
  it('draws a PNG of the requested pixel size, scaled on request', () => {
    expect(pngSize(renderPng(costChart))).toEqual({ width: 800, height: 450 });
    expect(pngSize(renderPng({ ...costChart, width: 640, height: 360 }, { scale: 2 }))).toEqual({ width: 1280, height: 720 });
  });

  it('writes the title, subtitle, axis title and series names into the SVG as text', () => {
    const texts = svgTexts(renderSvg({ ...costChart, xLabel: 'Plan year' }));
    for (const text of ['Total employer plan cost', 'Match and core, by scenario', 'Employer cost', 'Plan year', 'baseline', 'auto-enroll 6 %']) {
      expect(texts).toContain(text);
    }
    for (const year of years) expect(texts).toContain(String(year));
  });

  it('shows a legend only when there is more than one series', () => {
    const single = { ...costChart, series: costChart.series.slice(0, 1) };
    expect(svgTexts(renderSvg(single))).not.toContain('baseline');
    expect(svgTexts(renderSvg(costChart))).toContain('baseline');
  });

  it('escapes markup in labels', () => {
    const svg = renderSvg({ ...costChart, title: 'Match <50 % & core' });
    expect(svgTexts(svg)).toContain('Match <50 % & core');
    expect(pngSize(renderPng({ ...costChart, title: 'Match <50 % & core' })).width).toBe(800);
  });

  it('gives byte-identical SVG and PNG for the same spec, whatever was rendered before', () => {
    const svg = renderSvg(costChart);
    const png = renderPng(costChart);
    renderSvg(barChart('count', 10)); // moves zrender's process-wide id counters on
    expect(renderSvg(costChart)).toBe(svg);
    expect(renderPng(costChart).equals(png)).toBe(true);
  });

  it('draws text with the bundled font (no system font is loaded)', () => {
    // Two charts that differ only in their titles' letters: if no font were found, text would draw as
    // nothing and the PNGs would be the same.
    const a = renderPng({ ...costChart, title: 'Headcount' });
    const b = renderPng({ ...costChart, title: 'Employees' });
    expect(a.equals(b)).toBe(false);
    const c = renderPng({ ...costChart, yLabel: 'Dollars a year' });
    expect(c.equals(renderPng(costChart))).toBe(false);
  });

  it('measures text as the font draws it, regular and bold', () => {
    for (const bold of [false, true]) {
      const text = 'Employer cost $1,250,000 – 92.5 %';
      const weight = bold ? ' font-weight="bold"' : '';
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="200"><text x="10" y="150" font-family="Arimo" font-size="100"${weight}>${text}</text></svg>`;
      const resvg = new Resvg(svg, { font: { fontFiles: [FONT_FILES.regular, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: 'Arimo' } });
      const drawn = resvg.getBBox()!.width;
      // The bounding box of the ink leaves out the first and last side bearings (a few px at 100 px).
      expect(Math.abs(textWidth(text, 100, bold) - drawn) / drawn).toBeLessThan(0.02);
    }
    expect(textWidth('Employer cost', 18, true)).toBeGreaterThan(textWidth('Employer cost', 18, false));
  });

  it('spaces legend entries by the drawn width of their names, non-ASCII letters included', () => {
    const names = ['Médian – p50', 'Second'];
    const svg = renderSvg({ ...costChart, series: names.map((name, i) => ({ name, values: costChart.series[i]!.values })) });
    const x = (content: string): number => {
      const element = [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].find((m) => m[2] === content)!;
      return Number(/translate\(([\d.]+) /.exec(element[1]!)![1]) + Number(/ x="([\d.]+)"/.exec(element[1]!)?.[1] ?? 0);
    };
    // Each entry: a 22 px icon, a 5 px gap, the name; 18 px between entries; the line icon's stroke
    // adds a pixel. Measured without the font ('é' and '–' as a full em) it would be 10 px more.
    expect(Math.abs(x('Second') - x(names[0]!) - (22 + 5 + textWidth(names[0]!, 12) + 18))).toBeLessThanOrEqual(1.5);
  });

  it('keeps every label inside the picture, at a small size with a long title and many series', () => {
    const specs: ChartSpec[] = [
      {
        kind: 'bar',
        width: 400,
        height: 300,
        title: 'Employer cost as a share of payroll for every scenario in the batch, 2025 to 2029',
        subtitle: 'Match plus core, divided by the total compensation of everyone employed in the year',
        yLabel: 'Share of payroll',
        xLabel: 'Scenario',
        unit: 'fraction',
        categories: ['baseline', 'auto-enroll with escalation to ten percent', 'safe harbor'],
        series: [{ name: 'Employer cost', values: [0.0312, 0.0355, 0.041] }],
      },
      {
        kind: 'line',
        title: 'Headcount, ten scenarios',
        yLabel: 'Employees',
        unit: 'count',
        categories: Array.from({ length: 31 }, (_, i) => 2025 + i),
        series: Array.from({ length: 10 }, (_, s) => ({
          name: `scenario number ${s + 1}`,
          values: Array.from({ length: 31 }, (_, i) => 1000 + s * 40 + i * (10 + s)),
        })),
      },
    ];
    for (const spec of specs) {
      const width = spec.width ?? 800;
      const height = spec.height ?? 450;
      const svg = renderSvg(spec);
      const elements = [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)];
      expect(elements.length).toBeGreaterThan(10);
      for (const [, attributes, content] of elements) {
        const size = Number(/font-size:(\d+)px/.exec(attributes!)![1]);
        const [, tx, ty] = /translate\(([\d.]+) ([\d.]+)\)/.exec(attributes!)!;
        const x = Number(tx) + Number(/ x="([\d.-]+)"/.exec(attributes!)?.[1] ?? 0);
        const y = Number(ty) + Number(/ y="([\d.-]+)"/.exec(attributes!)?.[1] ?? 0);
        const w = textWidth(content!.replaceAll('&amp;', '&'), size, attributes!.includes('font-weight:bold'));
        const anchor = /text-anchor="(\w+)"/.exec(attributes!)![1];
        const left = anchor === 'end' ? x - w : anchor === 'middle' ? x - w / 2 : x;
        expect({ content, left: left >= 0, right: left + w <= width }).toEqual({ content, left: true, right: true });
        expect({ content, top: y - size / 2 >= 0, bottom: y + size / 2 <= height }).toEqual({ content, top: true, bottom: true });
      }
    }
  });

  it('formats value-axis ticks by unit', () => {
    expect(svgTexts(renderSvg(barChart('usd', 2_000_000)))).toEqual(expect.arrayContaining(['$0', '$500K', '$1M', '$1.5M', '$2M']));
    expect(svgTexts(renderSvg(barChart('fraction', 1)))).toEqual(expect.arrayContaining(['0 %', '20 %', '60 %', '100 %']));
    expect(svgTexts(renderSvg(barChart('count', 5000)))).toEqual(expect.arrayContaining(['0', '1,000', '4,000', '5,000']));
  });

  it('formats axis values at the edges of their scales', () => {
    expect(formatAxisValue('usd', 950)).toBe('$950');
    expect(formatAxisValue('usd', 999_999)).toBe('$1M');
    expect(formatAxisValue('usd', 1_250_000)).toBe('$1.25M');
    expect(formatAxisValue('usd', -8_000)).toBe('-$8K');
    expect(formatAxisValue('usd', 2.5e9)).toBe('$2.5B');
    expect(formatAxisValue('usd', 0.5)).toBe('$0.5');
    expect(formatAxisValue('fraction', 0.0725)).toBe('7.25 %');
    expect(formatAxisValue('fraction', 0.07)).toBe('7 %');
    expect(formatAxisValue('fraction', -0.05)).toBe('-5 %');
    expect(formatAxisValue('count', 1234.5)).toBe('1,234.5');
    expect(formatAxisValue('count', -4500)).toBe('-4,500');
  });

  it('draws a band as a shaded area with its own legend entry', () => {
    const median = [1.21e6, 1.3e6, 1.41e6, 1.5e6, 1.6e6];
    const lower = [1.15e6, 1.2e6, 1.28e6, 1.33e6, 1.39e6];
    const upper = [1.27e6, 1.4e6, 1.55e6, 1.68e6, 1.83e6];
    const plain: ChartSpec = { kind: 'line', title: 'Employer cost across 200 simulations', yLabel: 'Employer cost', unit: 'usd', categories: years, series: [{ name: 'Median', values: median }] };
    const banded: ChartSpec = { ...plain, series: [{ name: 'Median', values: median, bands: [{ label: 'p10–p90', lower, upper }] }] };
    const svg = renderSvg(banded);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Median', 'p10–p90', '$1.8M']));
    expect(svg).toMatch(/<path d="[^"]*Z" fill="#0072B2" fill-opacity="0.2"/);
    // The value axis reaches the band's top, above every median value.
    expect(svgTexts(renderSvg(plain))).not.toContain('$1.8M');
    expect(renderPng(banded).equals(renderPng(plain))).toBe(false);
    // Nested bands (a fan): each its own shaded area and legend entry.
    const inner = { label: 'p25–p75', lower: median.map((v) => v - 2e4), upper: median.map((v) => v + 2e4) };
    const fan = renderSvg({ ...plain, series: [{ name: 'Median', values: median, bands: [{ label: 'p10–p90', lower, upper }, inner] }] });
    expect(svgTexts(fan)).toEqual(expect.arrayContaining(['Median', 'p10–p90', 'p25–p75']));
    expect(fan.match(/<path d="[^"]*Z" fill="#0072B2" fill-opacity="0.2"/g)).toHaveLength(2);
  });

  it('draws a line at zero when the values run both sides of it', () => {
    const spec: ChartSpec = { kind: 'bar', title: 'Employer cost vs baseline', yLabel: 'Difference', unit: 'usd', categories: years, series: [{ name: 'delta', values: [12_000, -8_000, 25_000, 31_000, -4_000] }] };
    expect(renderSvg(spec)).toContain('stroke="#6b7280"');
    expect(renderSvg({ ...spec, series: [{ name: 'delta', values: [12_000, 8_000, 25_000, 31_000, 4_000] }] })).not.toContain('stroke="#6b7280"');
  });

  it('refuses a spec it cannot draw, naming the chart and what is wrong', () => {
    const bad = (spec: ChartSpec): string => {
      try {
        renderSvg(spec);
      } catch (error) {
        expect(error).toBeInstanceOf(PlanAlignError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ ...costChart, series: [{ name: 'baseline', values: [1, 2, 3] }] })).toBe(
      "chart 'Total employer plan cost': series 'baseline' has 3 values for 5 categories",
    );
    expect(bad({ ...costChart, series: [{ name: 'x', values: [1, 2, Number.NaN, 4, 5] }] })).toMatch(/series 'x' value 3 \(NaN\)/);
    expect(bad({ ...costChart, series: [costChart.series[0]!, costChart.series[0]!] })).toMatch(/two series or bands are named 'baseline'/);
    expect(bad({ ...costChart, width: 50 })).toMatch(/width 50 is not a whole number of pixels/);
    expect(bad({ ...costChart, series: [] })).toMatch(/no series/);
    expect(
      bad({ ...costChart, series: [{ name: 'm', values: [1, 2, 3, 4, 5], bands: [{ label: 'b', lower: [0, 3, 2, 3, 4], upper: [2, 2, 4, 5, 6] }] }] }),
    ).toMatch(/band 'b' has lower above upper at category 2026/);
    expect(() => renderPng(costChart, { scale: 20 })).toThrow(/scale 20/);
  });

  it('writes SVG and PNG files atomically, leaving nothing else in the folder', async () => {
    const dir = tempDir();
    await writeChart(join(dir, 'cost.png'), costChart, 'png', { scale: 2 });
    await writeChart(join(dir, 'cost.svg'), costChart, 'svg');
    expect(readdirSync(dir).sort()).toEqual(['cost.png', 'cost.svg']);
    expect(pngSize(readFileSync(join(dir, 'cost.png')))).toEqual({ width: 1600, height: 900 });
    expect(readFileSync(join(dir, 'cost.svg'), 'utf8')).toBe(renderSvg(costChart));
  });
});
