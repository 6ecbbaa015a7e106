// The public entry of k8s/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { ApiError, connectKube, type ApiResponse, type KubeApi, type KubeConnection, type WatchEvent } from './api.js';
export { releaseLease, runWithLeaderElection, tryAcquireOrRenew, microTime, type LeaseOptions } from './lease.js';
export { abortableSleep, objectKey, Reflector, type KubeObject, type ObjectEventType, type ReflectorLog, type ReflectorOptions } from './reflector.js';
export { createReport, deleteReport, getReport, listCollection, listReports, readSummary, REPORTS, workloadCollection, writeReportStatus, writeSummary, WriteError, type Collection } from './resources.js';
