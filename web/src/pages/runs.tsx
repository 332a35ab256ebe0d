import { EmptyState, PageHeader } from '../components/ui';

// Placeholder of the shell (Part I), replaced by the page's own part.
export function RunsPage() {
  return (
    <>
      <PageHeader title="Runs" subtitle="Start a run, follow its progress year by year, and read the run history." />
      <EmptyState title="Coming soon" />
    </>
  );
}
