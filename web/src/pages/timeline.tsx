import { EmptyState, PageHeader } from '../components/ui';

// Placeholder of the shell (Part I), replaced by the page's own part.
export function TimelinePage() {
  return (
    <>
      <PageHeader title="Employee timeline" subtitle="Every event and yearly state of one employee across the years." />
      <EmptyState title="Coming soon" />
    </>
  );
}
