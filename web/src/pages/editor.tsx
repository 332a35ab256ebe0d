import { EmptyState, PageHeader } from '../components/ui';

// Placeholder of the shell (Part I), replaced by the page's own part.
export function EditorPage() {
  return (
    <>
      <PageHeader title="Plan design" subtitle="The form over every honoured config section, the raw YAML and a diff against another scenario." />
      <EmptyState title="Coming soon" />
    </>
  );
}
