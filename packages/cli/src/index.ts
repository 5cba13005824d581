/**
 * @hrnetjs/cli — the `hrnet` command line (bin `dist/main.js`). This entry is the small part the
 * playground shares with the commands, so there is one copy: the task model of a config and the
 * task-model builders of every family.
 */
export { createModel } from './models.js';
export { userPath } from './paths.js';
