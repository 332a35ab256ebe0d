import { EmptyState, PageHeader } from '../components/ui';

// Placeholder of the shell (Part I), replaced by the page's own part.
export function ComparePage() {
  return (
    <>
      <PageHeader title="Compare" subtitle="Up to six runs side by side, with deltas against a baseline and the config diff." />
      <EmptyState title="Coming soon" />
    </>
  );
}
