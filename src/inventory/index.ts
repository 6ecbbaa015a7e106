// The public entry of inventory/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { BadWorkloadError, INVENTORY_USER, workloadEvaluator, workloadRef, type EvaluateDependencies, type WorkloadEvaluation } from './evaluate.js';
export { buildReport, DEFAULT_REPORT_LIMITS, reportName, statusHash, verdictResult, type ReportLimits, type ReportOptions } from './report.js';
export { summarizeReports } from './summary.js';
export { InventoryController, keptOfWorkload, type ControllerOptions, type ControllerStats } from './controller.js';
export { inventoryCycloneDx, inventoryRows, renderCsv, renderTable, type InventoryRow } from './export.js';
