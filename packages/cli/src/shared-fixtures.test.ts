import { reportSharedFixtures } from '@hrnetjs/test-utils';

// Lists this package's ../shared/fixtures parity tests as skipped when the folder is missing.
reportSharedFixtures();
