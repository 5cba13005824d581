export { type Difference, difference } from './compare.js';
export { fixturePath, fixturesDir, repoRoot } from './fixtures.js';
export { iou, matchDetections, matchedFraction } from './match-boxes.js';
export { type CliResult, runHrnet } from './run-hrnet.js';
export { type OracleCase, oracleCase, oracleDifferences, type OracleManifest } from './oracle-case.js';
export { reportSharedFixtures } from './shared-fixtures.js';
export { namedDifferences, type TrainCase, trainCase } from './train-case.js';
export { RecordingOptimizer } from './recording-optimizer.js';
export { bitmapIou, unpackMasks, withScores } from './masks.js';
