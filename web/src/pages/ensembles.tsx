import { EmptyState, PageHeader } from '../components/ui';

// Placeholder of the shell (Part I), replaced by the page's own part.
export function EnsemblesPage() {
  return (
    <>
      <PageHeader title="Ensembles" subtitle="Percentile fan charts and threshold probabilities over many seeds." />
      <EmptyState title="Coming soon" />
    </>
  );
}
