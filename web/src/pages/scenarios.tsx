import { api, type ScenarioSummary } from '../api';
import { DataTable } from '../components/DataTable';
import { EmptyState, LoadState, PageHeader } from '../components/ui';
import { useLoad } from '../load';

// Placeholder of the shell (Part I): the list only; create, copy, rename and delete come with the scenarios page.
export function ScenariosPage() {
  const scenarios = useLoad(() => api.get<{ scenarios: ScenarioSummary[] }>('/scenarios'), []);
  return (
    <>
      <PageHeader title="Scenarios" subtitle="The plan designs of this workspace, each with its census and years." />
      <LoadState state={scenarios}>
        {({ scenarios: list }) =>
          list.length === 0 ? (
            <EmptyState title="No scenarios yet" />
          ) : (
            <DataTable
              caption="Scenarios"
              columns={[
                { id: 'name', label: 'Scenario', unit: 'text' },
                { id: 'census', label: 'Census', unit: 'text' },
                { id: 'startYear', label: 'First year', unit: 'year' },
                { id: 'endYear', label: 'Last year', unit: 'year' },
                { id: 'runs', label: 'Runs', unit: 'count' },
                { id: 'modifiedAt', label: 'Modified', unit: 'timestamp' },
              ]}
              rows={list}
            />
          )
        }
      </LoadState>
    </>
  );
}
