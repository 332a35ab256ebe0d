import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';
import { cssVar, palette, useTheme } from '../theme';
import { DataTable, type DataTableProps } from './DataTable';

// Only what the pages draw: the bundle stays a fraction of the whole of ECharts.
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, TitleComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export interface ChartProps {
  title: string;
  option: ChartOption;
  /** The same numbers as an accessible table under the chart (what screen readers and tests read). */
  table: DataTableProps;
  height?: number;
}

/** An ECharts canvas in the theme's colours and the Okabe–Ito palette, resized with its box, and its table. */
export function Chart({ title, option, table, height = 320 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    const text = cssVar('--text');
    const muted = cssVar('--muted');
    const grid = cssVar('--border');
    // Laid into each of the page's axes rather than set first: ECharts drops a first option's axis
    // styles when the page's axis replaces it (the labels fell back to its own dark grey).
    const themed = (axis: Record<string, unknown>) => ({
      ...axis,
      axisLabel: { color: muted, ...(axis.axisLabel as object | undefined) },
      axisLine: { lineStyle: { color: grid } },
      splitLine: { lineStyle: { color: grid } },
    });
    const axes = (axis: unknown) =>
      axis === undefined ? undefined : Array.isArray(axis) ? axis.map(themed) : themed(axis as Record<string, unknown>);
    chart.setOption({
      color: palette(theme),
      textStyle: { color: text, fontFamily: cssVar('--font') },
      legend: { textStyle: { color: text }, top: 0 },
      tooltip: { trigger: 'axis' },
      grid: { left: 16, right: 16, top: 40, bottom: 8, containLabel: true },
    });
    chart.setOption({ ...option, xAxis: axes(option.xAxis), yAxis: axes(option.yAxis) });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [option, theme]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-canvas" role="img" aria-label={title} style={{ height: `${height}px` }} />
      <details open>
        <summary>Table</summary>
        <DataTable {...table} />
      </details>
    </figure>
  );
}
