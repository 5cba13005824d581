export { DetectionFeatureModel } from './detection-model.js';
export { HRFPN } from './hrfpn.js';
