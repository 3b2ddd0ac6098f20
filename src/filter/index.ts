// The filter stage between the scan and the reporters: a baseline hides known findings, the
// changed-lines filter keeps those a change introduced. Apply the baseline first (its `fixed`
// count is about the whole repository), then the changed lines.
export { applyBaseline, asBaseline, createBaseline, readBaseline, renderBaseline, type Baseline, type BaselineEntry } from './baseline.js';
export { asReport, changedLinesSince, compareScore, filterToChanged, parseUnifiedDiff, readReport, type ChangedFilterOptions } from './changed-since.js';
