import { EmptyState, PageHeader } from '../components/ui';

// Placeholder of the shell (Part I), replaced by the page's own part.
export function CensusPage() {
  return (
    <>
      <PageHeader title="Census" subtitle="Upload a census, map its columns, see its problems and its profile." />
      <EmptyState title="Coming soon" />
    </>
  );
}
