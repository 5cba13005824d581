import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// The web page's browser test sits beside the page, in web/.
export default mergeConfig(shared, defineConfig({ test: { include: ['web/**/*.test.ts'] } }));
