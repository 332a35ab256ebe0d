import { api, type ScenarioSummary } from '../api';
import { Chart } from '../components/Chart';
import { LoadState, PageHeader } from '../components/ui';
import { useLoad } from '../load';

// Placeholder of the shell (Part I), replaced by the dashboard's part: one chart, to show the Chart component at work.
export function DashboardPage() {
  const scenarios = useLoad(() => api.get<{ scenarios: ScenarioSummary[] }>('/scenarios'), []);
  return (
    <>
      <PageHeader title="Dashboard" subtitle="A run's figures per year: headcount, pay, participation, contributions and employer cost." />
      <LoadState state={scenarios}>
        {({ scenarios: list }) => (
          <Chart
            title="Runs per scenario"
            option={{
              xAxis: { type: 'category', data: list.map((s) => s.name) },
              yAxis: { type: 'value', minInterval: 1 },
              series: [{ type: 'bar', name: 'Runs', data: list.map((s) => s.runs) }],
            }}
            table={{
              caption: 'Runs per scenario',
              columns: [
                { id: 'name', label: 'Scenario', unit: 'text' },
                { id: 'runs', label: 'Runs', unit: 'count' },
              ],
              rows: list,
            }}
            height={240}
          />
        )}
      </LoadState>
    </>
  );
}
