// The version of everything that turns attached BOM bytes into findings (parsers, media-type rules,
// classification inputs). It is part of every lookup cache key: bump it whenever parsing changes, so a
// rolled-out webhook never serves inventories produced by older parsing rules.
export const PARSER_VERSION = 'p4'; // p2: limits.maxModelsPerBom (issue #22); p3: model artifacts, p4: only data[].type dataset is a dataset (issue #18)
